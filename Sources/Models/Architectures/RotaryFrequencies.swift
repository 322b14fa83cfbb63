import Foundation

/// How a model scales its rotary position embedding: the `rope_type` of HF's
/// `rope_parameters` (transformers 5) or `rope_scaling` (earlier versions).
public enum RotaryScaling: Equatable, Sendable {
    /// No scaling: inv_freq[i] = 1 / theta^(2i / dim).
    case none
    /// Position interpolation: inv_freq / factor.
    case linear(factor: Double)
    /// Dynamic NTK: the base grows with the sequence once it passes
    /// `max_position_embeddings`.
    case dynamic(factor: Double)
    /// YaRN: a ramp between interpolated and extrapolated frequencies plus an attention
    /// factor on cos and sin.
    case yarn(Yarn)
    /// Llama 3.1: low frequencies divided by `factor`, high ones kept, a smooth blend between.
    case llama3(Llama3)

    /// The parameters of YaRN scaling (Peng et al. 2023), named as in transformers.
    public struct Yarn: Equatable, Sendable {
        /// The context extension factor; nil derives it from the position counts.
        public var factor: Double?
        /// The context length the model was pre-trained with.
        public var originalMaxPositionEmbeddings: Int
        /// An explicit factor on cos and sin; nil derives it from `factor` and `mscale`.
        public var attentionFactor: Double?
        /// The rotation count where extrapolation stops (default 32).
        public var betaFast: Double?
        /// The rotation count where interpolation starts (default 1).
        public var betaSlow: Double?
        /// DeepSeek's mscale (with `mscaleAllDim`).
        public var mscale: Double?
        /// DeepSeek's mscale_all_dim.
        public var mscaleAllDim: Double?
        /// Whether the correction range is rounded outwards to whole dimensions (default true).
        public var truncate: Bool

        /// YaRN parameters; the optional ones default as in transformers.
        public init(
            factor: Double?, originalMaxPositionEmbeddings: Int, attentionFactor: Double? = nil,
            betaFast: Double? = nil, betaSlow: Double? = nil, mscale: Double? = nil,
            mscaleAllDim: Double? = nil, truncate: Bool = true
        ) {
            self.factor = factor
            self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
            self.attentionFactor = attentionFactor
            self.betaFast = betaFast
            self.betaSlow = betaSlow
            self.mscale = mscale
            self.mscaleAllDim = mscaleAllDim
            self.truncate = truncate
        }
    }

    /// The parameters of Llama 3.1 scaling.
    public struct Llama3: Equatable, Sendable {
        /// The divisor of low frequencies (8 in Llama 3.1).
        public var factor: Double
        /// Wavelengths above original / lowFrequencyFactor are divided by `factor` (1).
        public var lowFrequencyFactor: Double
        /// Wavelengths below original / highFrequencyFactor are kept (4).
        public var highFrequencyFactor: Double
        /// The context length the model was pre-trained with (8192).
        public var originalMaxPositionEmbeddings: Int

        /// Llama 3 parameters.
        public init(
            factor: Double, lowFrequencyFactor: Double, highFrequencyFactor: Double,
            originalMaxPositionEmbeddings: Int
        ) {
            self.factor = factor
            self.lowFrequencyFactor = lowFrequencyFactor
            self.highFrequencyFactor = highFrequencyFactor
            self.originalMaxPositionEmbeddings = originalMaxPositionEmbeddings
        }
    }

    /// The `rope_type` name transformers uses.
    public var typeName: String {
        switch self {
        case .none: return "default"
        case .linear: return "linear"
        case .dynamic: return "dynamic"
        case .yarn: return "yarn"
        case .llama3: return "llama3"
        }
    }
}

