import CKernels
import Tensors

/// Attention from new queries to a key/value cache, for generation (no autograd).
///
/// Query s of S new tokens sits at cache index past + s and sees cache index j when
/// j <= past + s, the key is not padding, and (with a sliding window W) past + s - j < W,
/// as transformers' causal and sliding-window masks define it. The loops run over raw
/// buffers (`lfs_attention_row`): a decode step's attention is a few dot products and
/// axpys per head over the cached rows, far too small for BLAS calls to pay off.
enum CachedAttention {
    /// Attends.
    /// - Parameters:
    ///   - query: [B, H, S, D] (rotated); KV head of query head h is h / (H / KVH).
    ///   - cache: the layer's cache, the new tokens already appended.
    ///   - keyMask: [B, cache.length], 0 for padded keys.
    ///   - slidingWindow: W or nil.
    /// - Returns: [B, S, H * D]; a row that sees no key is zero.
    static func attend(
        query: Tensor, cache: LayerCache, keyMask: [Float], slidingWindow: Int?
    ) throws -> Tensor {
        guard query.rank == 4 else {
            throw ModelError.invalidInput("cached attention: query must be [B, H, S, D]")
        }
        let (b, heads, s) = (query.shape[0], query.shape[1], query.shape[2])
        let d = cache.headDimension
        let total = cache.length
        let past = total - s
        guard cache.keyValueHeads > 0, keyMask.count == b * total, query.shape[3] == d,
            heads % cache.keyValueHeads == 0, past >= 0, b == cache.batch
        else {
            throw ModelError.invalidInput("cached attention: mask or query shape mismatch")
        }
        let group = heads / cache.keyValueHeads
        let scale = 1 / Float(d).squareRoot()
        let q = query.contiguousFloat32()
        return try Tensor.make([b, s, heads * d]) { output in
            guard let out = output.baseAddress else { return }
            try q.withUnsafeFloats { queries in
                guard let queries = queries.baseAddress else { return }
                keyMask.withUnsafeBufferPointer { mask in
                    var scores = [Float](repeating: 0, count: max(1, total))
                    scores.withUnsafeMutableBufferPointer { scores in
                        guard let scores = scores.baseAddress, let mask = mask.baseAddress else {
                            return
                        }
                        for bi in 0..<b {
                            for h in 0..<heads {
                                let row = cache.rowOffset(batch: bi, head: h / group)
                                for t in 0..<s {
                                    let i = past + t
                                    let first = slidingWindow.map { max(0, i - $0 + 1) } ?? 0
                                    attendOne(
                                        query: queries + ((bi * heads + h) * s + t) * d,
                                        keys: cache.keys + row, values: cache.values + row,
                                        mask: mask + bi * total, range: first..<(i + 1), d: d,
                                        scale: scale, scores: scores,
                                        output: out + (bi * s + t) * heads * d + h * d)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// One query row against cached rows `range`: softmax(q K^T * scale) V into `output`
    /// [D] (left zero when every key in range is masked), through the CKernels row kernel
    /// (AVX2 + FMA dot products and axpys where the CPU has them).
    @inline(__always)
    private static func attendOne(
        query: UnsafePointer<Float>, keys: UnsafePointer<Float>, values: UnsafePointer<Float>,
        mask: UnsafePointer<Float>, range: Range<Int>, d: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>
    ) {
        lfs_attention_row(
            query, keys, values, mask, range.lowerBound, range.upperBound, d, scale, scores, output)
    }
}
