/// Reductions: sum, mean, max and argmax over dims, with or without keeping them.
/// Attributes: `dims` (`.ints`, empty for all) or `dim` (`.int`), and `keepdim`.
extension OpSpec {
    /// The sum over `dims` (all when empty).
    public static let sum = OpSpec(
        name: "sum", arity: .exactly(1),
        forward: { x, a in
            let dims = try Reduction.normalize(dims: a.ints("dims"), rank: x[0].rank, op: "sum")
            return OpResult(try Reduction.sum(x[0], dims: dims, keepdim: a.bool("keepdim"), op: "sum"))
        },
        backward: { c in [try Reduction.expandBack(c, op: "sum", scale: 1)] },
        cost: OpCost.elementwise(flopsPerElement: 0))

    /// The mean over `dims` (all when empty).
    public static let mean = OpSpec(
        name: "mean", arity: .exactly(1),
        forward: { x, a in
            let dims = try Reduction.normalize(dims: a.ints("dims"), rank: x[0].rank, op: "mean")
            let n = dims.map { x[0].shape[$0] }.reduce(1, *)
            return OpResult(
                try Reduction.sum(
                    x[0], dims: dims, keepdim: a.bool("keepdim"), scale: 1 / Float(n), op: "mean"))
        },
        backward: { c in
            let dims = try Reduction.normalize(dims: c.attributes.ints("dims"), rank: c.inputs[0].rank, op: "mean")
            let n = dims.map { c.inputs[0].shape[$0] }.reduce(1, *)
            return [try Reduction.expandBack(c, op: "mean", scale: 1 / Float(n))]
        },
        cost: OpCost.elementwise(flopsPerElement: 0))

    /// The maximum along `dim` (over all elements when the attribute is absent); the
    /// gradient flows to the first maximal element.
    public static let max = OpSpec(
        name: "max", arity: .exactly(1),
        forward: { x, a in
            let dim = try a["dim"].map { _ in try Shape.normalize(dim: a.int("dim"), rank: Swift.max(x[0].rank, 1), op: "max") }
            let (values, indices) = try Reduction.max(
                x[0], dim: x[0].rank == 0 ? nil : dim, keepdim: a.bool("keepdim"), op: "max")
            return OpResult(values, saved: [indices])
        },
        backward: { c in
            let x = c.inputs[0]
            let dim = c.attributes["dim"] == nil || x.rank == 0 ? nil : try Shape.normalize(dim: c.attributes.int("dim"), rank: x.rank, op: "max")
            return [try Reduction.scatterMax(c.gradOutput, indices: c.saved[0], input: x, dim: dim)]
        },
        cost: OpCost.elementwise(flopsPerElement: 0))

    /// The int64 index of the maximum along `dim` (of the flattened tensor when absent).
    public static let argmax = OpSpec(
        name: "argmax", arity: .exactly(1),
        forward: { x, a in
            if a["dim"] == nil {
                let flat = x[0].contiguousFloat32()
                let line = flat.view(shape: [flat.count], strides: [1], offset: flat.offset)
                let (_, indices) = try Reduction.max(line, dim: 0, keepdim: false, op: "argmax")
                return OpResult(indices)
            }
            let dim = try Shape.normalize(dim: a.int("dim"), rank: Swift.max(x[0].rank, 1), op: "argmax")
            let (_, indices) = try Reduction.max(
                x[0], dim: x[0].rank == 0 ? nil : dim, keepdim: a.bool("keepdim"), op: "argmax")
            return OpResult(indices)
        },
        backward: nil)

    /// The reduction ops, for `OpRegistry.all`.
    static let reductionOps: [OpSpec] = [.sum, .mean, .max, .argmax]
}

extension Reduction {
    /// The gradient of a sum/mean: `gradOutput * scale` broadcast back to the input.
    static func expandBack(_ c: BackwardContext, op: String, scale: Float) throws -> Tensor {
        let x = c.inputs[0]
        let dims = try normalize(dims: c.attributes.ints("dims"), rank: x.rank, op: op)
        var kept = x.shape
        for dim in dims { kept[dim] = 1 }
        var gradient = try ShapeKernels.reshape(c.gradOutput, to: kept, op: op)
        if scale != 1 { gradient = try Elementwise.map(gradient, op: op) { $0 * scale } }
        let strides = Shape.broadcastStrides(shape: kept, strides: gradient.strides, to: x.shape)
        return gradient.view(shape: x.shape, strides: strides, offset: gradient.offset)
    }

    /// The gradient of `max`: `gradOutput` placed at each maximum, zero elsewhere.
    static func scatterMax(_ gradient: Tensor, indices: Tensor, input: Tensor, dim: Int?) throws
        -> Tensor
    {
        let result = try Tensor(zeros: input.shape)
        let g = gradient.contiguousFloat32()
        let source = g.storage.floats + g.offset
        let target = result.storage.floats
        let positions = indices.toIntArray()
        let dims = dim.map { [$0] } ?? Array(0..<input.rank)
        let first = dims.first ?? 0
        let last = dims.last ?? -1
        let outer = input.shape[..<first].reduce(1, *)
        let n = dims.isEmpty ? 1 : input.shape[first...last].reduce(1, *)
        let inner = input.shape[(last + 1)...].reduce(1, *)
        for row in 0..<outer {
            for i in 0..<inner {
                let k = positions[row * inner + i]
                target[(row * n + k) * inner + i] += source[row * inner + i]
            }
        }
        return result
    }
}
