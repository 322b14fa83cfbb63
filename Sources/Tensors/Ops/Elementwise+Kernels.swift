/// Elementwise kernels over Float32 (off the tape): the forward and backward bodies of
/// the elementwise ops. Inputs of any float dtype and any strides are read; outputs are
/// new contiguous float32 tensors. Binary and ternary forms broadcast as PyTorch does.
enum Elementwise {
    /// Elements per thread below which a loop stays on one thread.
    static let parallelGrain = 32_768

    /// Throws unless `tensor` holds floats.
    static func requireFloat(_ tensor: Tensor, op: String) throws {
        guard tensor.dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: op, dtype: tensor.dtype)
        }
    }

    /// `f` applied to each element of `x`.
    @inline(__always)
    static func map(_ x: Tensor, op: String, _ f: (Float) -> Float) throws -> Tensor {
        try requireFloat(x, op: op)
        // The output first: an impossible size throws before the input is copied.
        let output = Tensor(
            unchecked: try TensorStorage(uninitialized: .float32, count: x.count), shape: x.shape,
            strides: Shape.contiguousStrides(x.shape), offset: 0, count: x.count)
        let input = x.contiguousFloat32()
        let source = input.storage.floats + input.offset
        let target = output.storage.floats
        Parallel.forEachChunk(count: x.count, minimumChunk: parallelGrain) { range in
            for index in range { target[index] = f(source[index]) }
        }
        return output
    }

    /// `f(a, b)` elementwise over the broadcast of `a` and `b`.
    @inline(__always)
    static func zip(_ a: Tensor, _ b: Tensor, op: String, _ f: (Float, Float) -> Float) throws
        -> Tensor
    {
        try requireFloat(a, op: op)
        try requireFloat(b, op: op)
        let shape = try Shape.broadcast(a.shape, b.shape, op: op)
        let count = try Shape.count(shape, op: op)
        let output = Tensor(
            unchecked: try TensorStorage(uninitialized: .float32, count: count), shape: shape,
            strides: Shape.contiguousStrides(shape), offset: 0, count: count)
        let target = output.storage.floats
        let left = a.dtype == .float32 ? a : a.contiguousFloat32()
        let right = b.dtype == .float32 ? b : b.contiguousFloat32()
        let lhs = left.storage.floats
        let rhs = right.storage.floats
        if left.shape == shape && right.shape == shape && left.isContiguous && right.isContiguous {
            let l = lhs + left.offset
            let r = rhs + right.offset
            Parallel.forEachChunk(count: count, minimumChunk: parallelGrain) { range in
                for index in range { target[index] = f(l[index], r[index]) }
            }
        } else if left.shape == shape && left.isContiguous && right.count == 1 {
            let l = lhs + left.offset
            let scalar = rhs[right.offset]
            Parallel.forEachChunk(count: count, minimumChunk: parallelGrain) { range in
                for index in range { target[index] = f(l[index], scalar) }
            }
        } else if right.shape == shape && right.isContiguous && left.count == 1 {
            let r = rhs + right.offset
            let scalar = lhs[left.offset]
            Parallel.forEachChunk(count: count, minimumChunk: parallelGrain) { range in
                for index in range { target[index] = f(scalar, r[index]) }
            }
        } else {
            let strides = [
                Shape.contiguousStrides(shape),
                Shape.broadcastStrides(shape: left.shape, strides: left.strides, to: shape),
                Shape.broadcastStrides(shape: right.shape, strides: right.strides, to: shape),
            ]
            let offsets = [0, left.offset, right.offset]
            func run(_ runShape: [Int], _ starts: [Int]) {
                StridedLoop.forEachRun(shape: runShape, strides: strides, offsets: starts) {
                    offsets, run, inner in
                    var (o, i, j) = (offsets[0], offsets[1], offsets[2])
                    for _ in 0..<run {
                        target[o] = f(lhs[i], rhs[j])
                        o += inner[0]
                        i += inner[1]
                        j += inner[2]
                    }
                }
            }
            if shape.count >= 2 && shape[0] > 1 && count >= 2 * parallelGrain {
                // Chunks of the outermost dim write disjoint rows of the contiguous output.
                let perRow = Swift.max(1, count / shape[0])
                Parallel.forEachChunk(count: shape[0], minimumChunk: Swift.max(1, parallelGrain / perRow)) {
                    range in
                    var chunkShape = shape
                    chunkShape[0] = range.count
                    run(chunkShape, (0..<3).map { offsets[$0] + range.lowerBound * strides[$0][0] })
                }
            } else {
                run(shape, offsets)
            }
        }
        return output
    }

    /// `f(a, b, c)` elementwise over the broadcast of the three shapes.
    static func zip3(
        _ a: Tensor, _ b: Tensor, _ c: Tensor, op: String, _ f: (Float, Float, Float) -> Float
    ) throws -> Tensor {
        let shape = try Shape.broadcast(
            try Shape.broadcast(a.shape, b.shape, op: op), c.shape, op: op)
        let count = try Shape.count(shape, op: op)
        let operands = [a, b, c].map { $0.dtype == .float32 ? $0 : $0.materialized(dtype: .float32) }
        let output = Tensor(
            unchecked: try TensorStorage(uninitialized: .float32, count: count), shape: shape,
            strides: Shape.contiguousStrides(shape), offset: 0, count: count)
        let target = output.storage.floats
        let (pa, pb, pc) = (
            operands[0].storage.floats, operands[1].storage.floats, operands[2].storage.floats
        )
        let strides =
            [Shape.contiguousStrides(shape)]
            + operands.map {
                Shape.broadcastStrides(shape: $0.shape, strides: $0.strides, to: shape)
            }
        StridedLoop.forEachRun(
            shape: shape, strides: strides, offsets: [0] + operands.map(\.offset)
        ) { offsets, run, inner in
            var (o, i, j, k) = (offsets[0], offsets[1], offsets[2], offsets[3])
            for _ in 0..<run {
                target[o] = f(pa[i], pb[j], pc[k])
                o += inner[0]
                i += inner[1]
                j += inner[2]
                k += inner[3]
            }
        }
        return output
    }

    /// `a + b` off the tape (used by the tape walker to accumulate gradients).
    static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try zip(a, b, op: "add") { $0 + $1 }
    }
}
