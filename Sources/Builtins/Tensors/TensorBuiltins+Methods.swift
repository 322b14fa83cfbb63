import Language
import Tensors

// MARK: The Tensor type: properties and methods

extension TensorBuiltins {
    /// The `Tensor` host type: properties, methods, operators, indexing and iteration.
    public static let type: HostType = {
        let type = HostType(name: "Tensor", doc: "an n-dimensional array of numbers with autograd")
        installProperties(on: type)
        for method in methods { type.method(method) }
        installOperators(on: type)
        return type
    }()

    /// Declares a method whose receiver is a tensor.
    static func method(
        _ name: String, _ signature: Signature = Signature(), doc: String,
        _ body: @escaping (Tensor, Arguments) throws -> Value
    ) -> Builtin {
        Builtin(name, signature, doc: doc) { arguments in
            try body(try arguments.receiver(as: TensorValue.self).tensor, arguments)
        }
    }

    /// Declares a method `t.name()` that maps a tensor to a float tensor (integer
    /// tensors are promoted to float32 first, as PyTorch does for exp, log ...).
    static func elementwise(_ name: String, doc: String, _ op: @escaping (Tensor) throws -> Tensor)
        -> Builtin
    {
        method(name, doc: doc) { tensor, _ in .tensor(try op(computable(tensor))) }
    }

    static func installProperties(on type: HostType) {
        type.property(
            "shape", doc: "the sizes of the dims, as a list",
            get: { object in
                .list(try tensorOf(object).shape.map { .int($0) })
            })
        type.property(
            "dtype", doc: "the element type (float32, bfloat16, int64 ...)",
            get: { object in
                .string(try tensorOf(object).dtype.torchName)
            })
        type.property(
            "ndim", doc: "the number of dims",
            get: { object in
                .int(try tensorOf(object).rank)
            })
        type.property(
            "T", doc: "the tensor with its dims reversed (the transpose of a matrix)",
            get: { object in
                let tensor = try tensorOf(object)
                return .tensor(try tensor.permute(Array((0..<tensor.rank).reversed())))
            })
        type.property(
            "grad", doc: "the gradient backward() accumulated, or nil",
            get: { object in
                try tensorOf(object).grad.map { .tensor($0) } ?? .nil
            },
            set: { object, value in
                let tensor = try tensorOf(object)
                switch value {
                case .nil: tensor.grad = nil
                case .host(let other as TensorValue): tensor.grad = other.tensor
                default: throw HostError("grad must be a tensor or nil, got \(value.typeName)")
                }
            })
        type.property(
            "requires_grad", doc: "whether backward() computes a gradient for it (settable)",
            get: { object in
                .bool(try tensorOf(object).requiresGrad)
            },
            set: { object, value in
                guard case .bool(let flag) = value else {
                    throw HostError("requires_grad must be a bool, got \(value.typeName)")
                }
                try setRequiresGrad(try tensorOf(object), flag)
            })
        type.property(
            "is_leaf", doc: "whether no recorded op produced it",
            get: { object in
                .bool(try tensorOf(object).isLeaf)
            })
    }

    /// The tensor of a receiver.
    /// - Throws: `HostError` when the object is not a tensor.
    static func tensorOf(_ object: any HostObject) throws -> Tensor {
        try cast(object, to: TensorValue.self, "tensor").tensor
    }

    /// Shape, conversion and autograd methods; the arithmetic ones are in
    /// `TensorBuiltins+Math.swift`.
    static let methods: [Builtin] =
        mathMethods + [
            method("detach", doc: "the same values, cut from the autograd graph") { tensor, _ in
                .tensor(tensor.detach())
            },
            method("contiguous", doc: "the same values laid out contiguously") { tensor, _ in
                .tensor(try tensor.contiguous())
            },
            method("matmul", Signature(["other"]), doc: "the matrix product, same as @") {
                tensor, arguments in
                _ = try arguments.host(0, as: TensorValue.self, "tensor")
                return try binary(.matmul, arguments.receiver, arguments[0]) ?? .nil
            },
            method(
                "reshape", Signature(["shape"], variadic: "sizes"),
                doc: "the values in a new shape (-1 infers one size)"
            ) {
                tensor, arguments in
                .tensor(try tensor.reshape(TensorConversion.shape(arguments)))
            },
            method(
                "view", Signature(["shape"], variadic: "sizes"),
                doc: "a view in a new shape, sharing the values"
            ) {
                tensor, arguments in
                .tensor(try tensor.view(TensorConversion.shape(arguments)))
            },
            method("transpose", Signature(["dim0", "dim1"]), doc: "dims dim0 and dim1 swapped") {
                tensor, arguments in
                .tensor(try tensor.transpose(arguments.int(0), arguments.int(1)))
            },
            method(
                "permute", Signature(["dims"], variadic: "more"),
                doc: "the dims reordered: t.permute([2, 0, 1])"
            ) {
                tensor, arguments in
                .tensor(try tensor.permute(TensorConversion.shape(arguments, "dims")))
            },
            method(
                "squeeze", Signature(labelled: [("dim", .nil)]),
                doc: "size-1 dims removed (only dim when given)"
            ) {
                tensor, arguments in
                .tensor(try tensor.squeeze(arguments.optionalInt("dim")))
            },
            method("unsqueeze", Signature(["dim"]), doc: "a new size-1 dim inserted at dim") {
                tensor, arguments in
                .tensor(try tensor.unsqueeze(arguments.int(0)))
            },
            method(
                "flatten", Signature(labelled: [("start_dim", .int(0)), ("end_dim", .int(-1))]),
                doc: "dims start_dim...end_dim merged"
            ) {
                tensor, arguments in
                .tensor(
                    try tensor.flatten(
                        startDim: arguments.int("start_dim"), endDim: arguments.int("end_dim")))
            },
            method(
                "to", Signature(["dtype"]),
                doc: "the values converted to dtype (float32, bfloat16, int64 ...)"
            ) {
                tensor, arguments in
                .tensor(try tensor.to(arguments.choice("dtype", DType.self)))
            },
            method("item", doc: "the value of a one-element tensor, as a number") { tensor, _ in
                try TensorConversion.scalar(tensor)
            },
            method("tolist", doc: "the values as nested lists") { tensor, _ in
                TensorConversion.nestedList(tensor)
            },
            method("numel", doc: "the number of elements") { tensor, _ in .int(tensor.count) },
            method(
                "size", Signature(labelled: [("dim", .nil)]),
                doc: "the shape as a list, or the size of one dim"
            ) {
                tensor, arguments in
                guard let dim = try arguments.optionalInt("dim") else {
                    return .list(tensor.shape.map { .int($0) })
                }
                return .int(try tensor.size(dim))
            },
            method(
                "backward",
                Signature(labelled: [("gradient", .nil), ("retain_graph", .bool(false))]),
                doc: "accumulates d(self)/d(leaf) into each leaf's grad"
            ) { tensor, arguments in
                var gradient: Tensor?
                if case .host = arguments["gradient"] {
                    gradient = try arguments.host("gradient", as: TensorValue.self, "tensor").tensor
                }
                try tensor.backward(gradient: gradient, retainGraph: arguments.bool("retain_graph"))
                GraphBuiltins.noteBackward(tensor)
                return .nil
            },
            method(
                "requires_grad_", Signature(labelled: [("requires_grad", .bool(true))]),
                doc: "sets requires_grad and returns the tensor"
            ) { tensor, arguments in
                try setRequiresGrad(tensor, arguments.bool("requires_grad"))
                return arguments.receiver
            },
        ]
}
