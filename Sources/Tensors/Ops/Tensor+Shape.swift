/// Shape methods: views, copies, joins and splits, all through the shape `OpSpec`s.
extension Tensor {
    /// The tensor with `shape` (one -1 inferred): a view when contiguous, else a copy.
    /// - Throws: `TensorError.invalidShape` when the element counts differ.
    public func reshape(_ shape: [Int]) throws -> Tensor {
        try OpSpec.reshape.apply([self], ["shape": .ints(shape)])
    }

    /// A view with `shape`; never copies.
    /// - Throws: `TensorError.notViewable` for a non-contiguous tensor, shape errors.
    public func view(_ shape: [Int]) throws -> Tensor {
        guard isContiguous else { throw TensorError.notViewable(op: "view", shape: self.shape, strides: strides) }
        return try reshape(shape)
    }

    /// The dims reordered: `result.shape[i] == shape[dims[i]]` (a view).
    public func permute(_ dims: [Int]) throws -> Tensor {
        try OpSpec.permute.apply([self], ["dims": .ints(dims)])
    }

    /// Dims `dim0` and `dim1` swapped (a view).
    public func transpose(_ dim0: Int, _ dim1: Int) throws -> Tensor {
        let first = try Shape.normalize(dim: dim0, rank: rank, op: "transpose")
        let second = try Shape.normalize(dim: dim1, rank: rank, op: "transpose")
        var dims = Array(0..<rank)
        dims.swapAt(first, second)
        return try permute(dims)
    }

    /// All dims reversed (`t.T`); a 2-D matrix transposed. A view.
    public func transposed() throws -> Tensor {
        rank < 2 ? self : try permute(Array((0..<rank).reversed()))
    }

    /// The tensor broadcast to `shape` without copying (-1 keeps a size).
    public func expand(_ shape: [Int]) throws -> Tensor {
        try OpSpec.expand.apply([self], ["shape": .ints(shape)])
    }

