import Language
import Tensors

/// A tensor as a value of the language: a host object whose table is
/// ``TensorBuiltins/type``.
public final class TensorValue: HostObject {
    /// The wrapped tensor.
    public let tensor: Tensor

    /// Wraps a tensor.
    public init(_ tensor: Tensor) {
        self.tensor = tensor
    }

    /// The `Tensor` table: properties, methods and operators.
    public var hostType: HostType { TensorBuiltins.type }

    /// The tensor printed as PyTorch prints it (summarised past 1000 elements).
    public var summary: String { tensor.description }
}

extension Value {
    /// Wraps a tensor as a value.
    static func tensor(_ tensor: Tensor) -> Value { .host(TensorValue(tensor)) }
}
