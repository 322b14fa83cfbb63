import Testing

@testable import Tuning

/// KTO data as LLaMA-Factory's FeedbackDatasetProcessor and KTODataCollatorWithPadding
/// build it: the answer and the KL sequence (this prompt, the previous example's answer),
/// each truncated on its own, the tags, and KL rows padded on their own.
struct KTODataTests {
    let ignore = EncodedSequence.ignoreIndex

    static func example(_ prompt: String, _ answer: String, desirable: Bool, index: Int) -> DataExample {
        let response =
            desirable
            ? [DataMessage(.assistant, answer), DataMessage(.assistant, "")]
            : [DataMessage(.assistant, ""), DataMessage(.assistant, answer)]
        return DataExample(prompt: [DataMessage(.user, prompt)], response: response, desirable: desirable, index: index)
    }

    static let examples = [
        example("a", "xy", desirable: true, index: 0),
        example("b", "z", desirable: false, index: 1),
        example("c", "uvw", desirable: true, index: 2),
    ]

    @Test func klAnswersRotateByOneWithinGroups() {
        #expect(DatasetProcessors.klResponses(Self.examples).map(\.content) == ["uvw", "xy", "z"])
        #expect(DatasetProcessors.klResponses(Self.examples, groupSize: 2).map(\.content) == ["z", "xy", "uvw"])
        #expect(DatasetProcessors.klResponses([]).isEmpty)
    }

    @Test func encodesTheAnswerAndTheMismatchedPair() throws {
        let dataset = Dataset(name: "kto", attributes: DatasetAttributes(name: "kto", fileName: "kto.json"), examples: Self.examples)
        let encoded = try EncodedDataset.feedback(dataset, encoder: ToyEncoder(), cutoff: 64)
        let (a, b, c, u, x, z) = (97, 98, 99, 117, 120, 122)
        #expect(
            encoded.items[0]
                == .feedback(
                    EncodedSequence(ids: [10, a, 11, x, 121, 2], labels: [ignore, ignore, ignore, x, 121, 2]),
                    kl: EncodedSequence(ids: [10, a, 11, u, 118, 119, 2], labels: [ignore, ignore, ignore, u, 118, 119, 2]),
                    desirable: true))
        #expect(
            encoded.items[1]
                == .feedback(
                    EncodedSequence(ids: [10, b, 11, z, 2], labels: [ignore, ignore, ignore, z, 2]),
                    kl: EncodedSequence(ids: [10, b, 11, x, 121, 2], labels: [ignore, ignore, ignore, x, 121, 2]),
                    desirable: false))
        guard case .feedback(_, let kl, true) = encoded.items[2] else {
            Issue.record("third item should be desirable feedback")
            return
        }
        #expect(kl.ids == [10, c, 11, z, 2])
    }

    @Test func truncatesEachSequenceOnItsOwnWithEfficientEOS() throws {
        let long = Self.example("abcdef", "ghijklmnop", desirable: true, index: 0)
        let encoded = try DatasetProcessors.feedback(
            long, klResponse: DataMessage(.assistant, "q"), encoder: ToyEncoder(efficientEOS: true), cutoff: 8)
        // Source 8 ids, target 11 (10 + EOS): infer_seqlen keeps 4 + 4 of them at cutoff 8.
        let (source, target) = inferSequenceLengths(source: 8, target: 11, cutoff: 8)
        #expect(encoded.sequence.ids.count == source + target)
        #expect(encoded.sequence.labels.prefix(source).allSatisfy { $0 == ignore })
        #expect(Array(encoded.sequence.labels.suffix(target)) == Array("ghij".utf8.map(Int.init)))
        // The KL answer is short: "q" + EOS after a prompt cut to 6.
        #expect(encoded.kl.ids == [10, 97, 98, 99, 100, 101, 113, 2])
        #expect(encoded.desirable)
        let untagged = DataExample(prompt: [DataMessage(.user, "a")], response: [DataMessage(.assistant, "b")])
        #expect(throws: DatasetError.self) {
            try DatasetProcessors.feedback(untagged, klResponse: DataMessage(.assistant, "q"), encoder: ToyEncoder(), cutoff: 8)
        }
    }

    @Test func batchesCarryTagsAndSeparatelyPaddedKLRows() throws {
        let dataset = Dataset(name: "kto", attributes: DatasetAttributes(name: "kto", fileName: "kto.json"), examples: Self.examples)
        let encoded = try EncodedDataset.feedback(dataset, encoder: ToyEncoder(), cutoff: 64)
        let batch = try #require(try encoded.batches(size: 3, padID: 0).first)
        #expect(batch.tags == [true, false, true])
        #expect(batch.chosenCount == nil)
        #expect(batch.rows == 3 && batch.length == 7)
        #expect(batch.ids[1] == [10, 98, 11, 122, 2, 0, 0])
        #expect(batch.labels[1].suffix(2) == [ignore, ignore])
        let klIds = try #require(batch.klIds)
        #expect(klIds.map(\.count) == [7, 7, 7])
        #expect(batch.klAttentionMask?[2] == [1, 1, 1, 1, 1, 0, 0])
        #expect(batch.klLabels?[2].prefix(3).allSatisfy { $0 == ignore } == true)
        let sft = try EncodedDataset(items: [.single(EncodedSequence(ids: [1], labels: [1]))]).batches(size: 1)
        #expect(sft.first?.tags == nil && sft.first?.klIds == nil)
    }
}
