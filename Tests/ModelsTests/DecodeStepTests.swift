import Tensors
import Testing

@testable import Models

/// The grouped decode step (`DecoderLayer.decodeOneToken`: q/k/v and gate/up each as one
/// GEMV region) against the general cached block, layer by layer, and the layers it
/// must leave to the general block.
@Suite struct DecodeStepTests {
    static let prompt = [1, 17, 204, 9, 1033]

    /// Two caches holding the prompt, and the next token's embedding, tables and mask.
    static func prepared(_ model: CausalLM) throws
        -> (KVCache, KVCache, x: Tensor, rotary: RotaryTables, mask: [Float])
    {
        let n = prompt.count
        let caches = (KVCache(model: model, batch: 1), KVCache(model: model, batch: 1))
        for cache in [caches.0, caches.1] {
            _ = try model.nextTokenLogits(
                ids: [prompt], positions: [Array(0..<n)],
                keyMask: [[Float](repeating: 1, count: n)], cache: cache)
        }
        let x = try withNoGrad { try model.embed(Tensor(ids: [52], shape: [1, 1])) }
        let rotary = try RotaryTables(
            positions: [[n]], frequencies: model.frequencies(sequenceLength: n + 1))
        return (caches.0, caches.1, x, rotary, [Float](repeating: 1, count: n + 1))
    }

    @Test(arguments: [DType.float32, .bfloat16])
    func groupedStepMatchesTheGeneralBlockInEveryLayer(dtype: DType) throws {
        let model = try CausalLM.load("tiny", dtype: dtype)
        let (grouped, general, x, rotary, mask) = try Self.prepared(model)
        var input = x
        try withNoGrad {
            for (index, layer) in model.layers.enumerated() {
                let fast = try layer.decodeOneToken(
                    input, rotary: rotary, cache: grouped.layers[index], keyMask: mask)
                let slow = try layer(input, rotary: rotary, cache: general.layers[index], keyMask: mask)
                guard let fast else {
                    Issue.record("layer \(index): the grouped step did not apply")
                    return
                }
                #expect(fast.shape == slow.shape)
                let (a, b) = try (fast.toFloatArray(), slow.toFloatArray())
                let worst = zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
                #expect(worst < 1e-5, "\(dtype) layer \(index): \(worst)")
                #expect(grouped.layers[index].length == general.layers[index].length)
                input = slow
            }
        }
    }

    @Test func layersWithABiasOrAnAdapterOrSeveralTokensUseTheGeneralBlock() throws {
        let model = try CausalLM.load("tiny")
        let (cache, _, x, rotary, mask) = try Self.prepared(model)
        let layer = model.layers[0]
        try withNoGrad {
            let two = try Tensor.cat([x, x], dim: 1)
            #expect(try layer.decodeOneToken(two, rotary: rotary, cache: cache.layers[0], keyMask: mask) == nil)
            let up = layer.feedForward.upProjection
            up.bias = try Tensor(zeros: [up.outputFeatures])
            #expect(try layer.decodeOneToken(x, rotary: rotary, cache: cache.layers[0], keyMask: mask) == nil)
            #expect(cache.layers[0].length == Self.prompt.count)  // nothing appended
        }
    }

    /// With a bias on one projection (general block there, grouped elsewhere), decoding
    /// still equals a full forward pass.
    @Test func mixedLayersStillMatchAFullForwardPass() throws {
        let model = try CausalLM.load("tiny")
        let k = model.layers[0].attention.keyProjection
        k.bias = Tensor(Array(repeating: Float(0.25), count: k.outputFeatures))
        let sequence = Self.prompt + [52, 7, 640]
        let cache = KVCache(model: model, batch: 1)
        var logits = try model.nextTokenLogits(
            ids: [Array(sequence.prefix(3))], positions: [Array(0..<3)],
            keyMask: [[Float](repeating: 1, count: 3)], cache: cache)
        for position in 3..<sequence.count {
            logits = try model.nextTokenLogits(
                ids: [[sequence[position]]], positions: [[position]],
                keyMask: [[Float](repeating: 1, count: position + 1)], cache: cache)
        }
        let full = try withNoGrad {
            try model(Tensor(ids: sequence, shape: [1, sequence.count]))
        }.toFloatArray()
        let vocabulary = model.config.vocabSize
        let last = Array(full[((sequence.count - 1) * vocabulary)...])
        let worst = zip(logits[0], last).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
        #expect(worst < 1e-4, "\(worst)")
    }
}
