import Testing

@testable import Tuning

/// A toy template: source = [10] + user text bytes + [11], target = answer bytes + [2]
/// (EOS 2), or without the EOS when `efficientEOS`.
struct ToyEncoder: ConversationEncoding {
    var efficientEOS = false
    var eosTokenID: Int? { 2 }

    func encodePairs(_ messages: [DataMessage], system: String, tools: String) throws
        -> [(source: [Int], target: [Int])]
    {
        stride(from: 0, to: messages.count - 1, by: 2).map { i in
            let systemIDs = i == 0 && !system.isEmpty ? [5] + system.utf8.map(Int.init) : []
            let source = systemIDs + [10] + messages[i].content.utf8.map(Int.init) + [11]
            let target = messages[i + 1].content.utf8.map(Int.init) + (efficientEOS ? [] : [2])
            return (source, target)
        }
    }
}

/// LLaMA-Factory's supervised, pairwise and pre-training encoding rules, and batches.
struct DatasetEncodingTests {
    let ignore = EncodedSequence.ignoreIndex

    @Test(arguments: [
        // (source, target, cutoff) -> LLaMA-Factory's infer_seqlen.
        ((10, 10, 100), (10, 10)), ((300, 20, 100), (80, 20)), ((20, 300, 100), (20, 80)),
        ((300, 300, 100), (50, 50)), ((60, 140, 100), (30, 70)), ((0, 0, 5), (0, 0)),
        ((7, 3, 4), (3, 1)),
    ])
    func inferSeqlen(input: (Int, Int, Int), expected: (Int, Int)) {
        let result = inferSequenceLengths(source: input.0, target: input.1, cutoff: input.2)
        #expect(result.source == expected.0 && result.target == expected.1)
    }

    func example(_ turns: [String], system: String = "") -> DataExample {
        let messages = turns.enumerated().map {
            DataMessage($0.offset % 2 == 0 ? .user : .assistant, $0.element)
        }
        return DataExample(
            prompt: Array(messages.dropLast()), response: [messages[messages.count - 1]],
            system: system)
    }

    @Test func supervisedMasksPromptsOfEveryTurn() throws {
        let encoded = try DatasetProcessors.supervised(
            example(["a", "b", "c", "d"]), encoder: ToyEncoder(), options: .init(cutoff: 100))
        #expect(encoded.ids == [10, 97, 11, 98, 2, 10, 99, 11, 100, 2])
        #expect(encoded.labels == [ignore, ignore, ignore, 98, 2, ignore, ignore, ignore, 100, 2])
        let onPrompt = try DatasetProcessors.supervised(
            example(["a", "b"]), encoder: ToyEncoder(),
            options: .init(cutoff: 100, trainOnPrompt: true))
        #expect(onPrompt.labels == onPrompt.ids)
    }

