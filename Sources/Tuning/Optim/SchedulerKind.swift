/// The learning-rate schedules of transformers' `get_scheduler`, by their `lr_scheduler_type`
/// names (transformers/trainer_utils.py `SchedulerType`).
public enum SchedulerKind: String, CaseIterable, Sendable {
    /// Linear warm-up, then linear decay to 0 at `total`.
    case linear
    /// Linear warm-up, then half a cosine wave down to 0 (`num_cycles` 0.5).
    case cosine
    /// Linear warm-up, then `num_cycles` cosine decays with hard restarts.
    case cosineWithRestarts = "cosine_with_restarts"
    /// Linear warm-up, then polynomial decay from the initial lr to `lr_end` (power 1).
    case polynomial
    /// The initial learning rate throughout.
    case constant
    /// Linear warm-up, then constant.
    case constantWithWarmup = "constant_with_warmup"
    /// Linear warm-up, then 1/sqrt decay with a time scale (default: the warm-up steps).
    case inverseSqrt = "inverse_sqrt"
    /// torch's ReduceLROnPlateau: multiply by `factor` after `patience` steps without gain.
    case reduceLROnPlateau = "reduce_lr_on_plateau"
    /// Cosine that ends at `min_lr` (or `min_lr_rate` times the initial lr) instead of 0.
    case cosineWithMinLR = "cosine_with_min_lr"

    /// Parses a name as LLaMA-Factory's `lr_scheduler_type` spells it.
    /// - Throws: `OptimError.unknownName` with the nearest valid name as a hint.
    public init(parsing name: String) throws {
        let normalized = name.lowercased().replacingOccurrences(of: "-", with: "_")
        if let kind = SchedulerKind(rawValue: normalized) {
            self = kind
            return
        }
        let names = SchedulerKind.allCases.map(\.rawValue)
        throw OptimError.unknownName(
            kind: "scheduler", name: name,
            suggestion: NameSuggestion.closest(to: normalized, in: names))
    }

    /// Whether the schedule needs the total number of training steps.
    public var needsTotalSteps: Bool {
        switch self {
        case .linear, .cosine, .cosineWithRestarts, .polynomial, .cosineWithMinLR: return true
        case .constant, .constantWithWarmup, .inverseSqrt, .reduceLROnPlateau: return false
        }
    }
}
