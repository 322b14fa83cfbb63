/// SFT packing as LLaMA-Factory's `PackedSupervisedDatasetProcessor` (data/processor/
/// supervised.py, `packing: true` without `neat_packing`): encoded examples grouped into
/// packs of at most `cutoff` tokens by `greedy_knapsack`, each pack padded to
/// `cutoff + 1` tokens, with position ids restarting at 0 for every example. The attention
/// mask of a pack is all ones, padding included: attention crosses examples, only the
/// rotary positions restart.
extension DatasetProcessors {
    /// LLaMA-Factory's `greedy_knapsack` (data/processor/processor_utils.py): the lengths
    /// sorted ascending; each knapsack is filled by taking, while one fits, the largest
    /// remaining length that fits (a binary search: `bisect_right`, so the last of equal
    /// lengths), until none does.
    /// - Parameters:
    ///   - lengths: the items' lengths.
    ///   - capacity: a knapsack's size.
    /// - Returns: the knapsacks, each the lengths it holds in the order taken. A length
    ///   above `capacity` never fits: such items are left out (callers drop them first).
    public static func greedyKnapsack(_ lengths: [Int], capacity: Int) -> [[Int]] {
        var numbers = lengths.sorted()
        var knapsacks: [[Int]] = []
        while !numbers.isEmpty {
            var knapsack: [Int] = []
            var remaining = capacity
            while let index = largestFit(numbers, remaining) {
                remaining -= numbers[index]
                knapsack.append(numbers.remove(at: index))
            }
            // Nothing fits at all: the rest are longer than the capacity.
            if knapsack.isEmpty { break }
            knapsacks.append(knapsack)
        }
        return knapsacks
    }

    /// `search_for_fit`: the index of the last number <= `capacity` in ascending `numbers`.
    static func largestFit(_ numbers: [Int], _ capacity: Int) -> Int? {
        var low = 0
        var high = numbers.count
        while low < high {  // bisect_right
            let middle = (low + high) / 2
            if numbers[middle] <= capacity { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// Packs encoded SFT examples as `PackedSupervisedDatasetProcessor.preprocess_dataset`
    /// does with one group (one `preprocessing_batch_size` chunk) of them: examples longer
    /// than `cutoff` are dropped; the rest go into `greedyKnapsack` packs; the example of a
    /// given length placed next is the last one of that length not yet placed (its
    /// `length2indexes[length].pop()`); each pack concatenates ids and labels, gives
    /// positions 0..<n per example, and is padded with `padID`, label -100 and position 0
    /// to `cutoff + 1` tokens.
    /// - Parameters:
    ///   - sequences: the encoded examples, in data-set order.
    ///   - cutoff: LLaMA-Factory's `cutoff_len` after `DataArguments` took one off for
    ///     packing: a recipe's `cutoff_len: 1024` packs 1023 tokens into rows of 1024.
    ///   - padID: the tokenizer's pad id (LLaMA-Factory sets it to EOS when missing).
    /// - Returns: the packs, each with `positions`, and how many examples were too long.
    public static func packSupervised(
        _ sequences: [EncodedSequence], cutoff: Int, padID: Int
    ) -> (packs: [EncodedSequence], dropped: Int) {
        let kept = sequences.filter { $0.ids.count <= cutoff }
        var indexesByLength: [Int: [Int]] = [:]
        for (index, sequence) in kept.enumerated() {
            indexesByLength[sequence.ids.count, default: []].append(index)
        }
        var packs: [EncodedSequence] = []
        for knapsack in greedyKnapsack(kept.map(\.ids.count), capacity: cutoff) {
            var pack = EncodedSequence(ids: [], labels: [], positions: [])
            var positions: [Int] = []
            for length in knapsack {
                guard let index = indexesByLength[length]?.popLast() else { continue }
                pack.ids += kept[index].ids
                pack.labels += kept[index].labels
                positions += Array(0..<length)
            }
            let padding = cutoff + 1 - pack.ids.count
            pack.ids += [Int](repeating: padID, count: padding)
            pack.labels += [Int](repeating: EncodedSequence.ignoreIndex, count: padding)
            positions += [Int](repeating: 0, count: padding)
            pack.positions = positions
            packs.append(pack)
        }
        return (packs, sequences.count - kept.count)
    }
}
