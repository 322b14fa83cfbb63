import Tensors

/// Tensors are what optimizers update: contiguous Float32 values and their `grad`.
extension Tensor: OptimizableParameter {
    /// The tensor's shape.
    public var parameterShape: [Int] { shape }

    /// Runs `body` over the values.
    /// - Throws: `TensorError` for a read-only, non-Float32 or non-contiguous tensor.
    public func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R
    {
        try withUnsafeMutableFloats(body)
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