/// The inverse frequencies and attention factor of a rotary embedding, computed with the
/// formulas of transformers' `modeling_rope_utils.py` (`_compute_*_parameters`).
public struct RotaryFrequencies: Equatable, Sendable {
    /// inv_freq [dim / 2]: the angle per position of each rotated pair.
    public var inverseFrequencies: [Float]
    /// The factor on cos and sin (YaRN's mscale; 1 otherwise).
    public var attentionScaling: Float

    /// Computes the frequencies for a head.
    ///
    /// transformers computes them in Float32 from `base ** (arange(0, dim, 2) / dim)`; the
    /// exponent is formed here in Double and the result rounded once, which agrees to
    /// about one ulp.
    /// - Parameters:
    ///   - scaling: the scaling type and its parameters.
    ///   - theta: `rope_theta`, the base.
    ///   - dimension: the rotated dimensions (head_dim times partial_rotary_factor), even.
    ///   - maxPositionEmbeddings: `max_position_embeddings` (dynamic scaling only).
    ///   - sequenceLength: the largest position + 1 of the current call (dynamic only:
    ///     the base grows past `maxPositionEmbeddings`, as transformers'
    ///     `dynamic_rope_update` recomputes it).
    public init(
        scaling: RotaryScaling, theta: Double, dimension: Int, maxPositionEmbeddings: Int,
        sequenceLength: Int = 0
    ) {
        let half = max(0, dimension / 2)
        let dim = Double(dimension)
        func base(_ base: Double) -> [Double] {
            (0..<half).map { i in 1.0 / pow(base, Double(2 * i) / dim) }
        }
        var scale = 1.0
        var frequencies: [Double]
        switch scaling {
        case .none:
            frequencies = base(theta)
        case .linear(let factor):
            frequencies = base(theta).map { $0 / factor }
        case .dynamic(let factor):
            // _compute_dynamic_ntk_parameters: the sequence length never goes below the
            // configured maximum, so short inputs keep the plain frequencies.
            let length = Double(max(sequenceLength, maxPositionEmbeddings))
            let maximum = Double(max(1, maxPositionEmbeddings))
            let grown = theta * pow((factor * length / maximum) - (factor - 1), dim / (dim - 2))
            frequencies = base(grown)
        case .llama3(let p):
            frequencies = RotaryFrequencies.llama3(base(theta), p)
        case .yarn(let p):
            (frequencies, scale) = RotaryFrequencies.yarn(
                theta: theta, dimension: dimension, maxPositionEmbeddings: maxPositionEmbeddings,
                p)
        }
        self.inverseFrequencies = frequencies.map { Float($0) }
        self.attentionScaling = Float(scale)
    }

    /// Whether the frequencies depend on the sequence length (dynamic scaling).
    public static func dependsOnLength(_ scaling: RotaryScaling) -> Bool {
        if case .dynamic = scaling { return true }
        return false
    }

    // MARK: - Llama 3 and YaRN

    /// _compute_llama3_parameters: wavelengths longer than original / low are divided by
    /// the factor, shorter than original / high kept, and those between blended.
    private static func llama3(_ inverse: [Double], _ p: RotaryScaling.Llama3) -> [Double] {
        let context = Double(p.originalMaxPositionEmbeddings)
        let lowWavelength = context / p.lowFrequencyFactor
        let highWavelength = context / p.highFrequencyFactor
        return inverse.map { frequency in
            let wavelength = 2 * Double.pi / frequency
            if wavelength < highWavelength { return frequency }
            if wavelength > lowWavelength { return frequency / p.factor }
            let smooth =
                (context / wavelength - p.lowFrequencyFactor)
                / (p.highFrequencyFactor - p.lowFrequencyFactor)
            return (1 - smooth) * frequency / p.factor + smooth * frequency
        }
    }

