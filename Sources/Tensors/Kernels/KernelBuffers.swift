/// Output buffers for kernels that write every element: no zero-fill pass.
extension Tensor {
    /// A contiguous float32 tensor of `shape` whose elements are not initialised; the
    /// caller writes every one before the tensor escapes.
    /// - Throws: `TensorError.invalidShape`, `.sizeOverflow`, `.outOfMemory`.
    static func uninitialized(_ shape: [Int]) throws -> Tensor {
        let count = try Shape.count(shape, op: "tensor")
        let storage = try TensorStorage(uninitialized: .float32, count: count)
        return Tensor(
            unchecked: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0,
            count: count)
    }
}
