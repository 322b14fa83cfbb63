import Tensors

/// The fused causal attention op, forward and forward+backward, through the Tensors API.
enum AttentionBench {
    static func run(sizes s: BenchSizes, runs: Int) throws {
        Harness.say("causal attention (GQA \(s.heads)/\(s.kvHeads) heads, head dim \(s.headDimension)), Tensor.causalAttention")
        for batches in [1, 4, 8] {  // 8: bench-llama's 8 x 256
            let tokens = s.tokens / batches
            let q = try Tensor(
                shape: [batches, s.heads, tokens, s.headDimension],
                scalars: Harness.values(s.tokens * s.heads * s.headDimension, seed: 8))
            let k = try Tensor(
                shape: [batches, s.kvHeads, tokens, s.headDimension],
                scalars: Harness.values(s.tokens * s.kvHeads * s.headDimension, seed: 9))
            let v = try Tensor(
                shape: [batches, s.kvHeads, tokens, s.headDimension],
                scalars: Harness.values(s.tokens * s.kvHeads * s.headDimension, seed: 10))
            let dout = try Tensor(shape: q.shape, scalars: Harness.values(q.count, seed: 11))
            let forward = try Harness.median(runs: runs) {
                _ = try withNoGrad { try q.causalAttention(key: k, value: v) }
            }
            for tensor in [q, k, v] { tensor.requiresGrad = true }
            let both = try Harness.median(runs: runs) {
                let out = try q.causalAttention(key: k, value: v)
                try out.backward(gradient: dout)
                for tensor in [q, k, v] { tensor.grad = nil }
            }
            for tensor in [q, k, v] { tensor.requiresGrad = false }
            // Causal FLOPs: forward 2 GEMMs, backward 4 (plus the recomputed scores), over half of T^2.
            let half = Double(batches * s.heads) * Double(tokens) * Double(tokens + 1) / 2 * Double(s.headDimension) * 2
            let label = "  B \(batches), T \(tokens)"
            Harness.report(label + " forward", forward * 1000, unit: "ms")
            Harness.report(label + " forward (causal GFLOP/s)", 2 * half / forward / 1e9, unit: "GFLOP/s")
            Harness.report(label + " forward+backward", both * 1000, unit: "ms")
            Harness.report(label + " forward+backward (causal GFLOP/s)", 7 * half / both / 1e9, unit: "GFLOP/s")
        }
    }
}
