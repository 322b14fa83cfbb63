/// Indexing ops: index_select, gather, where, and the comparisons that make masks.
/// Index tensors are int64/int32 and never get gradients.
extension OpSpec {
    /// `x` keeping, along attribute `dim`, the slices at the 1-D int `index` (may repeat).
    public static let indexSelect = OpSpec(
        name: "index_select", arity: .exactly(2),
        forward: { x, a in
            let dim = try Shape.normalize(dim: a.int("dim"), rank: x[0].rank, op: "index_select")
            let positions = try IndexKernels.positions(x[1], size: x[0].shape[dim], op: "index_select")
            guard x[1].rank <= 1 else {
                throw TensorError.invalidShape(op: "index_select", shape: x[1].shape, reason: "index must be 1-D")
            }
            return OpResult(ShapeKernels.gatherAlong(x[0], dim: dim, positions: positions))
        },
        backward: { c in
            let x = c.inputs[0]
            let dim = try Shape.normalize(dim: c.attributes.int("dim"), rank: x.rank, op: "index_select")
            let positions = try IndexKernels.positions(c.inputs[1], size: x.shape[dim], op: "index_select")
            let gradient = try Tensor(zeros: x.shape)
            for (source, target) in positions.enumerated() {
                let from = ShapeKernels.slice(c.gradOutput, dim: dim, start: source, count: 1, step: 1)
                let to = ShapeKernels.slice(gradient, dim: dim, start: target, count: 1, step: 1)
                IndexKernels.accumulate(into: to, from)
            }
            return [gradient, nil]
        })

    /// `out[i][j][k] = x[i][index[i][j][k]][k]` for attribute `dim == 1` (any rank);
    /// `index` has x's rank and sizes no larger than x's outside `dim`.
    public static let gather = OpSpec(
        name: "gather", arity: .exactly(2),
        forward: { x, a in OpResult(try IndexKernels.gather(x[0], x[1], dim: a.int("dim"))) },
        backward: { c in
            [try IndexKernels.scatterAdd(c.gradOutput, c.inputs[1], dim: c.attributes.int("dim"), shape: c.inputs[0].shape), nil]
        })

