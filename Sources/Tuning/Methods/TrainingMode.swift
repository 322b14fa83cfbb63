import Models
import Synchronization
import Tensors

/// Training and evaluation mode of a model (torch's `model.train()` / `model.eval()`)
/// and its NEFTune setting: LoRA dropout and NEFTune noise apply only in training mode.
///
/// Models start in evaluation mode, as `from_pretrained` leaves them.
public enum TrainingMode {
    /// What is remembered per model.
    public struct State: Sendable, Equatable {
        /// Training mode.
        public var training = false
        /// NEFTune's alpha, or nil when off.
        public var neftuneAlpha: Double?
    }

    /// A model's state; the weak reference tells a model from a later one allocated at
    /// the same address (which must start in evaluation mode, not inherit this state).
    private struct Entry: @unchecked Sendable {
        weak var model: CausalLM?
        var state: State
    }

    private static let states = Mutex<[ObjectIdentifier: Entry]>([:])

    /// The mode of `model`.
    public static func state(of model: CausalLM) -> State {
        states.withLock { table in
            guard let entry = table[ObjectIdentifier(model)], entry.model === model else { return State() }
            return entry.state
        }
    }

    /// Changes the state of `model`, starting from the default for a model not seen before.
    private static func update(_ model: CausalLM, _ change: (inout State) -> Void) {
        states.withLock { table in
            let key = ObjectIdentifier(model)
            var entry = table[key].flatMap { $0.model === model ? $0 : nil } ?? Entry(model: model, state: State())
            change(&entry.state)
            table[key] = entry
        }
    }

    /// Whether `model` is in training mode.
    public static func isTraining(_ model: CausalLM) -> Bool { state(of: model).training }

    /// Puts `model` and every adapter on it in training (`true`) or evaluation mode.
    public static func set(_ model: CausalLM, training: Bool) {
        update(model) { $0.training = training }
        for (_, module) in model.namedModules() {
            guard let linear = module as? Linear else { continue }
            for case let layer as LoRALayer in linear.adapters { layer.isTraining = training }
        }
    }

    /// Turns NEFTune on (alpha > 0) or off (nil or 0) for `model`'s embeddings.
    /// - Throws: `AdapterError.invalidArgument` for a negative alpha.
    public static func setNEFTune(_ model: CausalLM, alpha: Double?) throws {
        if let alpha, !(alpha >= 0 && alpha.isFinite) {
            throw AdapterError.invalidArgument(name: "alpha", reason: "must be non-negative, got \(alpha)")
        }
        let value = alpha.flatMap { $0 > 0 ? $0 : nil }
        update(model) { $0.neftuneAlpha = value }
    }

    /// The embeddings of `ids`, with NEFTune noise when the model is in training mode and
    /// NEFTune is on (what the model call uses).
    /// - Throws: model and tensor errors.
    public static func embed(_ model: CausalLM, ids: Tensor, generator: RandomGenerator = .global) throws -> Tensor {
        let embeddings = try model.embed(ids)
        let current = state(of: model)
        guard let alpha = current.neftuneAlpha, current.training else { return embeddings }
        return try NEFTune.noise(embeddings, alpha: alpha, training: true, generator: generator)
    }
}

/// NEFTune (Jain et al. 2023): uniform noise added to the input embeddings in training.
public enum NEFTune {
    /// `x + U(-m, m)` with `m = alpha / sqrt(L * d)` for x [B, L, d]; `x` unchanged when
    /// not `training` or alpha is 0.
    /// - Throws: `AdapterError.invalidArgument` for a negative alpha or x not [B, L, d].
    public static func noise(
        _ x: Tensor, alpha: Double, training: Bool = true, generator: RandomGenerator = .global
    ) throws -> Tensor {
        guard alpha >= 0, alpha.isFinite else {
            throw AdapterError.invalidArgument(name: "alpha", reason: "must be non-negative, got \(alpha)")
        }
        guard x.rank == 3 else {
            throw AdapterError.invalidArgument(name: "x", reason: "must be [batch, length, dim], got \(x.shape)")
        }
        guard training, alpha > 0 else { return x }
        let magnitude = Float(alpha / Double(x.shape[1] * x.shape[2]).squareRoot())
        return try x.add(try Tensor.rand(x.shape, low: -magnitude, high: magnitude, generator: generator))
    }
}
