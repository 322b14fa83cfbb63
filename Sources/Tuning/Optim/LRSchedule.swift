import Foundation

/// A learning-rate schedule as a pure function of the step: the multiplier transformers'
/// `LambdaLR` lambdas return (transformers/optimization.py), applied to each group's
/// initial learning rate. Step 0 is the first optimizer step, so with warm-up it runs at 0.
public struct LRSchedule: Sendable, Equatable {
    /// Which formula.
    public let kind: SchedulerKind
    /// Steps of linear warm-up from 0.
    public let warmupSteps: Int
    /// The total number of training steps (0 when the kind does not use it).
    public let totalSteps: Int
    /// The optimizer's default learning rate (`optimizer.defaults["lr"]`): polynomial decay
    /// and `min_lr` are relative to it.
    public let baseLR: Double
    /// The kind-specific settings.
    public let options: ScheduleOptions

    /// Makes a schedule, resolving a warm-up ratio as transformers'
    /// `TrainingArguments.get_warmup_steps` does: `warmupSteps` if positive, else
    /// `ceil(total * warmupRatio)`.
    /// - Parameters:
    ///   - kind: the formula.
    ///   - warmupSteps: warm-up steps; wins over `warmupRatio` when positive.
    ///   - warmupRatio: the warm-up as a fraction of `totalSteps`.
    ///   - totalSteps: required by linear, cosine, cosine_with_restarts, polynomial.
    ///   - baseLR: the optimizer's default learning rate.
    ///   - options: kind-specific settings (cycles, power, lr_end, timescale, min_lr ...).
    /// - Throws: `OptimError.missingArgument` without a needed total,
    ///   `OptimError.invalidArgument` for negative steps or an `lr_end` above the lr.
    public init(
        _ kind: SchedulerKind, warmupSteps: Int = 0, warmupRatio: Double = 0,
        totalSteps: Int? = nil, baseLR: Double, options: ScheduleOptions = ScheduleOptions()
    ) throws {
        if warmupSteps < 0 { throw OptimError.invalidArgument(name: "warmup", reason: "negative") }
        if !(0...1).contains(warmupRatio) {
            throw OptimError.invalidArgument(name: "warmup_ratio", reason: "must be in [0, 1]")
        }
        if let totalSteps, totalSteps < 0 {
            throw OptimError.invalidArgument(name: "total", reason: "negative")
        }
        if kind.needsTotalSteps && totalSteps == nil {
            throw OptimError.missingArgument(scheduler: kind.rawValue, argument: "total")
        }
        if warmupRatio > 0 && warmupSteps == 0 && totalSteps == nil {
            throw OptimError.missingArgument(scheduler: kind.rawValue, argument: "total")
        }
        let total = totalSteps ?? 0
        self.kind = kind
        self.totalSteps = total
        self.warmupSteps =
            warmupSteps > 0 ? warmupSteps : Int((Double(total) * warmupRatio).rounded(.up))
        self.baseLR = baseLR
        self.options = options
        if kind == .polynomial && !(baseLR > options.lrEnd) {
            throw OptimError.invalidArgument(
                name: "lr_end", reason: "lr_end (\(options.lrEnd)) must be smaller than lr (\(baseLR))")
        }
        if kind == .cosineWithMinLR {
            if options.minLR != nil && options.minLRRate != nil {
                throw OptimError.invalidArgument(
                    name: "min_lr", reason: "give only one of min_lr and min_lr_rate")
            }
            if options.minLR == nil && options.minLRRate == nil {
                throw OptimError.missingArgument(scheduler: kind.rawValue, argument: "min_lr")
            }
        }
    }

