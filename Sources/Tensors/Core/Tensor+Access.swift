/// Reading elements out of a tensor and raw buffer access for kernels.
extension Tensor {
    /// The elements in row-major order, converted to Float (O(count)).
    public func toFloatArray() -> [Float] {
        if dtype == .float32 && isContiguous {
            return Array(UnsafeBufferPointer(start: storage.floats + offset, count: count))
        }
        var result = [Float](repeating: 0, count: count)
        result.withUnsafeMutableBufferPointer { out in
            forEachStorageIndex { position, index in out[position] = storage.float(at: index) }
        }
        return result
    }

    /// The elements in row-major order as Float (same as `toFloatArray()`).
    public var scalars: [Float] { toFloatArray() }

    /// The elements in row-major order as Int (floats truncate toward zero).
    public func toIntArray() -> [Int] {
        var result = [Int](repeating: 0, count: count)
        forEachStorageIndex { position, index in result[position] = storage.int(at: index) }
        return result
    }

    /// The value of a one-element tensor.
    /// - Throws: `TensorError.notScalar` for any other count.
    public func item() throws -> Float {
        guard count == 1 else { throw TensorError.notScalar(op: "item", shape: shape) }
        return storage.float(at: offset)
    }

    /// This tensor as contiguous float32, copying (off the tape) only when needed.
    /// Kernels call it on their inputs before reading raw buffers.
    public func contiguousFloat32() -> Tensor {
        if dtype == .float32 && isContiguous { return self }
        return materialized(dtype: .float32)
    }

    /// A contiguous copy in `dtype`, off the tape.
    func materialized(dtype: DType) -> Tensor {
        let result = Tensor(
            unchecked: TensorStorage(dtype: dtype, validCount: count), shape: shape,
            strides: Shape.contiguousStrides(shape), offset: 0, count: count)
        if self.dtype == .float32 && dtype == .float32 {
            let source = storage.floats
            let target = result.storage.floats
            forEachStorageIndex { position, index in target[position] = source[index] }
        } else if !self.dtype.isFloatingPoint && !dtype.isFloatingPoint {
            forEachStorageIndex { position, index in
                result.storage.setInt(storage.int(at: index), at: position)
            }
        } else {
            forEachStorageIndex { position, index in
                result.storage.setFloat(storage.float(at: index), at: position)
            }
        }
        return result
    }

    /// Calls `body` with the elements of a contiguous float32 tensor.
    /// - Throws: `TensorError.unsupportedDType` or `.notViewable` otherwise; rethrows.
    public func withUnsafeFloats<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) throws -> R {
        guard dtype == .float32 else {
            throw TensorError.unsupportedDType(op: "withUnsafeFloats", dtype: dtype)
        }
        guard isContiguous else {
            throw TensorError.notViewable(op: "withUnsafeFloats", shape: shape, strides: strides)
        }
        return try body(UnsafeBufferPointer(start: storage.floats + offset, count: count))
    }

    /// Calls `body` with the writable elements of a contiguous float32 tensor. Writes
    /// are seen by every view of the storage and are not recorded on the tape.
    /// - Throws: as `withUnsafeFloats`, and `TensorError.readOnlyStorage`; rethrows.
    public func withUnsafeMutableFloats<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) throws -> R {
        guard !storage.isReadOnly else {
            throw TensorError.readOnlyStorage(op: "withUnsafeMutableFloats")
        }
        guard dtype == .float32 else {
            throw TensorError.unsupportedDType(op: "withUnsafeMutableFloats", dtype: dtype)
        }
        guard isContiguous else {
            throw TensorError.notViewable(
                op: "withUnsafeMutableFloats", shape: shape, strides: strides)
        }
        return try body(UnsafeMutableBufferPointer(start: storage.floats + offset, count: count))
    }

    /// A new contiguous float32 tensor of `shape` whose elements `body` writes (for
    /// kernels; the storage starts zeroed).
    /// - Throws: shape errors; rethrows from `body`.
    public static func make(
        _ shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) throws -> Tensor {
        let tensor = try Tensor(zeros: shape)
        try body(UnsafeMutableBufferPointer(start: tensor.storage.floats, count: tensor.count))
        return tensor
    }

    /// Copies `source`'s values into this tensor in place (shapes must broadcast to this
    /// one), converting dtypes. Not recorded on the tape: for optimizers and loaders.
    /// - Throws: `TensorError.shapeMismatch`, `.readOnlyStorage`.
    public func copy(from source: Tensor) throws {
        guard !storage.isReadOnly else { throw TensorError.readOnlyStorage(op: "copy") }
        let target = try Shape.broadcast(source.shape, shape, op: "copy")
        guard target == shape else {
            throw TensorError.shapeMismatch(op: "copy", lhs: shape, rhs: source.shape)
        }
        let sourceStrides = Shape.broadcastStrides(
            shape: source.shape, strides: source.strides, to: shape)
        let destination = storage
        let origin = source.storage
        StridedLoop.forEachRun(
            shape: shape, strides: [strides, sourceStrides], offsets: [offset, source.offset]
        ) { offsets, count, inner in
            var to = offsets[0]
            var from = offsets[1]
            if destination.dtype == .float32 && origin.dtype == .float32 {
                let out = destination.floats
                let input = origin.floats
                for _ in 0..<count {
                    out[to] = input[from]
                    to += inner[0]
                    from += inner[1]
                }
            } else if !destination.dtype.isFloatingPoint && !origin.dtype.isFloatingPoint {
                for _ in 0..<count {
                    destination.setInt(origin.int(at: from), at: to)
                    to += inner[0]
                    from += inner[1]
                }
            } else {
                for _ in 0..<count {
                    destination.setFloat(origin.float(at: from), at: to)
                    to += inner[0]
                    from += inner[1]
                }
            }
        }
    }
}
