/// Creation of tensors from values, constants and ranges.
extension Tensor {
    /// A float32 tensor of `shape` holding `scalars` in row-major order.
    /// - Throws: `TensorError.invalidShape` when the count does not match the shape.
    public convenience init(shape: [Int], scalars: [Float]) throws {
        try self.init(zeros: shape)
        guard count == scalars.count else {
            throw TensorError.invalidShape(
                op: "tensor", shape: shape, reason: "\(scalars.count) values given")
        }
        scalars.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            storage.floats.update(from: base, count: count)
        }
    }

    /// A 1-D float32 tensor of `scalars`.
    public convenience init(_ scalars: [Float]) {
        let storage = TensorStorage(dtype: .float32, validCount: scalars.count)
        self.init(
            unchecked: storage, shape: [scalars.count], strides: [1], offset: 0,
            count: scalars.count)
        scalars.withUnsafeBufferPointer { source in
            guard let base = source.baseAddress else { return }
            storage.floats.update(from: base, count: scalars.count)
        }
    }

    /// A 0-dimensional float32 tensor holding `value`.
    public convenience init(_ value: Float) {
        let storage = TensorStorage(dtype: .float32, validCount: 1)
        self.init(unchecked: storage, shape: [], strides: [], offset: 0, count: 1)
        storage.floats[0] = value
    }

    /// An integer tensor of token ids or indices.
    /// - Parameters:
    ///   - ids: the values in row-major order.
    ///   - shape: the shape (default: 1-D).
    ///   - dtype: `.int64` (default) or `.int32`.
    /// - Throws: `TensorError.invalidShape` on a count mismatch,
    ///   `.unsupportedDType` for a float dtype.
    public convenience init(ids: [Int], shape: [Int]? = nil, dtype: DType = .int64) throws {
        guard !dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: "tensor", dtype: dtype)
        }
        let shape = shape ?? [ids.count]
        try self.init(zeros: shape, dtype: dtype)
        guard count == ids.count else {
            throw TensorError.invalidShape(op: "tensor", shape: shape, reason: "\(ids.count) ids given")
        }
        for (index, id) in ids.enumerated() { storage.setInt(id, at: index) }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try Tensor(zeros: shape, dtype: dtype)
    }

    /// A tensor of ones.
    public static func ones(_ shape: [Int], dtype: DType = .float32) throws -> Tensor {
        try full(shape, value: 1, dtype: dtype)
    }

    /// A tensor with every element `value` (rounded for integer and 16-bit dtypes).
    public static func full(_ shape: [Int], value: Float, dtype: DType = .float32) throws -> Tensor {
        let tensor = try Tensor(zeros: shape, dtype: dtype)
        if value != 0 {
            if dtype == .float32 {
                tensor.storage.floats.update(repeating: value, count: tensor.count)
            } else {
                for index in 0..<tensor.count { tensor.storage.setFloat(value, at: index) }
            }
        }
        return tensor
    }

    /// Values from `start` up to (excluding) `end` by `step`, as in `torch.arange`.
    /// - Throws: `TensorError.invalidArgument` for a zero step, a non-finite bound or
    ///   more than 2^31 values.
    public static func arange(
        _ start: Double = 0, _ end: Double, step: Double = 1, dtype: DType = .float32
    ) throws -> Tensor {
        guard step != 0, step.isFinite, start.isFinite, end.isFinite else {
            throw TensorError.invalidArgument(op: "arange", reason: "bounds and step must be finite, step non-zero")
        }
        let length = Swift.max(0, ((end - start) / step).rounded(.up))
        guard dtype.isFloatingPoint || (Swift.abs(start) < 9e18 && Swift.abs(end) < 9e18) else {
            throw TensorError.invalidArgument(op: "arange", reason: "bounds do not fit in \(dtype)")
        }
        guard length < Double(1 << 31) else {
            throw TensorError.invalidArgument(op: "arange", reason: "too many values (\(length))")
        }
        let count = Int(length)
        let tensor = try Tensor(zeros: [count], dtype: dtype)
        for index in 0..<count {
            let value = start + Double(index) * step
            if dtype.isFloatingPoint {
                tensor.storage.setFloat(Float(value), at: index)
            } else {
                tensor.storage.setInt(Int(value), at: index)
            }
        }
        return tensor
    }

    /// A tensor over existing storage (for instance an mmap'd checkpoint), no copy.
    /// - Throws: `TensorError.invalidShape` when `shape` needs more elements than exist.
    public static func wrapping(_ storage: TensorStorage, shape: [Int]) throws -> Tensor {
        try Tensor(storage: storage, shape: shape)
    }
}
