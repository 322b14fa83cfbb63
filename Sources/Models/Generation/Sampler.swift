import Foundation

/// Picks the next token from a row of logits, applying transformers' logits processors
/// in their order: repetition penalty, then temperature, top-k and top-p, then a draw.
///
/// Greedy decoding (temperature 0) takes the first maximum after the repetition penalty,
/// as `torch.argmax` does. Draws come from a seeded SplitMix64 stream, so a seed gives
/// the same tokens on every run (not the same tokens as torch's generator).
public struct Sampler: Sendable {
    /// The options in force.
    public let options: GenerationOptions
    private var random: SplitMix64

    /// A sampler seeded from `options.seed`.
    public init(options: GenerationOptions) {
        self.options = options
        self.random = SplitMix64(seed: options.seed)
    }

    /// Chooses the next token.
    /// - Parameters:
    ///   - logits: [V], the last position's logits (modified in place as the processors
    ///     run).
    ///   - history: the sequence so far (prompt and generated; padding excluded), for the
    ///     repetition penalty.
    /// - Returns: the token id.
    public mutating func next(logits: inout [Float], history: [Int]) -> Int {
        if options.repetitionPenalty != 1 {
            Sampler.penalise(&logits, history: history, penalty: Float(options.repetitionPenalty))
        }
        if options.isGreedy { return Sampler.argmax(logits) }
        let temperature = Float(options.temperature)
        if temperature != 1 {
            for i in logits.indices { logits[i] /= temperature }
        }
        if options.topK > 0 { Sampler.keepTopK(&logits, k: options.topK) }
        if options.topP < 1 { Sampler.keepTopP(&logits, p: options.topP) }
        return draw(logits)
    }

    // MARK: - Processors

    /// The first index of the largest value (NaN never wins).
    public static func argmax(_ values: [Float]) -> Int {
        var best = 0
        var bestValue = -Float.infinity
        for (i, value) in values.enumerated() where value > bestValue {
            best = i
            bestValue = value
        }
        return best
    }

    /// RepetitionPenaltyLogitsProcessor: each token seen once or more has its logit divided
    /// by the penalty when positive and multiplied when negative.
    static func penalise(_ logits: inout [Float], history: [Int], penalty: Float) {
        for token in Set(history) where token >= 0 && token < logits.count {
            let value = logits[token]
            logits[token] = value < 0 ? value * penalty : value / penalty
        }
    }

    /// TopKLogitsWarper: logits below the k-th largest become -infinity (ties kept).
    static func keepTopK(_ logits: inout [Float], k: Int) {
        guard k < logits.count else { return }
        let threshold = logits.sorted(by: >)[k - 1]
        for i in logits.indices where logits[i] < threshold { logits[i] = -.infinity }
    }

    /// TopPLogitsWarper: sorted ascending, tokens whose cumulative probability stays at or
    /// below 1 - p are removed; the most likely token always stays.
    static func keepTopP(_ logits: inout [Float], p: Double) {
        let order = logits.indices.sorted { logits[$0] < logits[$1] }
        let probabilities = softmax(order.map { logits[$0] })
        var cumulative = 0.0
        for (rank, index) in order.enumerated() where rank < order.count - 1 {
            cumulative += probabilities[rank]
            if cumulative <= 1 - p { logits[index] = -.infinity } else { break }
        }
    }

    /// A numerically stable softmax in Double.
    static func softmax(_ values: [Float]) -> [Double] {
        let maximum = Double(values.max() ?? 0)
        guard maximum.isFinite else { return values.map { _ in 1 / Double(max(1, values.count)) } }
        let exps = values.map { $0 == -.infinity ? 0 : exp(Double($0) - maximum) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// Draws an index with probability softmax(logits).
    mutating func draw(_ logits: [Float]) -> Int {
        let probabilities = Sampler.softmax(logits)
        let target = random.nextUnit()
        var cumulative = 0.0
        var last = 0
        for (i, probability) in probabilities.enumerated() where probability > 0 {
            cumulative += probability
            last = i
            if target < cumulative { return i }
        }
        return last
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a tiny, seedable, deterministic generator.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform Double in [0, 1) from the top 53 bits.
    public mutating func nextUnit() -> Double {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}