    @Test func maskHistoryTrainsTheLastTurnOnly() throws {
        let encoded = try DatasetProcessors.supervised(
            example(["a", "b", "c", "d"]), encoder: ToyEncoder(),
            options: .init(cutoff: 100, maskHistory: true))
        #expect(encoded.ids == [10, 97, 11, 98, 2, 10, 99, 11, 100, 2])
        #expect(encoded.labels == [
            ignore, ignore, ignore, ignore, ignore, ignore, ignore, ignore, 100, 2,
        ])
        // With a tight cutoff, the last turn is kept first.
        let short = try DatasetProcessors.supervised(
            example(["a", "b", "c", "d"]), encoder: ToyEncoder(),
            options: .init(cutoff: 6, maskHistory: true))
        // The last turn (5 tokens) is kept whole; the earlier one keeps 1 source token.
        #expect(short.ids == [10, 10, 99, 11, 100, 2])
        #expect(short.labels == [ignore, ignore, ignore, ignore, 100, 2])
    }

    @Test func cutoffTruncatesSourceAndTargetInProportion() throws {
        let long = String(repeating: "x", count: 30)
        let encoded = try DatasetProcessors.supervised(
            example([long, long]), encoder: ToyEncoder(), options: .init(cutoff: 20))
        // source 32, target 31, cutoff 20: target int(20 * 31 / 63) = 9, source 11.
        #expect(encoded.ids.count == 20)
        #expect(encoded.labels.filter { $0 == ignore }.count == 11)
    }

    @Test func efficientEOSLabelsLaterSourcesWithEOS() throws {
        let encoded = try DatasetProcessors.supervised(
            example(["a", "b", "c", "d"]), encoder: ToyEncoder(efficientEOS: true),
            options: .init(cutoff: 100))
        #expect(encoded.ids == [10, 97, 11, 98, 10, 99, 11, 100, 2])
        #expect(encoded.labels == [ignore, ignore, ignore, 98, 2, ignore, ignore, 100, 2])
    }

    @Test func supervisedRejectsExamplesWithoutAResponse() {
        let bad = DataExample(prompt: [DataMessage(.user, "q")], response: [], index: 4)
        #expect(throws: DatasetError.wrongField(
            file: "f", record: 4, field: "response",
            reason: "supervised data needs one response after a user turn")) {
            try DatasetProcessors.supervised(bad, encoder: ToyEncoder(), options: .init(), file: "f")
        }
    }

    @Test func pairwiseSharesThePrompt() throws {
        let pair = DataExample(
            prompt: [DataMessage(.user, "q")],
            response: [DataMessage(.assistant, "yes"), DataMessage(.assistant, "n")], system: "s")
        let (chosen, rejected) = try DatasetProcessors.pairwise(
            pair, encoder: ToyEncoder(), cutoff: 100)
        let prompt = [5, 115, 10, 113, 11]
        #expect(chosen.ids == prompt + [121, 101, 115, 2])
        #expect(rejected.ids == prompt + [110, 2])
        #expect(chosen.labels == [Int](repeating: ignore, count: 5) + [121, 101, 115, 2])
        #expect(rejected.labels == [Int](repeating: ignore, count: 5) + [110, 2])
    }

    @Test func pretrainPackingCutsBlocksAndDropsTheRest() {
        let tokenize = { (text: String) in text.utf8.map(Int.init) }
        let blocks = DatasetProcessors.pretrainPacked(
            ["abc", "de"], tokenize: tokenize, eosText: "|", blockSize: 3, bosTokenID: 1)
        // "abc|de|" = 7 tokens -> two blocks of 3, the last token dropped; BOS first.
        #expect(blocks.map(\.ids) == [[1, 98, 99], [1, 100, 101]])
        #expect(blocks.allSatisfy { $0.labels == $0.ids })
        let unpacked = DatasetProcessors.pretrainUnpacked(
            ["abc", "de"], tokenize: tokenize, eosText: "|", cutoff: 3)
        #expect(unpacked.map(\.ids) == [[97, 98, 99], [100, 101, 124]])
    }

    @Test func batchesArePaddedAndPairsStackChosenFirst() throws {
        let short = EncodedSequence(ids: [1, 2], labels: [ignore, 2])
        let long = EncodedSequence(ids: [3, 4, 5], labels: [ignore, 4, 5])
        let data = EncodedDataset(items: [.single(short), .single(long), .single(short)])
        let batches = try data.batches(size: 2, padID: 0)
        #expect(batches.count == 2)
        #expect(batches[0].ids == [[1, 2, 0], [3, 4, 5]])
        #expect(batches[0].labels == [[ignore, 2, ignore], [ignore, 4, 5]])
        #expect(batches[0].attentionMask == [[1, 1, 0], [1, 1, 1]])
        #expect(try data.batches(size: 2, dropLast: true).count == 1)
        let shuffled = try data.batches(size: 1, shuffle: true, seed: 3).map(\.ids)
        #expect(shuffled == (try data.batches(size: 1, shuffle: true, seed: 3).map(\.ids)))
        let pairs = EncodedDataset(items: [
            .pair(chosen: long, rejected: short), .pair(chosen: short, rejected: long),
        ])
        let batch = try #require(try pairs.batches(size: 2).first)
        #expect(batch.chosenCount == 2 && batch.rows == 4)
        #expect(batch.ids == [[3, 4, 5], [1, 2, 0], [1, 2, 0], [3, 4, 5]])
        #expect(throws: DatasetError.self) { try data.batches(size: 0) }
    }

    @Test func encodedDatasetSkipsBadExamplesWhenLenient() throws {
        let data = Dataset(
            name: "d", attributes: DatasetAttributes(name: "d", fileName: "d"),
            examples: [
                example(["a", "b"]), DataExample(prompt: [DataMessage(.user, "q")], response: []),
            ])
        #expect(throws: DatasetError.self) {
            try EncodedDataset.supervised(data, encoder: ToyEncoder(), options: .init())
        }
        let lenient = try EncodedDataset.supervised(
            data, encoder: ToyEncoder(), options: .init(), strict: false)
        #expect(lenient.count == 1 && lenient.skipped == 1)
    }
}
