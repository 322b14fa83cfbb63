import Testing

@testable import Tensors

/// AttentionKernel against the naive [T, T] reference: GQA, padding, sliding window,
/// block edges and strided layouts.
struct KernelAttentionTests {
    typealias R = KernelReference

    /// One configuration to check.
    struct Case: CustomTestStringConvertible, Sendable {
        var H: Int
        var KVH: Int
        var window: Int?
        var padded: Bool
        var blockSize: Int
        var testDescription: String {
            "H\(H) KVH\(KVH) window \(window.map(String.init) ?? "-") padded \(padded) block \(blockSize)"
        }
    }

    static let cases: [Case] = [
        Case(H: 2, KVH: 2, window: nil, padded: false, blockSize: 128),
        Case(H: 4, KVH: 2, window: nil, padded: false, blockSize: 3),
        Case(H: 4, KVH: 1, window: nil, padded: true, blockSize: 1),
        Case(H: 4, KVH: 2, window: 3, padded: false, blockSize: 2),
        Case(H: 2, KVH: 1, window: 2, padded: true, blockSize: 4),
    ]

    let B = 2
    let T = 7
    let D = 4
    // Batch 1 is left-padded by two: its first two query rows see no key at all.
    let mask: [Double] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]

    func inputs(_ c: Case, seed: UInt64) -> (q: [Double], k: [Double], v: [Double], dy: [Double]) {
        var g = R.Generator(seed: seed)
        return (
            g.values(B * c.H * T * D, in: -2...2), g.values(B * c.KVH * T * D, in: -2...2),
            g.values(B * c.KVH * T * D), g.values(B * c.H * T * D)
        )
    }

    @Test func referenceBackwardMatchesFiniteDifferences() {
        let c = Case(H: 4, KVH: 2, window: 4, padded: true, blockSize: 1)
        let s = R.AttentionShape(B: B, H: c.H, KVH: c.KVH, T: T, D: D, scale: 0.5, window: c.window)
        let (q, k, v, dy) = inputs(c, seed: 11)
        let grads = R.attentionBackward(dy, q: q, k: k, v: v, mask: mask, s)
        let dq = R.numericGradient(of: { R.attention(q: $0, k: k, v: v, mask: mask, s) }, at: q, upstream: dy)
        let dk = R.numericGradient(of: { R.attention(q: q, k: $0, v: v, mask: mask, s) }, at: k, upstream: dy)
        let dv = R.numericGradient(of: { R.attention(q: q, k: k, v: $0, mask: mask, s) }, at: v, upstream: dy)
        #expect(R.worstError(grads.q, dq, absolute: 1e-7, relative: 1e-6) <= 1)
        #expect(R.worstError(grads.k, dk, absolute: 1e-7, relative: 1e-6) <= 1)
        #expect(R.worstError(grads.v, dv, absolute: 1e-7, relative: 1e-6) <= 1)
    }

    @Test(arguments: cases)
    func kernelMatchesReference(_ c: Case) {
        let configuration = AttentionKernel.Configuration(
            B: B, H: c.H, KVH: c.KVH, T: T, D: D, slidingWindow: c.window, blockSize: c.blockSize)
        let s = R.AttentionShape(
            B: B, H: c.H, KVH: c.KVH, T: T, D: D, scale: Double(configuration.scale), window: c.window)
        let (q, k, v, dy) = inputs(c, seed: 12)
        let keyMask = c.padded ? mask : nil
        let floatMask = keyMask?.map { Float($0) }
        var out = [Float](repeating: 0, count: q.count)
        var lse = [Float](repeating: 0, count: B * c.H * T)
        let qf = q.map { Float($0) }
        let kf = k.map { Float($0) }
        let vf = v.map { Float($0) }
        let layouts = AttentionKernel.Layouts.headsFirst(configuration)
        floatMask.withOptionalPointer { maskPointer in
            AttentionKernel.forward(
                output: &out, logSumExp: &lse, query: qf, key: kf, value: vf, keyMask: maskPointer,
                configuration: configuration, layouts: layouts)
        }
        #expect(R.worstError(out, R.attention(q: q, k: k, v: v, mask: keyMask, s)) <= 1)
        if c.padded {
            // Rows 0 and 1 of batch 1 see no key: zero output, -inf log-sum-exp.
            #expect(lse[(1 * c.H + 0) * T + 1] == -.infinity)
            #expect(lse[(1 * c.H + 0) * T + 2].isFinite)
        }

        var dq = [Float](repeating: 0, count: q.count)
        var dk = [Float](repeating: 0, count: k.count)
        var dv = [Float](repeating: 0, count: v.count)
        floatMask.withOptionalPointer { maskPointer in
            AttentionKernel.backward(
                queryGradient: &dq, keyGradient: &dk, valueGradient: &dv,
                outputGradient: dy.map { Float($0) }, output: out, logSumExp: lse, query: qf, key: kf,
                value: vf, keyMask: maskPointer, configuration: configuration, layouts: layouts)
        }
        let expected = R.attentionBackward(dy, q: q, k: k, v: v, mask: keyMask, s)
        #expect(R.worstError(dq, expected.q) <= 1)
        #expect(R.worstError(dk, expected.k) <= 1)
        #expect(R.worstError(dv, expected.v) <= 1)
    }

    @Test func readsHeadsStraightOutOfAPackedQKVProjection() {
        // qkv: [B, T, (H + 2 KVH) * D], as one fused projection writes it.
        let H = 4
        let KVH = 2
        let width = (H + 2 * KVH) * D
        let configuration = AttentionKernel.Configuration(B: B, H: H, KVH: KVH, T: T, D: D, blockSize: 3)
        let s = R.AttentionShape(B: B, H: H, KVH: KVH, T: T, D: D, scale: Double(configuration.scale), window: nil)
        var g = R.Generator(seed: 13)
        let packed = g.values(B * T * width)
        // Unpack into the reference's heads-first arrays.
        func unpack(heads: Int, offset: Int) -> [Double] {
            var result = [Double](repeating: 0, count: B * heads * T * D)
            for b in 0..<B {
                for h in 0..<heads {
                    for t in 0..<T {
                        for d in 0..<D {
                            result[((b * heads + h) * T + t) * D + d] = packed[(b * T + t) * width + offset + h * D + d]
                        }
                    }
                }
            }
            return result
        }
        let q = unpack(heads: H, offset: 0)
        let k = unpack(heads: KVH, offset: H * D)
        let v = unpack(heads: KVH, offset: (H + KVH) * D)
        func strided(_ heads: Int) -> HeadLayout {
            HeadLayout(batchStride: T * width, headStride: D, tokenStride: width)
        }
        let layouts = AttentionKernel.Layouts(
            query: strided(H), key: strided(KVH), value: strided(KVH),
            output: .tokensFirst(heads: H, tokens: T, headDimension: D))
        var out = [Float](repeating: 0, count: B * T * H * D)
        var lse = [Float](repeating: 0, count: B * H * T)
        let packedFloats = packed.map { Float($0) }
        packedFloats.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress!
            AttentionKernel.forward(
                output: &out, logSumExp: &lse, query: base, key: base + H * D,
                value: base + (H + KVH) * D, keyMask: nil, configuration: configuration, layouts: layouts)
        }
        // out is [B, T, H, D]; compare in heads-first order.
        let expected = R.attention(q: q, k: k, v: v, mask: nil, s)
        var outHeadsFirst = [Float](repeating: 0, count: out.count)
        for b in 0..<B {
            for h in 0..<H {
                for t in 0..<T {
                    for d in 0..<D {
                        outHeadsFirst[((b * H + h) * T + t) * D + d] = out[((b * T + t) * H + h) * D + d]
                    }
                }
            }
        }
        #expect(R.worstError(outHeadsFirst, expected) <= 1)
    }
}

extension Optional where Wrapped == [Float] {
    /// Calls `body` with a pointer to the array's floats, or nil.
    func withOptionalPointer<Result>(_ body: (UnsafePointer<Float>?) -> Result) -> Result {
        switch self {
        case .some(let array): array.withUnsafeBufferPointer { body($0.baseAddress) }
        case .none: body(nil)
        }
    }
}
