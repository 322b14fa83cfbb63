/// View arithmetic for the shape ops (off the tape).
enum ShapeKernels {
    /// `x` with `shape` (one -1 allowed): a view when `x` is contiguous, else a copy.
    static func reshape(_ x: Tensor, to requested: [Int], op: String) throws -> Tensor {
        let shape = try Shape.infer(requested, count: x.count, from: x.shape, op: op)
        if shape == x.shape { return x.detach() }
        let base = x.isContiguous ? x : x.materialized(dtype: x.dtype)
        return base.view(shape: shape, strides: Shape.contiguousStrides(shape), offset: base.offset)
    }

    /// `x` with dims reordered: `result.shape[i] == x.shape[dims[i]]` (a view).
    static func permute(_ x: Tensor, dims: [Int], op: String) throws -> Tensor {
        guard dims.count == x.rank else {
            throw TensorError.invalidArgument(
                op: op, reason: "expected \(x.rank) dims for shape \(x.shape), got \(dims)")
        }
        let resolved = try dims.map { try Shape.normalize(dim: $0, rank: x.rank, op: op) }
        guard Set(resolved).count == resolved.count else {
            throw TensorError.invalidArgument(op: op, reason: "dims \(dims) repeat")
        }
        return x.view(
            shape: resolved.map { x.shape[$0] }, strides: resolved.map { x.strides[$0] },
            offset: x.offset)
    }

    /// `x` broadcast to `shape` without copying (-1 keeps a size).
    static func expand(_ x: Tensor, to requested: [Int], op: String) throws -> Tensor {
        guard requested.count >= x.rank else {
            throw TensorError.shapeMismatch(op: op, lhs: x.shape, rhs: requested)
        }
        let shift = requested.count - x.rank
        var shape = requested
        for index in 0..<requested.count {
            if requested[index] == -1 {
                guard index >= shift else {
                    throw TensorError.invalidShape(op: op, shape: requested, reason: "-1 in a new leading dimension")
                }
                shape[index] = x.shape[index - shift]
            }
        }
        _ = try Shape.count(shape, op: op)
        for index in 0..<x.rank where x.shape[index] != 1 && x.shape[index] != shape[index + shift] {
            throw TensorError.shapeMismatch(op: op, lhs: x.shape, rhs: requested)
        }
        let strides = Shape.broadcastStrides(shape: x.shape, strides: x.strides, to: shape)
        return x.view(shape: shape, strides: strides, offset: x.offset)
    }

    /// The resolved bounds of a Python-style slice `start:end:step` over `size`.
    static func sliceBounds(start: Int?, end: Int?, step: Int, size: Int, op: String) throws
        -> (start: Int, count: Int)
    {
        guard step != 0 else { throw TensorError.invalidArgument(op: op, reason: "slice step cannot be zero") }
        func clamp(_ value: Int, low: Int, high: Int) -> Int { Swift.min(Swift.max(value, low), high) }
        guard step != Int.min else {
            throw TensorError.invalidArgument(op: op, reason: "slice step \(step) is out of range")
        }
        if step > 0 {
            let s = start.map { $0 < 0 ? clamp($0 + size, low: 0, high: size) : clamp($0, low: 0, high: size) } ?? 0
            let e = end.map { $0 < 0 ? clamp($0 + size, low: 0, high: size) : clamp($0, low: 0, high: size) } ?? size
            let count = e > s ? (e - s - 1) / step + 1 : 0
            return (s, count)
        }
        let s = start.map { $0 < 0 ? clamp($0 + size, low: -1, high: size - 1) : clamp($0, low: -1, high: size - 1) } ?? size - 1
        let e = end.map { $0 < 0 ? clamp($0 + size, low: -1, high: size - 1) : clamp($0, low: -1, high: size - 1) } ?? -1
        let count = s > e ? (s - e - 1) / (-step) + 1 : 0
        return (s, count)
    }

    /// A view of `x` along `dim` from `start` by `step` for `count` elements.
    static func slice(_ x: Tensor, dim: Int, start: Int, count: Int, step: Int) -> Tensor {
        var shape = x.shape
        var strides = x.strides
        shape[dim] = count
        let offset = count == 0 ? x.offset : x.offset + start * x.strides[dim]
        strides[dim] = x.strides[dim] * step
        if step < 0 {
            // Negative strides are not representable: materialise the reversed view.
            var reversed = [Int](repeating: 0, count: count)
            for index in 0..<count { reversed[index] = start + index * step }
            return gatherAlong(x, dim: dim, positions: reversed)
        }
        return x.view(shape: shape, strides: strides, offset: offset)
    }

    /// A copy of `x` keeping, along `dim`, the slices at `positions` (validated).
    static func gatherAlong(_ x: Tensor, dim: Int, positions: [Int]) -> Tensor {
        var shape = x.shape
        shape[dim] = positions.count
        let output = Tensor(
            unchecked: TensorStorage(dtype: x.dtype, validCount: shape.reduce(1, *)), shape: shape,
            strides: Shape.contiguousStrides(shape), offset: 0, count: shape.reduce(1, *))
        for (target, source) in positions.enumerated() {
            let from = x.view(
                shape: x.shape.enumerated().map { $0.offset == dim ? 1 : $0.element },
                strides: x.strides, offset: x.offset + source * x.strides[dim])
            let to = output.view(
                shape: from.shape, strides: output.strides, offset: target * output.strides[dim])
            try? to.copy(from: from)  // same shapes, fresh writable storage: cannot fail
        }
        return output
    }
}
