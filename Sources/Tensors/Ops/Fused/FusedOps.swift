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

extension FusedOps {
    /// A zeroed float32 tensor of `tensor`'s shape and strides when `tensor` lays out its
    /// elements densely in some axis order (a [B, T, H, D] projection viewed as
    /// [B, H, T, D]); a contiguous one otherwise. A gradient written into it is laid out
    /// as the input was, so the permute and reshape that made the view turn it back into
    /// a contiguous tensor without copying it.
    /// - Throws: `TensorError.sizeOverflow`, `.outOfMemory`.
    static func zeros(laidOutAs tensor: Tensor) throws -> Tensor {
        guard !tensor.isContiguous, isDense(tensor) else { return try Tensor(zeros: tensor.shape) }
        let storage = try TensorStorage(dtype: .float32, count: tensor.count)
        return Tensor(
            unchecked: storage, shape: tensor.shape, strides: tensor.strides, offset: 0,
            count: tensor.count)
    }

    /// A zeroed gradient buffer for a [B, heads, T, D] kernel operand, laid out as the
    /// operand (`zeros(laidOutAs:)`), with the `HeadLayout` the kernel writes it through.
    /// - Throws: `TensorError.sizeOverflow`, `.outOfMemory`.
    static func headGradient(laidOutAs operand: Tensor, op: String) throws -> (Tensor, HeadLayout) {
        let gradient = try zeros(laidOutAs: operand)
        let (view, layout) = try heads(gradient, op: op)
        // heads() reads a layout it accepts in place; anything else it would copy, and a
        // gradient written into a copy would be lost: use a contiguous buffer then.
        if view === gradient { return (gradient, layout) }
        let (B, H, T, D) = (operand.shape[0], operand.shape[1], operand.shape[2], operand.shape[3])
        return (try Tensor(zeros: [B, H, T, D]), .headsFirst(heads: H, tokens: T, headDimension: D))
    }

    /// Whether the strides of `tensor` are those of a contiguous tensor with its axes
    /// permuted (axes of size 1, whose stride addresses nothing, aside).
    static func isDense(_ tensor: Tensor) -> Bool {
        let axes = tensor.shape.indices.filter { tensor.shape[$0] != 1 }
            .sorted { tensor.strides[$0] > tensor.strides[$1] }
        var expected = 1
        for axis in axes.reversed() {
            guard tensor.strides[axis] == expected else { return false }
            expected *= tensor.shape[axis]
        }
        return expected == tensor.count
    }
}
