/// The encoding rules of LLaMA-Factory's processors (data/processor/supervised.py,
/// pairwise.py, pretrain.py), over a `ConversationEncoding`.
public enum DatasetProcessors {
    /// Options of supervised encoding.
    public struct SupervisedOptions: Sendable, Equatable {
        /// `cutoff_len`.
        public var cutoff: Int
        /// `train_on_prompt`: prompts take loss too.
        public var trainOnPrompt: Bool
        /// `mask_history`: only the last turn takes loss, and it is kept first on truncation.
        public var maskHistory: Bool

        /// Options with LLaMA-Factory's defaults (cutoff 2048).
        public init(cutoff: Int = 2048, trainOnPrompt: Bool = false, maskHistory: Bool = false) {
            self.cutoff = cutoff
            self.trainOnPrompt = trainOnPrompt
            self.maskHistory = maskHistory
        }
    }

    /// `SupervisedDatasetProcessor._encode_data_example`: each turn's source and target
    /// truncated by `infer_seqlen` within what is left of the cutoff; sources labelled
    /// -100 unless `trainOnPrompt` (with efficient EOS, later sources start with EOS);
    /// with `maskHistory` the turns are taken last first and only the last is trained.
    /// - Throws: `DatasetError.wrongField` when the example is not prompt (odd count) +
    ///   one response; the encoder's errors.
    public static func supervised(
        _ example: DataExample, encoder: any ConversationEncoding, options: SupervisedOptions,
        file: String = "<data>"
    ) throws -> EncodedSequence {
        guard example.prompt.count % 2 == 1, example.response.count == 1 else {
            throw DatasetError.wrongField(
                file: file, record: example.index, field: "response",
                reason: "supervised data needs one response after a user turn")
        }
        var pairs = try encoder.encodePairs(
            example.prompt + example.response, system: example.system, tools: example.tools)
        let eos = encoder.eosTokenID ?? 0
        var ids: [Int] = []
        var labels: [Int] = []
        var total = encoder.efficientEOS ? 1 : 0
        if options.maskHistory { pairs.reverse() }
        for (turn, pair) in pairs.enumerated() {
            if total >= options.cutoff { break }
            let (sourceLength, targetLength) = inferSequenceLengths(
                source: pair.source.count, target: pair.target.count, cutoff: options.cutoff - total)
            let source = Array(pair.source.prefix(sourceLength))
            let target = Array(pair.target.prefix(targetLength))
            total += sourceLength + targetLength
            let sourceLabels: [Int]
            if options.trainOnPrompt {
                sourceLabels = source
            } else if encoder.efficientEOS && turn != 0 {
                sourceLabels =
                    [eos] + [Int](repeating: EncodedSequence.ignoreIndex, count: max(0, sourceLength - 1))
            } else {
                sourceLabels = [Int](repeating: EncodedSequence.ignoreIndex, count: sourceLength)
            }
            let targetLabels =
                options.maskHistory && turn != 0
                ? [Int](repeating: EncodedSequence.ignoreIndex, count: targetLength) : target
            if options.maskHistory {
                ids = source + target + ids
                labels = sourceLabels + targetLabels + labels
            } else {
                ids += source + target
                labels += sourceLabels + targetLabels
            }
        }
        if encoder.efficientEOS {
            ids.append(eos)
            labels.append(eos)
        }
        return EncodedSequence(ids: ids, labels: labels)
    }

    /// `PairwiseDatasetProcessor._encode_data_example`: the prompt encoded once (as
    /// `encode_oneturn`), the chosen and rejected answers after it, truncated together by
    /// `infer_seqlen` against the longer answer; prompt tokens labelled -100.
    /// - Throws: `DatasetError.wrongField` without two responses; the encoder's errors.
    public static func pairwise(
        _ example: DataExample, encoder: any ConversationEncoding, cutoff: Int,
        file: String = "<data>"
    ) throws -> (chosen: EncodedSequence, rejected: EncodedSequence) {
        guard example.prompt.count % 2 == 1, example.response.count >= 2 else {
            throw DatasetError.wrongField(
                file: file, record: example.index, field: "chosen",
                reason: "preference data needs chosen and rejected responses")
        }
        let chosenTurn = try oneTurn(example, example.response[0], encoder: encoder)
        let rejectedTurn = try oneTurn(example, example.response[1], encoder: encoder)
        var chosen = chosenTurn.answer
        var rejected = rejectedTurn.answer
        if encoder.efficientEOS, let eos = encoder.eosTokenID {
            chosen.append(eos)
            rejected.append(eos)
        }
        let (sourceLength, targetLength) = inferSequenceLengths(
            source: chosenTurn.prompt.count, target: max(chosen.count, rejected.count),
            cutoff: cutoff)
        let prompt = Array(chosenTurn.prompt.prefix(sourceLength))
        chosen = Array(chosen.prefix(targetLength))
        rejected = Array(rejected.prefix(targetLength))
        let ignored = [Int](repeating: EncodedSequence.ignoreIndex, count: sourceLength)
        return (
            EncodedSequence(ids: prompt + chosen, labels: ignored + chosen),
            EncodedSequence(ids: prompt + rejected, labels: ignored + rejected)
        )
    }

    /// `Template.encode_oneturn`: the prompt turns (earlier answers included) as one
    /// run of ids, and the ids of `response` after them.
    /// - Throws: the encoder's errors.
    static func oneTurn(
        _ example: DataExample, _ response: DataMessage, encoder: any ConversationEncoding
    ) throws -> (prompt: [Int], answer: [Int]) {
        let pairs = try encoder.encodePairs(
            example.prompt + [response], system: example.system, tools: example.tools)
        var prompt: [Int] = []
        for (index, pair) in pairs.enumerated() {
            prompt += pair.source
            if index < pairs.count - 1 { prompt += pair.target }
        }
        return (prompt, pairs.last?.target ?? [])
    }

    /// `PretrainDatasetProcessor` with packing (LLaMA-Factory's default for stage pt): every
    /// text plus the EOS text, tokenized without special tokens, concatenated and cut into
    /// blocks of `blockSize`, the remainder dropped; with `bosTokenID` each block's first
    /// id becomes BOS (tokenizers with `add_bos_token`). Labels equal the ids.
    /// - Parameters:
    ///   - texts: the documents.
    ///   - tokenize: text to ids without special tokens.
    ///   - eosText: the EOS token's text, appended to every document.
    ///   - blockSize: `cutoff_len`.
    ///   - bosTokenID: the BOS id to put first in each block, or nil.
    public static func pretrainPacked(
        _ texts: [String], tokenize: (String) throws -> [Int], eosText: String, blockSize: Int,
        bosTokenID: Int? = nil
    ) rethrows -> [EncodedSequence] {
        var all: [Int] = []
        for text in texts { all += try tokenize(text + eosText) }
        let usable = all.count / blockSize * blockSize
        return stride(from: 0, to: usable, by: blockSize).map { start in
            var block = Array(all[start..<start + blockSize])
            if let bosTokenID { block[0] = bosTokenID }
            return EncodedSequence(ids: block, labels: block)
        }
    }

    /// `PretrainDatasetProcessor` without packing: each text (BOS text first when given)
    /// plus EOS, tokenized and truncated to `cutoff`.
    public static func pretrainUnpacked(
        _ texts: [String], tokenize: (String) throws -> [Int], eosText: String, cutoff: Int,
        bosText: String? = nil
    ) rethrows -> [EncodedSequence] {
        try texts.map { text in
            let ids = Array(try tokenize((bosText ?? "") + text + eosText).prefix(cutoff))
            return EncodedSequence(ids: ids, labels: ids)
        }
    }
}
