import Foundation
import Tensors
import TestSupport
import Testing

/// The fused causal attention op against softmax(q kᵀ * scale + bias) v composed from
/// primitive ops, with the GQA expansion, masks and windows written out.
struct FusedAttentionTests {
    let B = 2
    let H = 4
    let KVH = 2
    let T = 5
    let D = 3

    /// The additive bias [B, 1, T, T]: 0 where query i sees key j, -1e9 elsewhere.
    func bias(mask: [Float]?, window: Int?) throws -> Tensor {
        var values = [Float](repeating: 0, count: B * T * T)
        for b in 0..<B {
            for i in 0..<T {
                for j in 0..<T {
                    let hidden = j > i || window.map { i - j >= $0 } ?? false || mask.map { $0[b * T + j] == 0 } ?? false
                    values[(b * T + i) * T + j] = hidden ? -1e9 : 0
                }
            }
        }
        return try Tensor(shape: [B, 1, T, T], scalars: values)
    }

    /// The composed reference: [B, H, T, D].
    func composed(_ q: Tensor, _ k: Tensor, _ v: Tensor, bias: Tensor, scale: Float) throws -> Tensor {
        func expand(_ t: Tensor) throws -> Tensor {
            try t.reshape([B, KVH, 1, T, D]).expand([B, KVH, H / KVH, T, D]).reshape([B, H, T, D])
        }
        let scores = try q.matmul(try expand(k).transpose(2, 3)) * scale + bias
        let shifted = try scores - scores.max(dim: -1, keepdim: true).detach()
        let e = try shifted.exp()
        return try (e / e.sum(dim: -1, keepdim: true)).matmul(try expand(v))
    }

    func inputs() -> [(shape: [Int], data: [Float])] {
        [random([B, H, T, D], seed: 20, low: -2, high: 2), random([B, KVH, T, D], seed: 21, low: -2, high: 2),
         random([B, KVH, T, D], seed: 22)]
    }

    @Test(arguments: [(false, Int?.none), (true, Int?.none), (true, Int?.some(2))])
    func matchesComposition(padded: Bool, window: Int?) throws {
        // Padding that leaves every query row at least one key: the composition gives a
        // row that sees nothing a uniform average, the fused op zeros (see the kernel tests).
        let mask: [Float]? = padded ? [1, 1, 0, 1, 1, 1, 1, 1, 1, 0] : nil
        let maskTensor = try mask.map { try Tensor(shape: [B, T], scalars: $0) }
        let scale = 1 / Float(D).squareRoot()
        let bias = try bias(mask: mask, window: window)
        try expectSameAsComposition(
            inputs(), tolerance: 1e-5,
            fused: { x in try x[0].causalAttention(key: x[1], value: x[2], mask: maskTensor, slidingWindow: window) },
            composed: { x in try composed(x[0], x[1], x[2], bias: bias, scale: scale) })
    }

    @Test func tokensFirstOutputIsThePermutedResult() throws {
        try expectSameAsComposition(
            inputs(),
            fused: { x in try x[0].causalAttention(key: x[1], value: x[2], tokensFirstOutput: true) },
            composed: { x in try x[0].causalAttention(key: x[1], value: x[2]).permute([0, 2, 1, 3]) })
    }

    @Test func readsPermutedViewsOfAPackedProjection() throws {
        // qkv [B, T, (H + 2 KVH) * D] split and permuted: no copies, same gradients.
        let width = (H + 2 * KVH) * D
        func split(_ qkv: Tensor, contiguous: Bool) throws -> Tensor {
            let view = try qkv.reshape([B, T, H + 2 * KVH, D])
            func heads(_ start: Int, _ count: Int) throws -> Tensor {
                let part = try view.slice(dim: 2, start: start, end: start + count).permute([0, 2, 1, 3])
                return contiguous ? try part.contiguous() : part
            }
            return try heads(0, H).causalAttention(key: try heads(H, KVH), value: try heads(H + KVH, KVH))
        }
        try expectSameAsComposition(
            [random([B, T, width], seed: 23)],
            fused: { try split($0[0], contiguous: false) },
            composed: { try split($0[0], contiguous: true) })
    }

    @Test func rejectsShapesThatDoNotFit() throws {
        let q = try Tensor.zeros([1, 3, 4, 2])
        let kv = try Tensor.zeros([1, 2, 4, 2])
        #expect(throws: TensorError.shapeMismatch(op: "causal_attention", lhs: [1, 3, 4, 2], rhs: [1, 2, 4, 2])) {
            try q.causalAttention(key: kv, value: kv)
        }
        let q4 = try Tensor.zeros([1, 4, 4, 2])
        #expect(throws: TensorError.shapeMismatch(op: "causal_attention", lhs: [1, 4], rhs: [1, 3])) {
            try q4.causalAttention(key: kv, value: kv, mask: try Tensor.ones([1, 3]))
        }
        #expect(throws: TensorError.invalidArgument(op: "causal_attention", reason: "sliding_window must be at least 1, got 0")) {
            try q4.causalAttention(key: kv, value: kv, slidingWindow: 0)
        }
    }
}
