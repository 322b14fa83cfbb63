import Foundation

extension KernelReference {
    /// The sizes of a reference attention call, buffers contiguous [B, heads, T, D].
    struct AttentionShape {
        var B: Int, H: Int, KVH: Int, T: Int, D: Int
        var scale: Double
        var window: Int?
    }

    /// Whether query i of batch b may see key j.
    static func sees(_ i: Int, _ j: Int, batch b: Int, mask: [Double]?, _ s: AttentionShape) -> Bool {
        guard j <= i else { return false }
        if let window = s.window, i - j >= window { return false }
        if let mask, mask[b * s.T + j] == 0 { return false }
        return true
    }

    /// The full [T, T] probability matrix of head (b, h); rows that see nothing are 0.
    static func attentionProbabilities(
        q: [Double], k: [Double], mask: [Double]?, b: Int, h: Int, _ s: AttentionShape
    ) -> [Double] {
        let kvh = h / (s.H / s.KVH)
        var p = [Double](repeating: 0, count: s.T * s.T)
        for i in 0..<s.T {
            var scores = [Double](repeating: -.infinity, count: s.T)
            for j in 0..<s.T where sees(i, j, batch: b, mask: mask, s) {
                var dot = 0.0
                for d in 0..<s.D {
                    dot += q[((b * s.H + h) * s.T + i) * s.D + d] * k[((b * s.KVH + kvh) * s.T + j) * s.D + d]
                }
                scores[j] = dot * s.scale
            }
            let m = scores.max() ?? -.infinity
            guard m > -.infinity else { continue }
            let sum = scores.reduce(0) { $0 + exp($1 - m) }
            for j in 0..<s.T { p[i * s.T + j] = exp(scores[j] - m) / sum }
        }
        return p
    }

    /// Attention forward: out [B, H, T, D].
    static func attention(
        q: [Double], k: [Double], v: [Double], mask: [Double]?, _ s: AttentionShape
    ) -> [Double] {
        var out = [Double](repeating: 0, count: s.B * s.H * s.T * s.D)
        for b in 0..<s.B {
            for h in 0..<s.H {
                let kvh = h / (s.H / s.KVH)
                let p = attentionProbabilities(q: q, k: k, mask: mask, b: b, h: h, s)
                for i in 0..<s.T {
                    for j in 0..<s.T where p[i * s.T + j] != 0 {
                        for d in 0..<s.D {
                            out[((b * s.H + h) * s.T + i) * s.D + d] +=
                                p[i * s.T + j] * v[((b * s.KVH + kvh) * s.T + j) * s.D + d]
                        }
                    }
                }
            }
        }
        return out
    }

    /// Attention backward: (dq, dk, dv) from dout, through the softmax Jacobian.
    static func attentionBackward(
        _ dout: [Double], q: [Double], k: [Double], v: [Double], mask: [Double]?,
        _ s: AttentionShape
    ) -> (q: [Double], k: [Double], v: [Double]) {
        var dq = [Double](repeating: 0, count: q.count)
        var dk = [Double](repeating: 0, count: k.count)
        var dv = [Double](repeating: 0, count: v.count)
        func qi(_ b: Int, _ h: Int, _ i: Int) -> Int { ((b * s.H + h) * s.T + i) * s.D }
        func ki(_ b: Int, _ h: Int, _ j: Int) -> Int { ((b * s.KVH + h) * s.T + j) * s.D }
        for b in 0..<s.B {
            for h in 0..<s.H {
                let kvh = h / (s.H / s.KVH)
                let p = attentionProbabilities(q: q, k: k, mask: mask, b: b, h: h, s)
                for i in 0..<s.T {
                    // dp_ij = dout_i . v_j ; ds_ij = p_ij (dp_ij - Σ_l p_il dp_il)
                    var dp = [Double](repeating: 0, count: s.T)
                    for j in 0..<s.T {
                        for d in 0..<s.D { dp[j] += dout[qi(b, h, i) + d] * v[ki(b, kvh, j) + d] }
                    }
                    let weighted = (0..<s.T).reduce(0) { $0 + p[i * s.T + $1] * dp[$1] }
                    for j in 0..<s.T where p[i * s.T + j] != 0 {
                        let ds = p[i * s.T + j] * (dp[j] - weighted) * s.scale
                        for d in 0..<s.D {
                            dv[ki(b, kvh, j) + d] += p[i * s.T + j] * dout[qi(b, h, i) + d]
                            dq[qi(b, h, i) + d] += ds * k[ki(b, kvh, j) + d]
                            dk[ki(b, kvh, j) + d] += ds * q[qi(b, h, i) + d]
                        }
                    }
                }
            }
        }
        return (dq, dk, dv)
    }

    /// Rotary forward on x [B, H, T, D] with angles positions[b * T + t] * invFreq[i].
    static func rotary(
        _ x: [Double], positions: [Int64], inverseFrequencies: [Double],
        B: Int, H: Int, T: Int, D: Int, inverse: Bool = false
    ) -> [Double] {
        let half = D / 2
        var y = x
        for b in 0..<B {
            for h in 0..<H {
                for t in 0..<T {
                    let base = ((b * H + h) * T + t) * D
                    for i in 0..<half {
                        let angle = Double(positions[b * T + t]) * inverseFrequencies[i]
                        let c = cos(angle)
                        let s = inverse ? -sin(angle) : sin(angle)
                        y[base + i] = x[base + i] * c - x[base + i + half] * s
                        y[base + i + half] = x[base + i + half] * c + x[base + i] * s
                    }
                }
            }
        }
        return y
    }
}
