import Language
import Tensors

/// The tensor vocabulary of LANGUAGE.md: creation functions here, the `Tensor` type's
/// members in `TensorBuiltins+Methods.swift`, operators and indexing in
/// `TensorBuiltins+Operators.swift`.
public enum TensorBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [type] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "tensor",
            Signature(["data"], labelled: [("dtype", .nil), ("requires_grad", .bool(false))]),
            doc: "a tensor from a number or nested lists (int64 for ints, else float32)"
        ) { arguments in
            let tensor = try TensorConversion.tensor(
                fromNested: arguments["data"], dtype: TensorConversion.dtype(arguments),
                function: "tensor")
            try setRequiresGrad(tensor, try arguments.bool("requires_grad"))
            return .tensor(tensor)
        },
        filled("zeros", doc: "a tensor of zeros: zeros([2, 3]) or zeros(2, 3)") {
            try Tensor.zeros($0, dtype: $1)
        },
        filled("ones", doc: "a tensor of ones: ones([2, 3]) or ones(2, 3)") {
            try Tensor.ones($0, dtype: $1)
        },
        Builtin(
            "randn", Signature(["shape"], labelled: [("seed", .nil)], variadic: "sizes"),
            doc: "a float32 tensor of standard normal samples; seed: makes it repeatable"
        ) { arguments in
            let shape = try TensorConversion.shape(arguments)
            // A seed gives its own generator, so the result depends on nothing else.
            let generator = try arguments.optionalInt("seed").map {
                RandomGenerator(seed: UInt64(bitPattern: Int64($0)))
            }
            return .tensor(try Tensor.randn(shape, generator: generator ?? .global))
        },
        Builtin(
            "arange",
            Signature(["start"], labelled: [("end", .nil), ("step", .int(1)), ("dtype", .nil)]),
            doc: "values from start up to (not including) end by step; arange(n) counts 0..<n"
        ) { arguments in
            let first = try arguments.double(0)
            var (start, stop) = (0.0, first)
            if case .nil = arguments["end"] {
            } else {
                (start, stop) = (first, try arguments.double("end"))
            }
            let integral = [arguments["start"], arguments["end"], arguments["step"]].allSatisfy {
                if case .float = $0 { return false }
                return true
            }
            let dtype = try TensorConversion.dtype(arguments) ?? (integral ? .int64 : .float32)
            let step = try arguments.double("step")
            return .tensor(try Tensor.arange(start, stop, step: step, dtype: dtype))
        },
        Builtin(
            "cat", Signature(["tensors"], labelled: [("dim", .int(0))]),
            doc: "tensors joined along an existing dim"
        ) { arguments in
            let tensors = try TensorConversion.tensors(arguments, "tensors")
            let dim = try arguments.int("dim")
            return .tensor(try Tensor.cat(tensors, dim: dim))
        },
        Builtin(
            "stack", Signature(["tensors"], labelled: [("dim", .int(0))]),
            doc: "tensors of one shape stacked along a new dim"
        ) { arguments in
            let tensors = try TensorConversion.tensors(arguments, "tensors")
            let dim = try arguments.int("dim")
            return .tensor(try Tensor.stack(tensors, dim: dim))
        },
        Builtin(
            "no_grad", Signature(["body"]),
            doc: "runs a block without recording gradients: no_grad { model(x) }"
        ) { arguments in
            let body = try arguments.callable(0)
            return try GradMode.withNoGrad { try arguments.call(body) }
        },
    ]

    /// Declares `name(shape, dtype:)`, also callable with sizes one by one.
    static func filled(
        _ name: String, doc: String, _ make: @escaping ([Int], DType) throws -> Tensor
    ) -> Builtin {
        Builtin(
            name, Signature(["shape"], labelled: [("dtype", .nil)], variadic: "sizes"), doc: doc
        ) {
            arguments in
            .tensor(
                try make(
                    TensorConversion.shape(arguments), TensorConversion.dtype(arguments) ?? .float32
                ))
        }
    }

    /// Sets `requires_grad`, which only floating-point leaves may have.
    static func setRequiresGrad(_ tensor: Tensor, _ flag: Bool) throws {
        if flag && !tensor.dtype.isFloatingPoint {
            throw HostError("only floating-point tensors can require grad (got \(tensor.dtype))")
        }
        tensor.requiresGrad = flag
    }
}
