/// An optimizer's state as a flat, safetensors-friendly dictionary: tensors (moments,
/// momentum buffers) by key, and scalars (step counts, learning rates) by key. Keys follow
/// torch's `state_dict` layout: `state.<slot>.exp_avg`, `state.<slot>.step`,
/// `param_groups.<g>.lr`, where `slot` numbers parameters across groups in order.
public struct OptimizerState: Equatable, Sendable {
    /// A named state buffer with its shape (the parameter's).
    public struct Buffer: Equatable, Sendable {
        /// The shape, outermost first.
        public var shape: [Int]
        /// The values, row-major.
        public var values: [Float]

        /// Pairs a shape with its values.
        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    /// The optimizer that wrote the state (`adamw`, `sgd`, `adafactor`).
    public var kind: String
    /// Moments and buffers by key.
    public var tensors: [String: Buffer]
    /// Step counts, learning rates and counters by key.
    public var scalars: [String: Double]

    /// Makes a state.
    public init(kind: String, tensors: [String: Buffer] = [:], scalars: [String: Double] = [:]) {
        self.kind = kind
        self.tensors = tensors
        self.scalars = scalars
    }

    /// The scalars as strings, for a safetensors header's `__metadata__`; `optimizer`
    /// holds the kind. Doubles are written with their shortest exact representation.
    public var metadata: [String: String] {
        var result = ["optimizer": kind]
        for (key, value) in scalars { result[key] = "\(value)" }
        return result
    }

    /// Rebuilds a state from tensors and a `metadata` dictionary written by `metadata`.
    /// - Throws: `OptimError.incompatibleState` for a missing kind or a non-numeric scalar.
    public init(tensors: [String: Buffer], metadata: [String: String]) throws {
        guard let kind = metadata["optimizer"] else {
            throw OptimError.incompatibleState(reason: "no 'optimizer' entry in the metadata")
        }
        var scalars: [String: Double] = [:]
        for (key, text) in metadata where key != "optimizer" {
            guard let value = Double(text) else {
                throw OptimError.incompatibleState(reason: "'\(key)' is not a number: \(text)")
            }
            scalars[key] = value
        }
        self.init(kind: kind, tensors: tensors, scalars: scalars)
    }

    /// The scalar at `key`.
    /// - Throws: `OptimError.missingState`.
    func scalar(_ key: String) throws -> Double {
        guard let value = scalars[key] else { throw OptimError.missingState(key: key) }
        return value
    }

    /// The buffer at `key`, checked against the parameter's element count.
    /// - Throws: `OptimError.missingState` or `OptimError.sizeMismatch`.
    func buffer(_ key: String, count: Int) throws -> [Float] {
        guard let buffer = tensors[key] else { throw OptimError.missingState(key: key) }
        if buffer.values.count != count {
            throw OptimError.sizeMismatch(parameter: key, expected: count, actual: buffer.values.count)
        }
        return buffer.values
    }
}
