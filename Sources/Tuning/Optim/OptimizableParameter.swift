/// Something an optimizer updates in place: a contiguous Float32 value buffer and, after a
/// backward pass, a gradient buffer of the same size. Tensors conform; so does
/// `FlatParameter`, a plain buffer for tests and hosts without tensors.
public protocol OptimizableParameter: AnyObject {
    /// The shape, outermost first (`[out, in]` for a linear weight). Adafactor factors the
    /// last two axes; LoRA+ and weight-decay grouping look at the rank.
    var parameterShape: [Int] { get }
    /// Runs `body` over the values, which it may change.
    /// - Throws: when the values cannot be written as Float32 (a read-only or bf16
    ///   tensor); rethrows from `body`.
    func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) throws
        -> R
    /// Runs `body` over the gradient, which it may change (clipping scales it); returns nil
    /// without calling `body` when the parameter has no gradient.
    /// - Throws: as `withMutableValues`.
    func withMutableGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R?
    /// Drops the gradient (torch's `zero_grad(set_to_none=True)`).
    func clearGradient()
}

extension OptimizableParameter {
    /// The number of elements: the product of the shape.
    public var elementCount: Int { parameterShape.reduce(1, *) }
}

/// A parameter stored in Swift arrays: values, an optional gradient and a shape.
public final class FlatParameter: OptimizableParameter {
    /// The values, row-major.
    public var values: [Float]
    /// The gradient, or nil when none was computed.
    public var gradient: [Float]?
    /// The shape; its product equals `values.count`.
    public let parameterShape: [Int]

    /// Makes a parameter.
    /// - Parameters:
    ///   - values: the values, row-major.
    ///   - shape: the shape; defaults to one axis of `values.count`.
    ///   - gradient: an optional gradient of the same size.
    /// - Throws: `OptimError.sizeMismatch` when the shape or gradient does not fit.
    public init(_ values: [Float], shape: [Int]? = nil, gradient: [Float]? = nil) throws {
        let shape = shape ?? [values.count]
        let count = shape.reduce(1, *)
        if count != values.count {
            throw OptimError.sizeMismatch(parameter: "values", expected: count, actual: values.count)
        }
        if let gradient, gradient.count != count {
            throw OptimError.sizeMismatch(
                parameter: "gradient", expected: count, actual: gradient.count)
        }
        self.values = values
        self.parameterShape = shape
        self.gradient = gradient
    }

    /// Runs `body` over the values.
    public func withMutableValues<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R
    {
        try values.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Runs `body` over the gradient, or returns nil without one.
    public func withMutableGradient<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R)
        throws -> R?
    {
        guard gradient != nil else { return nil }
        return try gradient?.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Drops the gradient.
    public func clearGradient() { gradient = nil }
}

/// A parameter with its name (PEFT/HF key, such as
/// `base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`).
public struct NamedParameter {
    /// The key name.
    public let name: String
    /// The parameter.
    public let parameter: any OptimizableParameter

    /// Pairs a name with a parameter.
    public init(_ name: String, _ parameter: any OptimizableParameter) {
        self.name = name
        self.parameter = parameter
    }
}
