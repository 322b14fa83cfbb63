/// The settings of one `generate` call, named and defaulted as in transformers'
/// `GenerationConfig` (a temperature of 0 means greedy decoding).
public struct GenerationOptions: Equatable, Sendable {
    /// The most new tokens per sequence.
    public var maxTokens: Int
    /// Divides the logits before sampling; 0 picks the most likely token (greedy).
    public var temperature: Double
    /// Keeps only the k most likely tokens before sampling; 0 keeps all.
    public var topK: Int
    /// Keeps the smallest set of most likely tokens whose probability reaches p; 1 keeps all.
    public var topP: Double
    /// Divides positive logits (multiplies negative ones) of tokens already in the sequence,
    /// prompt included (CTRL, Keskar et al. 2019); 1 disables it.
    public var repetitionPenalty: Double
    /// Tokens that end a sequence (kept in the output); usually the tokenizer's EOS.
    public var stopTokens: [Int]
    /// Strings that end a sequence when its decoded new text contains one; the text is cut
    /// before the match.
    public var stopStrings: [String]
    /// The sampling seed; the same seed gives the same tokens.
    public var seed: UInt64

    /// Options with transformers' defaults except greedy decoding and 64 new tokens.
    public init(
        maxTokens: Int = 64, temperature: Double = 0, topK: Int = 0, topP: Double = 1,
        repetitionPenalty: Double = 1, stopTokens: [Int] = [], stopStrings: [String] = [],
        seed: UInt64 = 0
    ) {
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.repetitionPenalty = repetitionPenalty
        self.stopTokens = stopTokens
        self.stopStrings = stopStrings
        self.seed = seed
    }

    /// Whether decoding always takes the most likely token.
    public var isGreedy: Bool { temperature <= 0 }

    /// Checks the ranges transformers enforces.
    /// - Throws: `GenerationError.invalidOption` naming the option.
    public func validate() throws {
        guard maxTokens >= 0 else {
            throw GenerationError.invalidOption(name: "max_tokens", reason: "must be >= 0")
        }
        guard temperature >= 0, temperature.isFinite else {
            throw GenerationError.invalidOption(name: "temperature", reason: "must be >= 0")
        }
        guard topK >= 0 else {
            throw GenerationError.invalidOption(name: "top_k", reason: "must be >= 0")
        }
        guard topP > 0, topP <= 1 else {
            throw GenerationError.invalidOption(name: "top_p", reason: "must be in (0, 1]")
        }
        guard repetitionPenalty > 0, repetitionPenalty.isFinite else {
            throw GenerationError.invalidOption(
                name: "repetition_penalty", reason: "must be > 0")
        }
    }
}

/// What can go wrong when generating.
public enum GenerationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An option outside its range.
    case invalidOption(name: String, reason: String)
    /// A prompt with no tokens.
    case emptyPrompt(index: Int)
    /// A token id outside the vocabulary.
    case tokenOutOfRange(id: Int, vocabularySize: Int)
    /// The prompt and new tokens do not fit in the cache the caller allowed.
    case tooLong(tokens: Int, limit: Int)

    /// A one-line message.
    public var description: String {
        switch self {
        case .invalidOption(let name, let reason): return "generate: \(name) \(reason)"
        case .emptyPrompt(let index): return "generate: prompt \(index) has no tokens"
        case .tokenOutOfRange(let id, let size):
            return "generate: token id \(id) is outside the vocabulary (size \(size))"
        case .tooLong(let tokens, let limit):
            return "generate: \(tokens) tokens exceed the limit of \(limit)"
        }
    }
}
