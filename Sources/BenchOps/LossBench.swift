import Tensors

/// lm_head + cross-entropy: the chunked fused op against matmul then cross_entropy.
enum LossBench {
    static func run(sizes s: BenchSizes, runs: Int) throws {
        Harness.say("lm_head + cross-entropy, forward+backward [\(s.tokens), \(s.hidden)] x [\(s.vocabulary), \(s.hidden)]^T")
        let hidden = try Tensor(shape: [s.tokens, s.hidden], scalars: Harness.values(s.tokens * s.hidden, seed: 12))
        let weight = try Tensor(
            shape: [s.vocabulary, s.hidden], scalars: Harness.values(s.vocabulary * s.hidden, seed: 13).map { 0.05 * $0 })
        let targets = try Tensor(ids: (0..<s.tokens).map { ($0 * 7919) % s.vocabulary })
        hidden.requiresGrad = true
        weight.requiresGrad = true
        let reset = {
            hidden.grad = nil
            weight.grad = nil
        }
        let fused = try Harness.median(runs: max(3, runs / 2)) {
            try hidden.linearCrossEntropy(weight: weight, targets: targets).backward()
            reset()
        }
        let unfused = try Harness.median(runs: max(3, runs / 2)) {
            try hidden.matmul(try weight.transposed()).crossEntropy(targets: targets).backward()
            reset()
        }
        Harness.report("  matmul + cross_entropy (logits [\(s.tokens), \(s.vocabulary)] whole)", unfused * 1000, unit: "ms")
        Harness.report("  linear_cross_entropy (128-row chunks)", fused * 1000, unit: "ms")
    }
}
