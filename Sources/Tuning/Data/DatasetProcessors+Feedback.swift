/// KTO encoding: LLaMA-Factory's `FeedbackDatasetProcessor` (data/processor/feedback.py).
extension DatasetProcessors {
    /// How many examples LLaMA-Factory's `datasets.map` hands the processor at once
    /// (`preprocessing_batch_size`): the KL answers rotate within each such group.
    public static let feedbackGroupSize = 1000

    /// One KTO example: the answer (the non-empty response: `[answer, ""]` is desirable,
    /// `["", answer]` undesirable) after the prompt, and the KL sequence, the same prompt
    /// with `klResponse`; each truncated on its own by `infer_seqlen`, prompt labels -100,
    /// EOS appended to both answers for templates with efficient EOS.
    /// - Parameters:
    ///   - example: a record with a KTO tag (two responses, one empty).
    ///   - klResponse: the answer of another example (`klResponses` picks it).
    ///   - encoder: the template and tokenizer.
    ///   - cutoff: `cutoff_len`.
    /// - Throws: `DatasetError.wrongField` without a prompt and two responses; the
    ///   encoder's errors.
    public static func feedback(
        _ example: DataExample, klResponse: DataMessage, encoder: any ConversationEncoding, cutoff: Int,
        file: String = "<data>"
    ) throws -> (sequence: EncodedSequence, kl: EncodedSequence, desirable: Bool) {
        guard example.prompt.count % 2 == 1, example.response.count >= 2 else {
            throw DatasetError.wrongField(
                file: file, record: example.index, field: "kto_tag",
                reason: "KTO data needs a prompt, an answer and a boolean kto_tag column")
        }
        let desirable = !example.response[0].content.isEmpty
        let answer = desirable ? example.response[0] : example.response[1]
        func encode(_ response: DataMessage) throws -> EncodedSequence {
            var (prompt, ids) = try oneTurn(example, response, encoder: encoder)
            if encoder.efficientEOS, let eos = encoder.eosTokenID { ids.append(eos) }
            let (source, target) = inferSequenceLengths(source: prompt.count, target: ids.count, cutoff: cutoff)
            prompt = Array(prompt.prefix(source))
            ids = Array(ids.prefix(target))
            return EncodedSequence(
                ids: prompt + ids, labels: [Int](repeating: EncodedSequence.ignoreIndex, count: source) + ids)
        }
        return (try encode(answer), try encode(klResponse), desirable)
    }

    /// The KL answer of each example, as `FeedbackDatasetProcessor.preprocess_dataset`
    /// builds the mismatched pairs: within each group of `groupSize` examples, example i
    /// takes the answer of example i - 1 and the first takes the group's last (the
    /// response list rotated by one), its non-empty response.
    public static func klResponses(_ examples: [DataExample], groupSize: Int = feedbackGroupSize) -> [DataMessage] {
        func answer(_ example: DataExample) -> DataMessage {
            if let first = example.response.first, !first.content.isEmpty { return first }
            return example.response.count > 1 ? example.response[1] : DataMessage(.assistant, "")
        }
        var result: [DataMessage] = []
        result.reserveCapacity(examples.count)
        for start in stride(from: 0, to: examples.count, by: max(1, groupSize)) {
            let group = Array(examples[start..<min(examples.count, start + max(1, groupSize))])
            for index in group.indices {
                result.append(answer(group[index == 0 ? group.count - 1 : index - 1]))
            }
        }
        return result
    }
}
