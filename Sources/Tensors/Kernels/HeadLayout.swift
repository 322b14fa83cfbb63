/// Where the head vectors of a [B, heads, T, D] tensor live in a flat Float buffer.
///
/// Each head vector (D floats) is contiguous; batches, heads and tokens are found through
/// strides counted in floats. The rotary and attention kernels take one per buffer so
/// they can read heads straight out of a projection's [B, T, heads * D] output, or out
/// of a packed q/k/v projection, without transposing first.
public struct HeadLayout: Equatable, Sendable {
    /// Floats between batch b and b + 1.
    public var batchStride: Int
    /// Floats between head h and h + 1.
    public var headStride: Int
    /// Floats between token t and t + 1.
    public var tokenStride: Int

    /// A layout with explicit strides (in floats).
    public init(batchStride: Int, headStride: Int, tokenStride: Int) {
        self.batchStride = batchStride
        self.headStride = headStride
        self.tokenStride = tokenStride
    }

    /// The contiguous [B, heads, T, D] layout.
    public static func headsFirst(heads: Int, tokens: Int, headDimension: Int) -> HeadLayout {
        HeadLayout(
            batchStride: heads * tokens * headDimension, headStride: tokens * headDimension,
            tokenStride: headDimension)
    }

    /// The contiguous [B, T, heads, D] layout, as a projection writes it.
    public static func tokensFirst(heads: Int, tokens: Int, headDimension: Int) -> HeadLayout {
        HeadLayout(
            batchStride: tokens * heads * headDimension, headStride: headDimension,
            tokenStride: heads * headDimension)
    }

    /// The offset of head vector (b, h, t).
    @inline(__always)
    func offset(_ b: Int, _ h: Int, _ t: Int) -> Int {
        b * batchStride + h * headStride + t * tokenStride
    }

    /// The number of floats a buffer in this layout must hold (one past the last float).
    public func span(batches: Int, heads: Int, tokens: Int, headDimension: Int) -> Int {
        guard batches > 0, heads > 0, tokens > 0, headDimension > 0 else { return 0 }
        return offset(batches - 1, heads - 1, tokens - 1) + headDimension
    }
}