    /// The multiplier of the initial learning rate at `step` (transformers' lambda).
    /// reduce_lr_on_plateau has no step formula and returns 1 (see `LRScheduler`).
    public func factor(at step: Int) -> Double {
        let warmup = warmupSteps
        if step < warmup && kind != .constant && kind != .reduceLROnPlateau {
            return Double(step) / Double(max(1, warmup))
        }
        let decaySpan = Double(max(1, totalSteps - warmup))
        let progress = Double(step - warmup) / decaySpan
        switch kind {
        case .constant, .constantWithWarmup, .reduceLROnPlateau:
            return 1
        case .linear:
            return max(0, Double(totalSteps - step) / decaySpan)
        case .cosine:
            let cycles = options.numCycles ?? 0.5
            return max(0, 0.5 * (1 + cos(Double.pi * cycles * 2 * progress)))
        case .cosineWithRestarts:
            let cycles = options.numCycles ?? 1
            if progress >= 1 { return 0 }
            let phase = (cycles * progress).truncatingRemainder(dividingBy: 1)
            return max(0, 0.5 * (1 + cos(Double.pi * phase)))
        case .polynomial:
            if step > totalSteps { return options.lrEnd / baseLR }
            // transformers divides by the decay span unguarded; total == warmup ends here.
            let decaySteps = Double(totalSteps - warmup)
            if decaySteps <= 0 { return options.lrEnd / baseLR }
            let remaining = 1 - Double(step - warmup) / decaySteps
            let range = baseLR - options.lrEnd
            return (range * pow(remaining, options.power) + options.lrEnd) / baseLR
        case .inverseSqrt:
            let timescale = Double(options.timescale ?? (warmup > 0 ? warmup : 10_000))
            let shift = timescale - Double(warmup)
            return 1 / ((Double(step) + shift) / timescale).squareRoot()
        case .cosineWithMinLR:
            let cycles = options.numCycles ?? 0.5
            let rate = options.minLRRate ?? ((options.minLR ?? 0) / baseLR)
            let wave = 0.5 * (1 + cos(Double.pi * cycles * 2 * progress))
            return max(0, wave * (1 - rate) + rate)
        }
    }
}

/// Kind-specific settings of a schedule, with transformers' and torch's defaults.
public struct ScheduleOptions: Sendable, Equatable {
    /// Cosine waves (cosine, cosine_with_min_lr: 0.5) or hard restarts (1); nil = default.
    public var numCycles: Double?
    /// Polynomial decay power (1.0).
    public var power: Double
    /// Polynomial decay's final learning rate (1e-7).
    public var lrEnd: Double
    /// inverse_sqrt's time scale; nil = the warm-up steps, or 10,000 without warm-up.
    public var timescale: Int?
    /// cosine_with_min_lr's floor as a learning rate.
    public var minLR: Double?
    /// cosine_with_min_lr's floor as a fraction of the initial learning rate.
    public var minLRRate: Double?
    /// reduce_lr_on_plateau's settings.
    public var plateau: PlateauOptions

    /// Options with the reference defaults; pass what differs.
    public init(
        numCycles: Double? = nil, power: Double = 1.0, lrEnd: Double = 1e-7,
        timescale: Int? = nil, minLR: Double? = nil, minLRRate: Double? = nil,
        plateau: PlateauOptions = PlateauOptions()
    ) {
        self.numCycles = numCycles
        self.power = power
        self.lrEnd = lrEnd
        self.timescale = timescale
        self.minLR = minLR
        self.minLRRate = minLRRate
        self.plateau = plateau
    }
}

/// torch.optim.lr_scheduler.ReduceLROnPlateau's settings, with its defaults.
public struct PlateauOptions: Sendable, Equatable {
    /// Whether a lower metric is better (`min`, the default) or a higher one (`max`).
    public var maximize: Bool
    /// The factor applied to the learning rate on a plateau (0.1).
    public var factor: Double
    /// Steps without improvement tolerated before reducing (10).
    public var patience: Int
    /// The least change that counts as an improvement (1e-4).
    public var threshold: Double
    /// Whether `threshold` is relative (`rel`, the default) or absolute (`abs`).
    public var relativeThreshold: Bool
    /// Steps to wait after a reduction before counting again (0).
    public var cooldown: Int
    /// The floor of the learning rate (0).
    public var minLR: Double
    /// Reductions smaller than this are not applied (1e-8).
    public var eps: Double

    /// Options with torch's defaults; pass what differs.
    public init(
        maximize: Bool = false, factor: Double = 0.1, patience: Int = 10,
        threshold: Double = 1e-4, relativeThreshold: Bool = true, cooldown: Int = 0,
        minLR: Double = 0, eps: Double = 1e-8
    ) {
        self.maximize = maximize
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.relativeThreshold = relativeThreshold
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
    }
}