    /// Python-style `start:end:step` along `dim` (negative indices count from the end).
    /// - Throws: `TensorError.invalidDimension`, `.invalidArgument` for a zero step.
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) throws -> Tensor {
        var attributes: OpAttributes = ["dim": .int(dim), "step": .int(step)]
        if let start { attributes["start"] = .int(start) }
        if let end { attributes["end"] = .int(end) }
        return try OpSpec.slice.apply([self], attributes)
    }

    /// The slice at `index` along `dim`, with that dim removed (`t[:, i]`).
    /// - Throws: `TensorError.indexOutOfRange`, `.invalidDimension`.
    public func select(dim: Int, index: Int) throws -> Tensor {
        let axis = try Shape.normalize(dim: dim, rank: rank, op: "select")
        let size = shape[axis]
        let resolved = index < 0 ? index + size : index
        guard resolved >= 0, resolved < size else {
            throw TensorError.indexOutOfRange(op: "select", index: index, size: size)
        }
        let sliced = try slice(dim: axis, start: resolved, end: resolved + 1)
        var newShape = shape
        newShape.remove(at: axis)
        return try sliced.reshape(newShape)
    }

    /// A new size-1 dim at `dim` (`-1` appends).
    public func unsqueeze(_ dim: Int) throws -> Tensor {
        let axis = try Shape.normalize(dim: dim, rank: rank + 1, op: "unsqueeze")
        var newShape = shape
        newShape.insert(1, at: axis)
        return try reshape(newShape)
    }

    /// Size-1 dims removed: only `dim` when given (if its size is 1), else all.
    public func squeeze(_ dim: Int? = nil) throws -> Tensor {
        if let dim {
            let axis = try Shape.normalize(dim: dim, rank: rank, op: "squeeze")
            guard shape[axis] == 1 else { return self }
            var newShape = shape
            newShape.remove(at: axis)
            return try reshape(newShape)
        }
        return try reshape(shape.filter { $0 != 1 })
    }

    /// Dims `startDim ... endDim` merged into one.
    public func flatten(startDim: Int = 0, endDim: Int = -1) throws -> Tensor {
        if rank == 0 { return try reshape([1]) }
        let first = try Shape.normalize(dim: startDim, rank: rank, op: "flatten")
        let last = try Shape.normalize(dim: endDim, rank: rank, op: "flatten")
        guard first <= last else {
            throw TensorError.invalidArgument(op: "flatten", reason: "start dim \(startDim) is after end dim \(endDim)")
        }
        let merged = try Shape.count(Array(shape[first...last]), op: "flatten")
        return try reshape(Array(shape[..<first]) + [merged] + Array(shape[(last + 1)...]))
    }

    /// A contiguous tensor with the same values (self when already contiguous).
    public func contiguous() throws -> Tensor {
        isContiguous ? self : try OpSpec.contiguous.apply([self])
    }

    /// The tensor converted to `dtype` (self when already of that dtype).
    public func to(_ dtype: DType) throws -> Tensor {
        dtype == self.dtype ? self : try OpSpec.toDType.apply([self], ["dtype": .string(dtype.rawValue)])
    }

    /// `tensors` joined along `dim`.
    /// - Throws: `TensorError.shapeMismatch`, `.dtypeMismatch`, `.invalidArgument` when empty.
    public static func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard !tensors.isEmpty else {
            throw TensorError.invalidArgument(op: "cat", reason: "expected at least one tensor")
        }
        return try OpSpec.cat.apply(tensors, ["dim": .int(dim)])
    }

    /// `tensors` (all the same shape) stacked along a new dim `dim`.
    public static func stack(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
        guard let first = tensors.first else {
            throw TensorError.invalidArgument(op: "stack", reason: "expected at least one tensor")
        }
        for tensor in tensors where tensor.shape != first.shape {
            throw TensorError.shapeMismatch(op: "stack", lhs: first.shape, rhs: tensor.shape)
        }
        return try cat(tensors.map { try $0.unsqueeze(dim) }, dim: dim)
    }

    /// Pieces of `size` along `dim` (the last may be smaller), as views.
    public func split(size: Int, dim: Int = 0) throws -> [Tensor] {
        guard size > 0 else { throw TensorError.invalidArgument(op: "split", reason: "split size must be positive") }
        let axis = try Shape.normalize(dim: dim, rank: rank, op: "split")
        let total = shape[axis]
        return try stride(from: 0, to: Swift.max(total, 1), by: size).map {
            try slice(dim: axis, start: $0, end: Swift.min($0 + size, total))
        }
    }

    /// Pieces of the given `sizes` along `dim`, which must add up to its size.
    public func split(sizes: [Int], dim: Int = 0) throws -> [Tensor] {
        let axis = try Shape.normalize(dim: dim, rank: rank, op: "split")
        guard sizes.allSatisfy({ $0 >= 0 }), sizes.reduce(0, &+) == shape[axis] else {
            throw TensorError.invalidArgument(
                op: "split", reason: "sizes \(sizes) do not add up to \(shape[axis])")
        }
        var start = 0
        return try sizes.map { size in
            defer { start += size }
            return try slice(dim: axis, start: start, end: start + size)
        }
    }

    /// `count` nearly equal pieces along `dim` (`torch.chunk`).
    public func chunk(_ count: Int, dim: Int = 0) throws -> [Tensor] {
        guard count > 0 else { throw TensorError.invalidArgument(op: "chunk", reason: "chunk count must be positive") }
        let axis = try Shape.normalize(dim: dim, rank: rank, op: "chunk")
        return try split(size: Swift.max(1, (shape[axis] + count - 1) / count), dim: axis)
    }

    /// The matrix product with PyTorch's rules: 1-D operands are promoted (and the
    /// added dim removed), batch dims broadcast. `[..., M, K] @ [..., K, N]`.
    /// - Throws: `TensorError.shapeMismatch` naming both shapes.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank >= 1, other.rank >= 1 else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: other.shape)
        }
        let left = rank == 1 ? try unsqueeze(0) : self
        let right = other.rank == 1 ? try other.unsqueeze(1) : other
        guard left.shape[left.rank - 1] == right.shape[right.rank - 2] else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: shape, rhs: other.shape)
        }
        var result = try OpSpec.matmul.apply([left, right])
        if other.rank == 1 { result = try result.squeeze(-1) }
        if rank == 1 { result = try result.squeeze(result.rank == 1 ? 0 : -2) }
        return result
    }
}