    /// `condition != 0 ? a : b`, broadcasting all three.
    public static let whereSelect = OpSpec(
        name: "where", arity: .exactly(3),
        forward: { x, _ in
            try Elementwise.requireFloat(x[1], op: "where")
            try Elementwise.requireFloat(x[2], op: "where")
            return OpResult(try Elementwise.zip3(x[0], x[1], x[2], op: "where") { $0 != 0 ? $1 : $2 })
        },
        backward: { c in
            let g = c.gradOutput
            return [
                nil,
                c.inputs[1].requiresGrad ? try Elementwise.zip(c.inputs[0], g, op: "where") { $0 != 0 ? $1 : 0 } : nil,
                c.inputs[2].requiresGrad ? try Elementwise.zip(c.inputs[0], g, op: "where") { $0 != 0 ? 0 : $1 } : nil,
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `a == b` as 1/0 float32, broadcasting (no gradient).
    public static let equal = comparison("eq") { $0 == $1 }
    /// `a != b` as 1/0 float32.
    public static let notEqual = comparison("ne") { $0 != $1 }
    /// `a < b` as 1/0 float32.
    public static let less = comparison("lt") { $0 < $1 }
    /// `a <= b` as 1/0 float32.
    public static let lessOrEqual = comparison("le") { $0 <= $1 }
    /// `a > b` as 1/0 float32.
    public static let greater = comparison("gt") { $0 > $1 }
    /// `a >= b` as 1/0 float32.
    public static let greaterOrEqual = comparison("ge") { $0 >= $1 }

    static func comparison(_ name: String, _ test: @escaping @Sendable (Float, Float) -> Bool) -> OpSpec {
        OpSpec(
            name: name, arity: .exactly(2),
            forward: { x, _ in
                let (a, b) = (x[0].dtype.isFloatingPoint ? x[0] : x[0].materialized(dtype: .float32),
                              x[1].dtype.isFloatingPoint ? x[1] : x[1].materialized(dtype: .float32))
                return OpResult(try Elementwise.zip(a, b, op: name) { test($0, $1) ? 1 : 0 })
            },
            backward: nil, cost: OpCost.elementwise(flopsPerElement: 1))
    }

    /// The indexing ops, for `OpRegistry.all`.
    static let indexingOps: [OpSpec] = [
        .indexSelect, .gather, .whereSelect, .equal, .notEqual, .less, .lessOrEqual, .greater,
        .greaterOrEqual,
    ]
}

/// Index validation and scatter/gather loops.
enum IndexKernels {
    /// The values of an int index tensor, each checked against `0 ..< size`.
    static func positions(_ index: Tensor, size: Int, op: String) throws -> [Int] {
        guard !index.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: op, dtype: index.dtype) }
        let values = index.toIntArray()
        for value in values where value < 0 || value >= size {
            throw TensorError.indexOutOfRange(op: op, index: value, size: size)
        }
        return values
    }

    /// `target += source` elementwise (same shapes; `target` float32 and writable).
    static func accumulate(into target: Tensor, _ source: Tensor) {
        let input = source.dtype == .float32 ? source : source.materialized(dtype: .float32)
        let (pt, ps) = (target.storage.floats, input.storage.floats)
        StridedLoop.forEachRun(
            shape: target.shape, strides: [target.strides, input.strides],
            offsets: [target.offset, input.offset]
        ) { offsets, count, inner in
            var (t, s) = (offsets[0], offsets[1])
            for _ in 0..<count {
                pt[t] += ps[s]
                t += inner[0]
                s += inner[1]
            }
        }
    }

    /// Checks a gather/scatter index against `shape` and returns (dim, index values).
    static func checkGather(_ shape: [Int], _ index: Tensor, dim: Int, op: String) throws -> (Int, [Int]) {
        let axis = try Shape.normalize(dim: dim, rank: Swift.max(shape.count, 1), op: op)
        guard index.rank == shape.count, !shape.isEmpty else {
            throw TensorError.shapeMismatch(op: op, lhs: shape, rhs: index.shape)
        }
        for d in 0..<shape.count where d != axis && index.shape[d] > shape[d] {
            throw TensorError.shapeMismatch(op: op, lhs: shape, rhs: index.shape)
        }
        return (axis, try positions(index, size: shape[axis], op: op))
    }

    /// The storage offset, in a contiguous tensor of `shape`, of each element of
    /// `index` with its `dim` coordinate replaced by the index value.
    static func targetOffsets(shape: [Int], indexShape: [Int], values: [Int], dim: Int) -> [Int] {
        let strides = Shape.contiguousStrides(shape)
        var coordinate = [Int](repeating: 0, count: indexShape.count)
        var offsets = [Int](repeating: 0, count: values.count)
        for position in 0..<values.count {
            var offset = 0
            for d in 0..<indexShape.count {
                offset += (d == dim ? values[position] : coordinate[d]) * strides[d]
            }
            offsets[position] = offset
            var d = indexShape.count - 1
            while d >= 0 {
                coordinate[d] += 1
                if coordinate[d] < indexShape[d] { break }
                coordinate[d] = 0
                d -= 1
            }
        }
        return offsets
    }

    static func gather(_ x: Tensor, _ index: Tensor, dim: Int) throws -> Tensor {
        try Elementwise.requireFloat(x, op: "gather")
        let (axis, values) = try checkGather(x.shape, index, dim: dim, op: "gather")
        let input = x.contiguousFloat32()
        let offsets = targetOffsets(shape: x.shape, indexShape: index.shape, values: values, dim: axis)
        let output = try Tensor(zeros: index.shape)
        let (source, target) = (input.storage.floats + input.offset, output.storage.floats)
        for (position, offset) in offsets.enumerated() { target[position] = source[offset] }
        return output
    }

    static func scatterAdd(_ gradient: Tensor, _ index: Tensor, dim: Int, shape: [Int]) throws -> Tensor {
        let (axis, values) = try checkGather(shape, index, dim: dim, op: "gather")
        let g = gradient.contiguousFloat32()
        let offsets = targetOffsets(shape: shape, indexShape: index.shape, values: values, dim: axis)
        let result = try Tensor(zeros: shape)
        let (source, target) = (g.storage.floats + g.offset, result.storage.floats)
        for (position, offset) in offsets.enumerated() { target[offset] += source[position] }
        return result
    }
}

extension Tensor {
    /// The slices at `index` (1-D ints) along `dim`.
    /// - Throws: `TensorError.indexOutOfRange`, `.unsupportedDType` for a float index.
    public func indexSelect(dim: Int, index: Tensor) throws -> Tensor {
        try OpSpec.indexSelect.apply([self, index], ["dim": .int(dim)])
    }

    /// Values picked along `dim` by `index` (same rank as self), as `torch.gather`.
    public func gather(dim: Int, index: Tensor) throws -> Tensor {
        try OpSpec.gather.apply([self, index], ["dim": .int(dim)])
    }

    /// `condition != 0 ? a : b`, broadcasting (`torch.where`).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try OpSpec.whereSelect.apply([condition, a, b])
    }

    /// `value` where `mask` is non-zero, self elsewhere (mask broadcasts to self).
    public func maskedFill(_ mask: Tensor, value: Float) throws -> Tensor {
        let target = try Shape.broadcast(shape, mask.shape, op: "masked_fill")
        guard target == shape else { throw TensorError.shapeMismatch(op: "masked_fill", lhs: shape, rhs: mask.shape) }
        return try Tensor.where(mask, Tensor(value), self)
    }

    /// `self == other` as 1/0 float32, broadcasting.
    public func eq(_ other: Tensor) throws -> Tensor { try OpSpec.equal.apply([self, other]) }
    /// `self != other` as 1/0 float32.
    public func ne(_ other: Tensor) throws -> Tensor { try OpSpec.notEqual.apply([self, other]) }
    /// `self < other` as 1/0 float32.
    public func lt(_ other: Tensor) throws -> Tensor { try OpSpec.less.apply([self, other]) }
    /// `self <= other` as 1/0 float32.
    public func le(_ other: Tensor) throws -> Tensor { try OpSpec.lessOrEqual.apply([self, other]) }
    /// `self > other` as 1/0 float32.
    public func gt(_ other: Tensor) throws -> Tensor { try OpSpec.greater.apply([self, other]) }
    /// `self >= other` as 1/0 float32.
    public func ge(_ other: Tensor) throws -> Tensor { try OpSpec.greaterOrEqual.apply([self, other]) }
}
