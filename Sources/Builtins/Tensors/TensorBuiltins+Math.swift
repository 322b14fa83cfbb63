import Language
import Tensors

// MARK: Arithmetic methods of the Tensor type

extension TensorBuiltins {
    static let reductionSignature = Signature(labelled: [("dim", .nil), ("keepdim", .bool(false))])

    /// Reductions, softmax and elementwise math.
    static let mathMethods: [Builtin] = [
        method("sum", reductionSignature, doc: "the sum over dim (an int or a list; all when nil)")
        { tensor, arguments in
            let dims = try TensorConversion.ints(arguments, "dim") ?? []
            let sum = try computable(tensor).sum(dims: dims, keepdim: arguments.bool("keepdim"))
            return .tensor(tensor.dtype.isFloatingPoint ? sum : try sum.to(.int64))
        },
        method(
            "mean", reductionSignature, doc: "the mean over dim (an int or a list; all when nil)"
        ) { tensor, arguments in
            .tensor(
                try computable(tensor).mean(
                    dims: TensorConversion.ints(arguments, "dim") ?? [],
                    keepdim: arguments.bool("keepdim")))
        },
        method("max", reductionSignature, doc: "the maximum along dim, or of all elements") {
            tensor, arguments in
            let maximum = try computable(tensor).max(
                dim: arguments.optionalInt("dim"), keepdim: arguments.bool("keepdim"))
            return .tensor(tensor.dtype.isFloatingPoint ? maximum : try maximum.to(tensor.dtype))
        },
        method(
            "argmax", reductionSignature,
            doc: "the index of the maximum along dim, or in the flattened tensor"
        ) {
            tensor, arguments in
            .tensor(
                try computable(tensor).argmax(
                    dim: arguments.optionalInt("dim"), keepdim: arguments.bool("keepdim")))
        },
        method(
            "softmax", Signature(labelled: [("dim", .int(-1))]),
            doc: "exp(x) / sum(exp(x)) along dim"
        ) {
            tensor, arguments in
            .tensor(try computable(tensor).softmax(dim: arguments.int("dim")))
        },
        method(
            "log_softmax", Signature(labelled: [("dim", .int(-1))]),
            doc: "log(softmax(x)) along dim, computed stably"
        ) {
            tensor, arguments in
            .tensor(try computable(tensor).logSoftmax(dim: arguments.int("dim")))
        },
        elementwise("exp", doc: "e to the power of each element") { try $0.exp() },
        elementwise("log", doc: "the natural logarithm of each element") { try $0.log() },
        elementwise("sqrt", doc: "the square root of each element") { try $0.sqrt() },
        elementwise("rsqrt", doc: "1 / sqrt of each element") { try $0.rsqrt() },
        elementwise("abs", doc: "the absolute value of each element") { try $0.abs() },
        elementwise("neg", doc: "each element negated") { try $0.neg() },
        elementwise("tanh", doc: "the hyperbolic tangent of each element") { try $0.tanh() },
        elementwise("sigmoid", doc: "1 / (1 + exp(-x)) for each element") { try $0.sigmoid() },
        elementwise("relu", doc: "max(x, 0) for each element") { try $0.relu() },
        elementwise("silu", doc: "x * sigmoid(x) for each element") { try $0.silu() },
        elementwise("gelu", doc: "the Gaussian error linear unit of each element") {
            try $0.gelu()
        },
        elementwise("sin", doc: "the sine of each element") { try $0.sin() },
        elementwise("cos", doc: "the cosine of each element") { try $0.cos() },
        method("pow", Signature(["exponent"]), doc: "each element to the power exponent") {
            tensor, arguments in
            .tensor(try computable(tensor).pow(Float(arguments.double(0))))
        },
        method(
            "clamp", Signature(labelled: [("min", .nil), ("max", .nil)]),
            doc: "each element limited to min...max (either may be nil)"
        ) { tensor, arguments in
            let low = try TensorConversion.optionalDouble(arguments, "min")
            let high = try TensorConversion.optionalDouble(arguments, "max")
            return .tensor(
                try computable(tensor).clamp(min: low.map(Float.init), max: high.map(Float.init)))
        },
    ]
}
