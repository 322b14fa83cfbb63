import Models
import Tensors
import Testing

@testable import Models
@testable import Tuning

/// Mixture-of-Depths routing (model.mod): top-k choice, skip by residual, the gathered
/// equivalence, the identity at capacity 1.0, router gradients and cached generation.
@Suite struct MoDTests {
    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1) throws -> Tensor {
        try Tensor.randn(shape, generator: RandomGenerator(seed: seed)).mul(Tensor(scale))
    }

    static func maxGap(_ a: [Float], _ b: [Float]) -> Float {
        zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
    }

    @Test func selectionPicksExactlyCapacityTimesTokens() throws {
        let hook = try MixtureOfDepths(hidden: 4, capacity: 0.25)
        let scores: [Float] = [0.1, 0.9, -1, 0.5, 0.3, 0.8, 0.2, 0.0, 5, 4, 3, 2, 1, 0, -1, -2]
        let chosen = hook.selection(scores: scores, batch: 2, tokens: 8, valid: nil)
        #expect(chosen == [0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
        // Padding is never routed and k counts the real tokens only: 4 real -> k = 1.
        let valid: [Float] = [0, 0, 0, 0, 1, 1, 1, 1] + Array(repeating: 1, count: 8)
        let padded = hook.selection(scores: scores, batch: 2, tokens: 8, valid: valid)
        #expect(padded == [0, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0])
        #expect(hook.routedCount(of: 16) == 4 && hook.routedCount(of: 3) == 1)
        #expect(try MixtureOfDepths(hidden: 4, capacity: 0.125).routedCount(of: 64) == 8)
        #expect(throws: AdapterError.self) { try MixtureOfDepths(hidden: 4, capacity: 0) }
        #expect(throws: AdapterError.self) { try MixtureOfDepths(hidden: 4, capacity: 1.5) }
    }

    @Test func routedTokensGoThroughScaledOthersSkip() throws {
        let (b, t, c) = (2, 16, 8)
        let hook = try MixtureOfDepths(hidden: c, capacity: 0.125)
        try hook.router.copy(from: Self.random([1, c], seed: 3))
        let x = try Self.random([b, t, c], seed: 4)
        let f = try Self.random([b, t, c], seed: 5)
        var seenMask: [Float] = []
        let y = try hook.forward(x, keyMask: nil) { mask in
            seenMask = mask?.toFloatArray() ?? []
            return f
        }.toFloatArray()
        let scores = try x.matmul(hook.router.transposed()).toFloatArray()
        let (xs, fs) = (x.toFloatArray(), f.toFloatArray())
        for row in 0..<b {
            let routed = (0..<t).filter { seenMask[row * t + $0] == 1 }
            #expect(routed.count == 2)
            let best = (0..<t).sorted { scores[row * t + $0] > scores[row * t + $1] }.prefix(2)
            #expect(Set(routed) == Set(best))
            for token in 0..<t {
                let r = scores[row * t + token]
                for channel in 0..<c {
                    let i = (row * t + token) * c + channel
                    let expected = routed.contains(token) ? xs[i] + (1 + r) * (fs[i] - xs[i]) : xs[i]
                    #expect(abs(y[i] - expected) < 1e-5)
                }
            }
        }
    }

    @Test func routedTokensMatchTheLayerRunOnThemAlone() throws {
        let model = try CausalLM.load("tiny")
        let layer = model.layers[1]
        let c = model.config.hiddenSize
        let t = 12
        let x = try Self.random([1, t, c], seed: 7)
        let frequencies = model.frequencies(sequenceLength: t)
        let hook = try MixtureOfDepths(hidden: c, capacity: 0.25)
        try hook.router.copy(from: Self.random([1, c], seed: 8, scale: 0.01))
        layer.hook = hook
        let y = try layer(x, rotary: RotaryTables(positions: [Array(0..<t)], frequencies: frequencies), keyMask: nil)
        layer.hook = nil
        let scores = try x.matmul(hook.router.transposed()).toFloatArray()
        let routed = (0..<t).sorted { scores[$0] > scores[$1] }.prefix(3).sorted()
        // Gather the routed tokens, run the plain layer at their original positions.
        let rows = try routed.map { try x.slice(dim: 1, start: $0, end: $0 + 1) }
        var gathered = rows[0]
        for row in rows.dropFirst() { gathered = try Tensor.cat([gathered, row], dim: 1) }
        let alone = try layer(
            gathered, rotary: RotaryTables(positions: [Array(routed)], frequencies: frequencies),
            keyMask: nil
        ).toFloatArray()
        let (xs, ys) = (x.toFloatArray(), y.toFloatArray())
        for (k, token) in routed.enumerated() {
            let r = scores[token]
            for channel in 0..<c {
                let i = token * c + channel
                let expected = xs[i] + (1 + r) * (alone[k * c + channel] - xs[i])
                #expect(abs(ys[i] - expected) < 1e-4)
            }
        }
        for token in 0..<t where !routed.contains(token) {
            #expect(Array(ys[(token * c)..<((token + 1) * c)]) == Array(xs[(token * c)..<((token + 1) * c)]))
        }
    }

    @Test func capacityOneLeavesTheModelUnchanged() throws {
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [5, 17, 42, 7, 99, 3, 64, 12], shape: [2, 4])
        let before = try model(ids).toFloatArray()
        let converted = try MixtureOfDepths.apply(to: model, capacity: 1.0, every: 2)
        #expect(converted.map(\.0) == Array(stride(from: 1, to: model.layers.count, by: 2)))
        #expect(MixtureOfDepths.routers(of: model).map(\.0).first == "model.layers.1.router.weight")
        #expect(Self.maxGap(before, try model(ids).toFloatArray()) < 1e-5)
        #expect(throws: AdapterError.self) { try MixtureOfDepths.apply(to: model, capacity: 0.5, every: 2) }
        // Below capacity 1 the skipped tokens change the output.
        let other = try CausalLM.load("tiny")
        try MixtureOfDepths.apply(to: other, capacity: 0.25, every: 2)
        #expect(Self.maxGap(before, try other(ids).toFloatArray()) > 1e-3)
    }

    @Test func routerGetsTheFiniteDifferenceGradient() throws {
        let model = try CausalLM.load("tiny")
        for (_, tensor) in model.namedParameters() { tensor.requiresGrad = false }
        let hooks = try MixtureOfDepths.apply(to: model, capacity: 0.5, every: 2)
        for (index, hook) in hooks {
            try hook.router.copy(from: Self.random([1, model.config.hiddenSize], seed: UInt64(index), scale: 0.02))
        }
        let ids = try Tensor(ids: [5, 17, 42, 7, 99, 3, 64, 12, 8, 30, 1, 2], shape: [1, 12])
        func loss() throws -> Tensor { try CausalLM.loss(logits: model(ids), labels: ids) }
        try loss().backward()
        let router = hooks[0].1.router
        let grad = try #require(router.grad).toFloatArray()
        #expect(grad.contains { $0 != 0 })
        var values = router.toFloatArray()
        let eps: Float = 1e-2
        for index in [0, 7, 19] {
            let base = values[index]
            values[index] = base + eps
            try router.copy(from: Tensor(shape: router.shape, scalars: values))
            let up = try withNoGrad { try loss().item() }
            values[index] = base - eps
            try router.copy(from: Tensor(shape: router.shape, scalars: values))
            let down = try withNoGrad { try loss().item() }
            values[index] = base
            try router.copy(from: Tensor(shape: router.shape, scalars: values))
            let numeric = (up - down) / (2 * eps)
            let largest = grad.map { abs($0) }.max() ?? 1
            #expect(abs(numeric - grad[index]) <= 2e-2 * largest, "router[\(index)]")
        }
    }

    @Test func cachedGenerationStartsFromTheFullForward() throws {
        let model = try CausalLM.load("tiny")
        let hooks = try MixtureOfDepths.apply(to: model, capacity: 0.25, every: 2)
        for (index, hook) in hooks {
            try hook.router.copy(from: Self.random([1, model.config.hiddenSize], seed: UInt64(40 + index), scale: 0.05))
        }
        let prompt = [5, 17, 42, 7, 99, 3, 64, 12]
        let logits = try model(Tensor(ids: prompt, shape: [1, 8])).toFloatArray()
        let vocabulary = model.config.vocabSize
        let last = Array(logits[(7 * vocabulary)..<(8 * vocabulary)])
        let best = last.indices.max { last[$0] < last[$1] } ?? -1
        let generator = Generator(model: model)
        let out = try generator.generate(
            prompts: [prompt, [9, 10, 11]], options: GenerationOptions(maxTokens: 6))
        #expect(out[0].first == best)
        #expect(out.allSatisfy { $0.count == 6 })
        // The same row alone gives the same tokens (padding is never routed).
        let alone = try generator.generate(prompts: [[9, 10, 11]], options: GenerationOptions(maxTokens: 6))
        #expect(alone[0] == out[1])
    }
}
