import Foundation

/// Softmax and log-softmax over one dim (attribute `dim`), computed row by row with
/// the maximum subtracted; rows run in parallel.
extension OpSpec {
    /// `exp(x - max) / sum(exp(x - max))` along `dim`.
    public static let softmax = OpSpec(
        name: "softmax", arity: .exactly(1),
        forward: { x, a in OpResult(try SoftmaxKernel.forward(x[0], dim: a.int("dim", default: -1), log: false)) },
        backward: { c in
            // dx = y * (g - sum(g * y))
            [try SoftmaxKernel.backward(c.gradOutput, c.output, dim: c.attributes.int("dim", default: -1), log: false)]
        },
        cost: OpCost.elementwise(flopsPerElement: 12))

    /// `x - max - log(sum(exp(x - max)))` along `dim`.
    public static let logSoftmax = OpSpec(
        name: "log_softmax", arity: .exactly(1),
        forward: { x, a in OpResult(try SoftmaxKernel.forward(x[0], dim: a.int("dim", default: -1), log: true)) },
        backward: { c in
            // dx = g - exp(y) * sum(g)
            [try SoftmaxKernel.backward(c.gradOutput, c.output, dim: c.attributes.int("dim", default: -1), log: true)]
        },
        cost: OpCost.elementwise(flopsPerElement: 12))
}

/// Row kernels for softmax: the op's dim is moved last (a copy only when it is not).
enum SoftmaxKernel {
    /// `t` with `dim` swapped to the end, contiguous float32.
    static func moveLast(_ t: Tensor, dim: Int) -> Tensor {
        if dim == t.rank - 1 { return t.contiguousFloat32() }
        var dims = Array(0..<t.rank)
        dims.swapAt(dim, t.rank - 1)
        return t.view(shape: dims.map { t.shape[$0] }, strides: dims.map { t.strides[$0] }, offset: t.offset)
            .materialized(dtype: .float32)
    }

    /// Undoes `moveLast` on a result (a view).
    static func moveBack(_ t: Tensor, dim: Int) -> Tensor {
        t.transposed(dim, t.rank - 1)
    }

    static func forward(_ x: Tensor, dim: Int, log: Bool) throws -> Tensor {
        try Elementwise.requireFloat(x, op: log ? "log_softmax" : "softmax")
        if x.rank == 0 { return try Tensor.full([], value: log ? 0 : 1) }
        let axis = try Shape.normalize(dim: dim, rank: x.rank, op: log ? "log_softmax" : "softmax")
        let input = moveLast(x, dim: axis)
        let output = try Tensor(zeros: input.shape)
        let n = input.shape[input.rank - 1]
        guard n > 0 else { return moveBack(output, dim: axis) }
        let rows = input.count / n
        let source = input.storage.floats + input.offset
        let target = output.storage.floats
        Parallel.forEachChunk(count: rows, minimumChunk: Swift.max(1, 16_384 / n)) { range in
            for row in range {
                let a = source + row * n
                let y = target + row * n
                var maximum = -Float.infinity
                for i in 0..<n { maximum = Swift.max(maximum, a[i]) }
                if maximum == -.infinity { maximum = 0 }
                var total: Float = 0
                for i in 0..<n {
                    let e = Foundation.exp(a[i] - maximum)
                    y[i] = e
                    total += e
                }
                if log {
                    let shift = maximum + Foundation.log(total)
                    for i in 0..<n { y[i] = a[i] - shift }
                } else {
                    let scale = 1 / total
                    for i in 0..<n { y[i] *= scale }
                }
            }
        }
        return moveBack(output, dim: axis)
    }

    static func backward(_ gradient: Tensor, _ output: Tensor, dim: Int, log: Bool) throws -> Tensor {
        if output.rank == 0 { return try Tensor(zeros: []) }
        let axis = try Shape.normalize(dim: dim, rank: output.rank, op: "softmax")
        let g = moveLast(gradient, dim: axis)
        let y = moveLast(output, dim: axis)
        let result = try Tensor(zeros: y.shape)
        let n = y.shape[y.rank - 1]
        guard n > 0 else { return moveBack(result, dim: axis) }
        let rows = y.count / n
        let (pg, py, pr) = (g.storage.floats + g.offset, y.storage.floats + y.offset, result.storage.floats)
        Parallel.forEachChunk(count: rows, minimumChunk: Swift.max(1, 16_384 / n)) { range in
            for row in range {
                let (gr, yr, dr) = (pg + row * n, py + row * n, pr + row * n)
                var total: Float = 0
                if log {
                    for i in 0..<n { total += gr[i] }
                    for i in 0..<n { dr[i] = gr[i] - Foundation.exp(yr[i]) * total }
                } else {
                    for i in 0..<n { total += gr[i] * yr[i] }
                    for i in 0..<n { dr[i] = yr[i] * (gr[i] - total) }
                }
            }
        }
        return moveBack(result, dim: axis)
    }
}

extension Tensor {
    /// A view with dims `a` and `b` swapped (both valid).
    func transposed(_ a: Int, _ b: Int) -> Tensor {
        var shape = self.shape
        var strides = self.strides
        shape.swapAt(a, b)
        strides.swapAt(a, b)
        return view(shape: shape, strides: strides, offset: offset)
    }

    /// Softmax along `dim`. - Throws: `TensorError.invalidDimension`, dtype errors.
    public func softmax(dim: Int = -1) throws -> Tensor {
        try OpSpec.softmax.apply([self], ["dim": .int(dim)])
    }

    /// Log-softmax along `dim`. - Throws: as `softmax`.
    public func logSoftmax(dim: Int = -1) throws -> Tensor {
        try OpSpec.logSoftmax.apply([self], ["dim": .int(dim)])
    }
}