    /// _compute_yarn_parameters: per dimension, a linear ramp between the interpolated
    /// (divided by factor) and the original frequencies over the correction range found
    /// from beta_fast and beta_slow rotations; the attention factor is 0.1 ln(factor) + 1.
    private static func yarn(
        theta: Double, dimension: Int, maxPositionEmbeddings: Int, _ p: RotaryScaling.Yarn
    ) -> ([Double], Double) {
        let dim = Double(dimension)
        let original = Double(max(1, p.originalMaxPositionEmbeddings))
        let factor = p.factor ?? Double(maxPositionEmbeddings) / original
        func mscale(_ scale: Double, _ m: Double = 1) -> Double {
            scale <= 1 ? 1 : 0.1 * m * log(scale) + 1
        }
        let attention: Double
        if let explicit = p.attentionFactor {
            attention = explicit
        } else if let m = p.mscale, let all = p.mscaleAllDim, m != 0, all != 0 {
            attention = mscale(factor, m) / mscale(factor, all)
        } else {
            attention = mscale(factor)
        }
        let betaFast = p.betaFast ?? 32
        let betaSlow = p.betaSlow ?? 1
        func correctionDimension(_ rotations: Double) -> Double {
            (dim * log(original / (rotations * 2 * Double.pi))) / (2 * log(theta))
        }
        var low = correctionDimension(betaFast)
        var high = correctionDimension(betaSlow)
        if p.truncate {
            low = low.rounded(.down)
            high = high.rounded(.up)
        }
        low = max(low, 0)
        high = min(high, dim - 1)
        if low == high { high += 0.001 }  // as transformers: prevents a zero division
        let half = dimension / 2
        let frequencies = (0..<half).map { i -> Double in
            let position = pow(theta, Double(2 * i) / dim)
            let extrapolated = 1 / position
            let interpolated = 1 / (factor * position)
            let ramp = min(1, max(0, (Double(i) - low) / (high - low)))
            let extrapolationWeight = 1 - ramp
            return interpolated * (1 - extrapolationWeight) + extrapolated * extrapolationWeight
        }
        return (frequencies, attention)
    }
}

// MARK: - From config.json

extension RotaryScaling {
    /// The scaling a parsed `rope_parameters` / `rope_scaling` describes (nil: none).
    /// Fields the config leaves out take transformers' defaults (llama3's factors 1 and
    /// 4 and 8192 positions; yarn's original length is `max_position_embeddings`).
    public init(_ scaling: RopeScaling?, maxPositionEmbeddings: Int) {
        guard let scaling else {
            self = .none
            return
        }
        switch scaling.kind {
        case .linear: self = .linear(factor: scaling.factor)
        case .dynamic: self = .dynamic(factor: scaling.factor)
        case .llama3:
            self = .llama3(
                Llama3(
                    factor: scaling.factor, lowFrequencyFactor: scaling.lowFrequencyFactor ?? 1,
                    highFrequencyFactor: scaling.highFrequencyFactor ?? 4,
                    originalMaxPositionEmbeddings: scaling.originalMaxPositionEmbeddings ?? 8192))
        case .yarn:
            self = .yarn(
                Yarn(
                    factor: scaling.factor,
                    originalMaxPositionEmbeddings: scaling.originalMaxPositionEmbeddings
                        ?? maxPositionEmbeddings,
                    attentionFactor: scaling.attentionFactor, betaFast: scaling.betaFast,
                    betaSlow: scaling.betaSlow, mscale: scaling.mscale,
                    mscaleAllDim: scaling.mscaleAllDim, truncate: scaling.truncate ?? true))
        }
    }
}

extension RotaryFrequencies {
    /// The frequencies of a model's config for a call whose largest position is
    /// `sequenceLength - 1` (only dynamic scaling depends on it).
    public init(config: ModelConfig, sequenceLength: Int = 0) {
        self.init(
            scaling: RotaryScaling(
                config.ropeScaling, maxPositionEmbeddings: config.maxPositionEmbeddings),
            theta: config.ropeTheta, dimension: config.headDim,
            maxPositionEmbeddings: config.maxPositionEmbeddings, sequenceLength: sequenceLength)
    }
}
