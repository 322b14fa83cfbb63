import Tensors

/// Tensors are what optimizers update: contiguous Float32 values and their `grad`.
extension Tensor: OptimizableParameter {
    /// The tensor's shape.
    public var parameterShape: [Int] { shape }

    /// Runs `body` over the values.
    /// - Throws: `OptimError.invalidArgument` for a bf16 tensor (frozen storage: what to
    ///   do instead is in the message); `TensorError` for a read-only or non-contiguous one.
    public func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R
    {
        if dtype != .float32 {
            throw OptimError.invalidArgument(
                name: name ?? "parameter",
                reason: "it is stored in \(dtype) and optimizers update float32 values only; "
                    + "weights stored in bf16 or fp16 are frozen: train an adapter on them, or load the "
                    + "model in float32 (load_model(path) without dtype:) to train its weights")
        }
        return try withUnsafeMutableFloats(body)
    }

    /// Runs `body` over `grad`, or returns nil when there is none.
    /// - Throws: `TensorError` for a gradient that is not contiguous Float32.
    public func withMutableGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R?
    {
        guard let grad else { return nil }
        return try grad.withUnsafeMutableFloats(body)
    }

    /// Sets `grad` to nil.
    public func clearGradient() { grad = nil }
}

extension NamedParameter {
    /// A tensor under its own `name` (or `param<index>` when it has none).
    /// - Parameters:
    ///   - tensor: the parameter.
    ///   - index: its position, naming an unnamed tensor.
    public init(tensor: Tensor, index: Int) {
        self.init(tensor.name ?? "param\(index)", tensor)
    }
}
