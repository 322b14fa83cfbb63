import Foundation
import Tensors

/// Attention from new queries to a key/value cache, for generation (no autograd).
///
/// Query s of S new tokens sits at cache index past + s and sees cache index j when
/// j <= past + s, the key is not padding, and (with a sliding window W) past + s - j < W,
/// as transformers' causal and sliding-window masks define it.
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
        let (b, heads, s) = (query.shape[0], query.shape[1], query.shape[2])
        let d = cache.headDimension
        let total = cache.length
        let past = total - s
        let group = heads / cache.keyValueHeads
        guard keyMask.count == b * total, query.shape[3] == d, heads % cache.keyValueHeads == 0
        else {
            throw ModelError.invalidInput("cached attention: mask or query shape mismatch")
        }
        let q = query.toFloatArray()
        let scale = 1 / Float(d).squareRoot()
        let capacity = cache.capacity
        return try Tensor.make([b, s, heads * d]) { output in
            cache.keys.withUnsafeBufferPointer { keys in
                cache.values.withUnsafeBufferPointer { values in
                    var scores = [Float](repeating: 0, count: total)
                    for bi in 0..<b {
                        for h in 0..<heads {
                            let base = (bi * cache.keyValueHeads + h / group) * capacity * d
                            for t in 0..<s {
                                let i = past + t
                                let first = slidingWindow.map { max(0, i - $0 + 1) } ?? 0
                                let qBase = ((bi * heads + h) * s + t) * d
                                let oBase = (bi * s + t) * heads * d + h * d
                                var maximum = -Float.infinity
                                for j in first...i {
                                    guard keyMask[bi * total + j] != 0 else {
                                        scores[j] = -.infinity
                                        continue
                                    }
                                    var dot: Float = 0
                                    let kBase = base + j * d
                                    for c in 0..<d { dot += q[qBase + c] * keys[kBase + c] }
                                    scores[j] = dot * scale
                                    maximum = max(maximum, scores[j])
                                }
                                guard maximum > -.infinity else { continue }
                                var sum: Float = 0
                                for j in first...i {
                                    let e = scores[j] == -.infinity ? 0 : exp(scores[j] - maximum)
                                    scores[j] = e
                                    sum += e
                                }
                                for j in first...i where scores[j] > 0 {
                                    let weight = scores[j] / sum
                                    let vBase = base + j * d
                                    for c in 0..<d { output[oBase + c] += weight * values[vBase + c] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
