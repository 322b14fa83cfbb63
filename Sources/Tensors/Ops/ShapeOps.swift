/// Shape ops: views that share storage (reshape, permute, expand, slice) and the
/// copies (contiguous, cat, dtype conversion). Their backwards route gradients back
/// to the original layout.
extension OpSpec {
    /// `x` with attribute `shape` (one -1 allowed); a view when `x` is contiguous.
    public static let reshape = OpSpec(
        name: "reshape", arity: .exactly(1),
        forward: { x, a in OpResult(try ShapeKernels.reshape(x[0], to: a.ints("shape"), op: "reshape")) },
        backward: { c in [try ShapeKernels.reshape(c.gradOutput, to: c.inputs[0].shape, op: "reshape")] })

    /// `x` with dims reordered by attribute `dims` (a view).
    public static let permute = OpSpec(
        name: "permute", arity: .exactly(1),
        forward: { x, a in OpResult(try ShapeKernels.permute(x[0], dims: a.ints("dims"), op: "permute")) },
        backward: { c in
            let dims = try c.attributes.ints("dims").map {
                try Shape.normalize(dim: $0, rank: c.inputs[0].rank, op: "permute")
            }
            var inverse = [Int](repeating: 0, count: dims.count)
            for (index, dim) in dims.enumerated() { inverse[dim] = index }
            return [try ShapeKernels.permute(c.gradOutput, dims: inverse, op: "permute")]
        })

    /// `x` broadcast to attribute `shape` without copying (-1 keeps a size).
    public static let expand = OpSpec(
        name: "expand", arity: .exactly(1),
        forward: { x, a in OpResult(try ShapeKernels.expand(x[0], to: a.ints("shape"), op: "expand")) },
        backward: { c in [c.gradOutput] })  // the tape walker sums the broadcast dims

    /// Python-style slicing along attribute `dim`: `start` (default 0 or the end for a
    /// negative step), `end` (default the other end), `step` (default 1, may be negative).
    /// A view for positive steps; negative steps copy.
    public static let slice = OpSpec(
        name: "slice", arity: .exactly(1),
        forward: { x, a in
            let (dim, start, count, step) = try SliceAttributes.resolve(x[0], a)
            return OpResult(ShapeKernels.slice(x[0], dim: dim, start: start, count: count, step: step))
        },
        backward: { c in
            let x = c.inputs[0]
            let (dim, start, count, step) = try SliceAttributes.resolve(x, c.attributes)
            let gradient = try Tensor(zeros: x.shape)
            if step > 0 {
                let region = ShapeKernels.slice(gradient, dim: dim, start: start, count: count, step: step)
                try region.copy(from: c.gradOutput)
            } else {
                for index in 0..<count {
                    let from = ShapeKernels.slice(c.gradOutput, dim: dim, start: index, count: 1, step: 1)
                    let to = ShapeKernels.slice(gradient, dim: dim, start: start + index * step, count: 1, step: 1)
                    try to.copy(from: from)
                }
            }
            return [gradient]
        })

    /// A contiguous copy of `x`.
    public static let contiguous = OpSpec(
        name: "contiguous", arity: .exactly(1),
        forward: { x, _ in OpResult(x[0].materialized(dtype: x[0].dtype)) },
        backward: { c in [c.gradOutput] })

    /// `x` converted to attribute `dtype` (a `DType` raw value such as `"bfloat16"`).
    /// Gradients pass through unchanged (in float32).
    public static let toDType = OpSpec(
        name: "to_dtype", arity: .exactly(1),
        forward: { x, a in
            guard let dtype = DType(rawValue: a.string("dtype")) else {
                throw TensorError.invalidArgument(op: "to", reason: "unknown dtype '\(a.string("dtype"))'")
            }
            return OpResult(x[0].materialized(dtype: dtype))
        },
        backward: { c in [c.gradOutput] },
        label: { a in "to(\(a.string("dtype")))" })

    /// The inputs joined along attribute `dim`; all other sizes and the dtypes must agree.
    public static let cat = OpSpec(
        name: "cat", arity: .atLeast(1),
        forward: { x, a in OpResult(try ShapeKernels.cat(x, dim: a.int("dim"))) },
        backward: { c in
            let dim = try Shape.normalize(dim: c.attributes.int("dim"), rank: c.inputs[0].rank, op: "cat")
            var start = 0
            return c.inputs.map { input in
                defer { start += input.shape[dim] }
                return ShapeKernels.slice(c.gradOutput, dim: dim, start: start, count: input.shape[dim], step: 1)
            }
        })

    /// The shape ops, for `OpRegistry.all`.
    static let shapeOps: [OpSpec] = [
        .reshape, .permute, .expand, .slice, .contiguous, .toDType, .cat,
    ]
}

/// Reads and resolves the attributes of `OpSpec.slice`.
enum SliceAttributes {
    static func resolve(_ x: Tensor, _ a: OpAttributes) throws -> (Int, Int, Int, Int) {
        let dim = try Shape.normalize(dim: a.int("dim"), rank: x.rank, op: "slice")
        let step = a.int("step", default: 1)
        let start = a["start"] == nil ? nil : a.int("start")
        let end = a["end"] == nil ? nil : a.int("end")
        let (first, count) = try ShapeKernels.sliceBounds(
            start: start, end: end, step: step, size: x.shape[dim], op: "slice")
        return (dim, first, count, step)
    }
}

extension ShapeKernels {
    /// `tensors` joined along `dim` into a new tensor.
    static func cat(_ tensors: [Tensor], dim: Int) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "cat", reason: "expected at least one tensor")
        }
        let axis = try Shape.normalize(dim: dim, rank: first.rank, op: "cat")
        var shape = first.shape
        var total = 0
        for tensor in tensors {
            guard tensor.dtype == first.dtype else {
                throw TensorError.dtypeMismatch(op: "cat", lhs: first.dtype, rhs: tensor.dtype)
            }
            guard tensor.rank == first.rank,
                tensor.shape.enumerated().allSatisfy({ $0.offset == axis || $0.element == first.shape[$0.offset] })
            else { throw TensorError.shapeMismatch(op: "cat", lhs: first.shape, rhs: tensor.shape) }
            let (sum, overflow) = total.addingReportingOverflow(tensor.shape[axis])
            guard !overflow else { throw TensorError.sizeOverflow(op: "cat", shape: shape) }
            total = sum
        }
        shape[axis] = total
        let output = try Tensor(zeros: shape, dtype: first.dtype)
        var start = 0
        for tensor in tensors {
            let region = slice(output, dim: axis, start: start, count: tensor.shape[axis], step: 1)
            try region.copy(from: tensor)
            start += tensor.shape[axis]
        }
        return output
    }
}
