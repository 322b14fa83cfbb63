import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// SFT packing (`packing: true`) as LLaMA-Factory's `PackedSupervisedDatasetProcessor`:
/// its knapsack, the order examples go into packs, padding and positions, the batches, and
/// a pack through the model against transformers with the same position ids. (Whole data
/// sets packed by LLaMA-Factory itself are compared in `TemplateFixtureTests`.)
@Suite struct PackingTests {
    let ignore = EncodedSequence.ignoreIndex

    /// Values printed by LLaMA-Factory 0.9.5's `greedy_knapsack` (processor_utils.py).
    @Test(arguments: [
        ([5, 3, 8, 2, 7], 10, [[8, 2], [7, 3], [5]]),
        ([4, 4, 4, 1, 1, 6], 9, [[6, 1, 1], [4, 4], [4]]),
        ([3, 3, 3], 3, [[3], [3], [3]]),
    ])
    func greedyKnapsackMatchesLLaMAFactory(lengths: [Int], capacity: Int, expected: [[Int]]) {
        #expect(DatasetProcessors.greedyKnapsack(lengths, capacity: capacity) == expected)
    }

    @Test func tooLongLengthsFitNowhere() {
        #expect(DatasetProcessors.greedyKnapsack([7, 2], capacity: 5) == [[2]])
    }

    @Test func packsDropLongExamplesPadAndRestartPositions() {
        let a = EncodedSequence(ids: [1, 2, 3], labels: [ignore, 2, 3])
        let b = EncodedSequence(ids: [4, 5], labels: [ignore, 5])
        let c = EncodedSequence(ids: [6, 7, 8], labels: [ignore, ignore, 8])
        let long = EncodedSequence(ids: [9, 9, 9, 9, 9, 9], labels: [9, 9, 9, 9, 9, 9])
        let (packs, dropped) = DatasetProcessors.packSupervised([a, b, long, c], cutoff: 5, padID: 0)
        #expect(dropped == 1)
        // Knapsacks [3, 2] and [3]; of the two examples of length 3 the later one (c) is
        // placed first, as LLaMA-Factory's length2indexes[3].pop().
        #expect(packs.map(\.ids) == [[6, 7, 8, 4, 5, 0], [1, 2, 3, 0, 0, 0]])
        #expect(packs[0].labels == [ignore, ignore, 8, ignore, 5, ignore])
        #expect(packs[1].labels == [ignore, 2, 3, ignore, ignore, ignore])
        #expect(packs.map(\.positions) == [[0, 1, 2, 0, 1, 0], [0, 1, 2, 0, 0, 0]])
    }

    @Test func packedBatchesCarryPositions() throws {
        let packed = EncodedSequence(ids: [1, 2, 3, 4], labels: [ignore, 2, ignore, 4], positions: [0, 1, 0, 1])
        let plain = EncodedSequence(ids: [5, 6], labels: [ignore, 6])
        let batch = try #require(try EncodedDataset(items: [.single(packed), .single(plain)]).batches(size: 2).first)
        #expect(batch.positions == [[0, 1, 0, 1], [0, 1, 0, 0]])
        #expect(batch.attentionMask == [[1, 1, 1, 1], [1, 1, 0, 0]])
        let unpacked = try #require(try EncodedDataset(items: [.single(plain)]).batches(size: 1).first)
        #expect(unpacked.positions == nil)
    }

    /// Packing groups examples as `dataset.map(batched=True)` does, 1000 at a time by default.
    @Test func packingIsPerGroupOfExamples() throws {
        let messages = ["a", "bb", "ccc", "dddd"].enumerated().map { index, text in
            DataExample(
                prompt: [DataMessage(.user, text)], response: [DataMessage(.assistant, "x")], index: index)
        }
        let data = Dataset(name: "d", attributes: DatasetAttributes(name: "d", fileName: "d"), examples: messages)
        let options = DatasetProcessors.SupervisedOptions(cutoff: 64)
        let whole = try EncodedDataset.supervisedPacked(data, encoder: ToyEncoder(), options: options, padID: 0)
        let pairs = try EncodedDataset.supervisedPacked(
            data, encoder: ToyEncoder(), options: options, padID: 0, groupSize: 2)
        #expect(whole.count == 1)
        #expect(pairs.count == 2)
        #expect(pairs.items.allSatisfy { $0.length == 65 })
    }

    // MARK: A pack through the model

    static let tiny = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Models/Embedded/tiny").path
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/tuning/templates/packed_forward.json").path

    /// Each position's log-probability of the next id, from [1, T, vocab] logits.
    static func nextTokenLogprobs(_ logits: Tensor, ids: [Int]) -> [Double] {
        let vocabulary = logits.shape[2]
        let values = logits.toFloatArray()
        return (0..<ids.count - 1).map { t in
            let row = values[t * vocabulary..<(t + 1) * vocabulary].map(Double.init)
            let top = row.max() ?? 0
            let logSum = top + log(row.reduce(0) { $0 + exp($1 - top) })
            return row[ids[t + 1]] - logSum
        }
    }

    /// A pack of two examples and padding (LLaMA-Factory's packing of the qwen fixture case)
    /// through the embedded tiny model, against transformers given the same `position_ids`
    /// and an all-ones attention mask, as LLaMA-Factory trains: every position's
    /// log-probability of the next token agrees, and differs from positions 0..T-1 where
    /// the second example's tokens are.
    @Test func packedForwardMatchesTransformers() throws {
        let data = try #require(FileManager.default.contents(atPath: Self.fixture))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let ids = try #require(object["input_ids"] as? [Int])
        let positions = try #require(object["position_ids"] as? [Int])
        let packedReference = try #require(object["packed_next_token_logprobs"] as? [Double])
        let plainReference = try #require(object["plain_next_token_logprobs"] as? [Double])
        let model = try CausalLM.load(directory: Self.tiny)
        let input = try Tensor(ids: ids, shape: [1, ids.count], dtype: .int64)
        let packed = Self.nextTokenLogprobs(try model(input, positions: [positions]), ids: ids)
        let plain = Self.nextTokenLogprobs(try model(input), ids: ids)
        let secondStart = try #require(positions.indices.dropFirst().first { positions[$0] == 0 })
        for t in packed.indices {
            #expect(abs(packed[t] - packedReference[t]) < 1e-4, "position \(t): \(packed[t]) vs \(packedReference[t])")
            #expect(abs(plain[t] - plainReference[t]) < 1e-4, "position \(t): \(plain[t]) vs \(plainReference[t])")
        }
        // The first example comes first, so its outputs are the same either way; the second's are not.
        #expect(packed[..<(secondStart - 1)].elementsEqual(plain[..<(secondStart - 1)]) { abs($0 - $1) < 1e-5 })
        #expect(zip(packed[secondStart...], plain[secondStart...]).contains { abs($0 - $1) > 1e-3 })
        // The first example alone gives the same outputs as at the start of the pack.
        let first = Array(ids[..<secondStart])
        let alone = Self.nextTokenLogprobs(
            try model(try Tensor(ids: first, shape: [1, first.count], dtype: .int64)), ids: first)
        #expect(alone.elementsEqual(packed[..<(secondStart - 1)]) { abs($0 - $1) < 1e-4 })
    }
}
