/// The fused transformer ops (RMSNorm, RoPE, attention, SwiGLU, cross-entropy,
/// embedding), listed for `OpRegistry.all`, and the plumbing they share between
/// tensors and the raw-buffer kernels of `Kernels/`.
enum FusedOps {
    /// The fused ops.
    static let all: [OpSpec] = [
        OpSpec.rmsNorm, OpSpec.rotaryEmbedding, OpSpec.causalAttention, OpSpec.swiGLU,
        OpSpec.crossEntropy, OpSpec.linearCrossEntropy, OpSpec.embedding, OpSpec.loraLinear,
        OpSpec.doraWeightNorm, OpSpec.doraLinear,
    ]

    /// The first float of a contiguous float32 tensor. The caller keeps `tensor` alive
    /// (with `withExtendedLifetime`) for as long as it uses the pointer.
    static func floats(_ tensor: Tensor) -> UnsafeMutablePointer<Float> {
        tensor.storage.floats + tensor.offset
    }

    /// The values of an integer tensor as contiguous Int64, in row-major order.
    /// - Throws: `TensorError.unsupportedDType` for a float tensor.
    static func indices(_ tensor: Tensor, op: String) throws -> [Int64] {
        guard !tensor.dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: op, dtype: tensor.dtype)
        }
        if tensor.dtype == .int64 && tensor.isContiguous {
            let start = tensor.storage.baseAddress.assumingMemoryBound(to: Int64.self) + tensor.offset
            return Array(UnsafeBufferPointer(start: start, count: tensor.count))
        }
        return tensor.toIntArray().map { Int64($0) }
    }

    /// Throws unless `tensor` is a float dtype.
    static func requireFloat(_ tensor: Tensor, op: String) throws {
        guard tensor.dtype.isFloatingPoint else {
            throw TensorError.unsupportedDType(op: op, dtype: tensor.dtype)
        }
    }
}

extension FusedOps {
    /// A [B, heads, T, D] tensor as the kernels read it: float32 with the head vector
    /// contiguous, and its `HeadLayout`. A view (such as a [B, T, H, D] projection
    /// permuted to [B, H, T, D]) is used in place; anything else is copied first.
    /// - Throws: `TensorError.invalidShape` unless the tensor has rank 4; dtype errors.
    static func heads(_ tensor: Tensor, op: String) throws -> (Tensor, HeadLayout) {
        try requireFloat(tensor, op: op)
        guard tensor.rank == 4 else {
            throw TensorError.invalidShape(op: op, shape: tensor.shape, reason: "expected [B, heads, T, D]")
        }
        let (T, D) = (tensor.shape[2], tensor.shape[3])
        let strides = tensor.strides
        if tensor.dtype == .float32, strides[3] == 1 || D == 1, strides[2] >= D || T == 1 {
            return (
                tensor,
                HeadLayout(
                    batchStride: strides[0], headStride: strides[1],
                    tokenStride: T == 1 ? Swift.max(strides[2], D) : strides[2])
            )
        }
        let copy = tensor.contiguousFloat32()
        return (copy, .headsFirst(heads: tensor.shape[1], tokens: T, headDimension: D))
    }
}
