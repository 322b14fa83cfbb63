/// Reduction kernels (off the tape). A reduction over a set of dims sees its input as
/// `[outer, n, inner]`: the reduced dims, when adjacent, are the middle block of a
/// contiguous tensor; otherwise they are permuted to the end first (one copy).
enum Reduction {
    /// The input arranged for reduction, and the output shapes.
    struct Plan {
        var data: Tensor  // contiguous float32, [outer, n, inner]
        var outer: Int
        var n: Int
        var inner: Int
        var keptShape: [Int]  // keepdim=true shape
        var reducedShape: [Int]  // keepdim=false shape
    }

    /// Validates and sorts `dims` (empty means all).
    static func normalize(dims: [Int], rank: Int, op: String) throws -> [Int] {
        if dims.isEmpty { return Array(0..<rank) }
        var seen = Set<Int>()
        for dim in dims {
            let resolved = try Shape.normalize(dim: dim, rank: Swift.max(rank, 1), op: op)
            guard seen.insert(resolved).inserted else {
                throw TensorError.invalidArgument(op: op, reason: "dimension \(dim) repeats")
            }
        }
        return seen.sorted().filter { $0 < rank }
    }

    static func plan(_ x: Tensor, dims: [Int], op: String) throws -> Plan {
        try Elementwise.requireFloat(x, op: op)
        let reduced = Set(dims)
        var keptShape = x.shape
        for dim in dims { keptShape[dim] = 1 }
        let reducedShape = x.shape.enumerated().filter { !reduced.contains($0.offset) }.map(\.element)
        let adjacent = dims.isEmpty || dims.last.map { $0 - dims[0] + 1 == dims.count } ?? true
        if adjacent {
            let data = x.contiguousFloat32()
            let first = dims.first ?? 0
            let last = dims.last ?? -1
            let outer = x.shape[..<first].reduce(1, *)
            let n = dims.isEmpty ? 1 : x.shape[first...last].reduce(1, *)
            let inner = x.shape[(last + 1)...].reduce(1, *)
            return Plan(
                data: data, outer: outer, n: n, inner: inner, keptShape: keptShape,
                reducedShape: reducedShape)
        }
        let order = (0..<x.rank).filter { !reduced.contains($0) } + dims
        let permuted = x.view(
            shape: order.map { x.shape[$0] }, strides: order.map { x.strides[$0] }, offset: x.offset)
        let data = permuted.materialized(dtype: .float32)
        let n = dims.map { x.shape[$0] }.reduce(1, *)
        return Plan(
            data: data, outer: reducedShape.reduce(1, *), n: n, inner: 1, keptShape: keptShape,
            reducedShape: reducedShape)
    }

    /// Sums over `dims` (sorted, valid); `scale` multiplies the result (1/n for a mean).
    static func sum(_ x: Tensor, dims: [Int], keepdim: Bool, scale: Float = 1, op: String) throws
        -> Tensor
    {
        let plan = try plan(x, dims: dims, op: op)
        let output = try Tensor(zeros: keepdim ? plan.keptShape : plan.reducedShape)
        let source = plan.data.storage.floats + plan.data.offset
        let target = output.storage.floats
        let (n, inner) = (plan.n, plan.inner)
        if inner == 1 {
            Parallel.forEachChunk(count: plan.outer, minimumChunk: Swift.max(1, 65_536 / Swift.max(n, 1))) {
                range in
                for row in range {
                    var total = 0.0
                    let base = source + row * n
                    for k in 0..<n { total += Double(base[k]) }
                    target[row] = Float(total) * scale
                }
            }
        } else {
            Parallel.forEachChunk(count: plan.outer, minimumChunk: 1) { range in
                for row in range {
                    let out = target + row * inner
                    for k in 0..<n {
                        let base = source + (row * n + k) * inner
                        for i in 0..<inner { out[i] += base[i] }
                    }
                    if scale != 1 { for i in 0..<inner { out[i] *= scale } }
                }
            }
        }
        return output
    }

    /// Maximum over one dim (or all when `dim` is nil): values and int64 indices along it.
    static func max(_ x: Tensor, dim: Int?, keepdim: Bool, op: String) throws -> (Tensor, Tensor) {
        let dims = dim.map { [$0] } ?? Array(0..<x.rank)
        let plan = try plan(x, dims: dims, op: op)
        guard plan.n > 0 else {
            throw TensorError.invalidArgument(op: op, reason: "cannot reduce an empty dimension")
        }
        let shape = keepdim ? plan.keptShape : plan.reducedShape
        let values = try Tensor(zeros: shape)
        let indices = try Tensor(zeros: shape, dtype: .int64)
        let source = plan.data.storage.floats + plan.data.offset
        let target = values.storage.floats
        let positions = indices.storage.baseAddress.assumingMemoryBound(to: Int64.self)
        let (n, inner) = (plan.n, plan.inner)
        for row in 0..<plan.outer {
            for i in 0..<inner {
                var best = source[row * n * inner + i]
                var bestIndex = 0
                if !best.isNaN {
                    for k in 1..<Swift.max(n, 1) {
                        let value = source[(row * n + k) * inner + i]
                        if value > best || value.isNaN {
                            best = value
                            bestIndex = k
                            if value.isNaN { break }
                        }
                    }
                }
                target[row * inner + i] = best
                positions[row * inner + i] = Int64(bestIndex)
            }
        }
        return (values, indices)
    }

    /// Sums `gradient` over the dimensions along which `shape` was broadcast to it, so
    /// the result has exactly `shape` (what the tape walker does for every op).
    /// - Throws: `TensorError.shapeMismatch` when `shape` does not broadcast to the gradient.
    static func sumToShape(_ gradient: Tensor, _ shape: [Int], op: String) throws -> Tensor {
        if gradient.shape == shape { return gradient }
        let lead = gradient.rank - shape.count
        guard lead >= 0 else {
            if gradient.count == OpCost.elements(shape) {
                return try ShapeKernels.reshape(gradient, to: shape, op: op)
            }
            throw TensorError.shapeMismatch(op: op + " backward", lhs: shape, rhs: gradient.shape)
        }
        var dims = Array(0..<lead)
        for index in 0..<shape.count {
            let size = gradient.shape[lead + index]
            if shape[index] == size { continue }
            guard shape[index] == 1 else {
                throw TensorError.shapeMismatch(op: op + " backward", lhs: shape, rhs: gradient.shape)
            }
            dims.append(lead + index)
        }
        let summed = try sum(gradient, dims: dims, keepdim: true, op: op)
        return try ShapeKernels.reshape(summed, to: shape, op: op)
    }
}
