/// Autoregressive decoding with a KV cache, for one prompt or a left-padded batch, as
/// transformers' `generate()` does it: positions count real tokens only
/// (cumsum(mask) - 1), padded keys are masked, finished rows keep being fed padding until
/// every row is done.
public struct Generator {
    /// The model.
    public let model: CausalLM
    /// The id written after a row finishes and used for left padding.
    public let padID: Int

    /// A generator for `model`; the pad id defaults to the config's pad, then EOS, then 0.
    public init(model: CausalLM, padID: Int? = nil) {
        self.model = model
        self.padID = padID ?? model.config.padTokenID ?? model.config.eosTokenIDs?.ids.first ?? 0
    }

    /// A streaming event: row `row` produced `token`. Return false to stop generating.
    public typealias TokenCallback = (_ row: Int, _ token: Int) -> Bool

    /// Generates new tokens after each prompt.
    /// - Parameters:
    ///   - prompts: the token ids of each prompt (rows may differ in length).
    ///   - options: decoding settings.
    ///   - decode: turns a row's new tokens into text, needed for `stopStrings`.
    ///   - onToken: called for every token as it is produced.
    /// - Returns: each row's new tokens, a stop token included, stopped at the first stop
    ///   token, stop string (the tokens up to the one completing it) or `maxTokens`.
    /// - Throws: `GenerationError`, model errors.
    public func generate(
        prompts: [[Int]], options: GenerationOptions, decode: (([Int]) -> String)? = nil,
        onToken: TokenCallback? = nil
    ) throws -> [[Int]] {
        try options.validate()
        let vocabulary = model.config.vocabSize
        for (index, prompt) in prompts.enumerated() {
            guard !prompt.isEmpty else { throw GenerationError.emptyPrompt(index: index) }
            for id in prompt where id < 0 || id >= vocabulary {
                throw GenerationError.tokenOutOfRange(id: id, vocabularySize: vocabulary)
            }
        }
        let b = prompts.count
        guard b > 0, options.maxTokens > 0 else { return prompts.map { _ in [] } }
        let width = prompts.map(\.count).max() ?? 0
        let ids = prompts.map { Array(repeating: padID, count: width - $0.count) + $0 }
        var mask: [[Float]] = prompts.map {
            Array(repeating: 0, count: width - $0.count) + Array(repeating: 1, count: $0.count)
        }
        // transformers: position_ids = cumsum(mask) - 1, with padding set to 1.
        let positions = mask.map { row -> [Int] in
            var count = 0
            return row.map { value in
                if value != 0 { count += 1 }
                return value != 0 ? count - 1 : 1
            }
        }
        let cache = KVCache(model: model, batch: b, capacity: width + options.maxTokens)
        var samplers = (0..<b).map { row in
            Sampler(options: GenerationOptions(
                maxTokens: options.maxTokens, temperature: options.temperature, topK: options.topK,
                topP: options.topP, repetitionPenalty: options.repetitionPenalty,
                stopTokens: options.stopTokens, stopStrings: options.stopStrings,
                seed: options.seed &+ UInt64(row) &* 0x9E37_79B9))
        }
        var history = prompts
        var produced = [[Int]](repeating: [], count: b)
        var finished = [Bool](repeating: false, count: b)
        var newIDs = ids
        var newPositions = positions
        let stopTokens = Set(options.stopTokens)
        for _ in 0..<options.maxTokens {
            let logits = try model.nextTokenLogits(
                ids: newIDs, positions: newPositions, keyMask: mask, cache: cache)
            var next = [Int](repeating: padID, count: b)
            var stopAll = false
            for row in 0..<b where !finished[row] {
                var rowLogits = logits[row]
                let token = samplers[row].next(logits: &rowLogits, history: history[row])
                next[row] = token
                produced[row].append(token)
                history[row].append(token)
                if let onToken, !onToken(row, token) { stopAll = true }
                if stopTokens.contains(token) {
                    finished[row] = true
                } else if !options.stopStrings.isEmpty, let decode {
                    let text = decode(produced[row])
                    if options.stopStrings.contains(where: { text.contains($0) }) {
                        finished[row] = true
                    }
                }
            }
            if stopAll || finished.allSatisfy({ $0 }) { break }
            let lastPositions = newPositions.map { $0.last ?? 0 }
            newIDs = next.map { [$0] }
            newPositions = lastPositions.map { [$0 + 1] }
            for row in 0..<b { mask[row].append(1) }
        }
        return produced
    }
}
