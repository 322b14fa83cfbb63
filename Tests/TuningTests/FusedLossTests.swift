import Models
import Tensors
import Testing
import Tuning

/// `CausalLM.loss(embeddings:labels:)` (lm_head and cross-entropy in row chunks) against
/// the loss of the whole [B, T, V] logits, on embeddings carrying NEFTune's noise.
@Suite struct FusedLossTests {
    @Test func noisyEmbeddingsGiveTheLossAndGradientsOfTheLogitsPath() throws {
        let model = try CausalLM.load("tiny")
        TrainingMode.set(model, training: true)
        try TrainingMode.setNEFTune(model, alpha: 5)
        let ids = try Tensor(ids: [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], shape: [2, 6])
        let labels = try Tensor(ids: [3, 1, 4, -100, 5, 9, 2, 6, 5, 3, 5, 8], shape: [2, 6])
        let weight = model.head.weight
        weight.requiresGrad = true
        defer { weight.requiresGrad = false }

        // Leaves (detached) so that their .grad is kept.
        let slowEmbeddings = try TrainingMode.embed(model, ids: ids, generator: RandomGenerator(seed: 11)).detach()
        let fastEmbeddings = try TrainingMode.embed(model, ids: ids, generator: RandomGenerator(seed: 11)).detach()
        let clean = try model.embed(ids).detach()
        // The noise is there (and the same in both).
        #expect(try slowEmbeddings.sub(clean).abs().max().item() > 1e-4)
        for tensor in [slowEmbeddings, fastEmbeddings] { tensor.requiresGrad = true }

        let slow = try CausalLM.loss(logits: model(embeddings: slowEmbeddings), labels: labels)
        try slow.backward()
        let slowHead = try #require(weight.grad)
        weight.grad = nil
        let fast = try model.loss(embeddings: fastEmbeddings, labels: labels)
        try fast.backward()
        let fastHead = try #require(weight.grad)

        #expect(abs(try fast.item() - slow.item()) < 1e-5)
        #expect(try fastHead.sub(slowHead).abs().max().item() < 1e-5)
        let dSlow = try #require(slowEmbeddings.grad)
        let dFast = try #require(fastEmbeddings.grad)
        #expect(try dFast.sub(dSlow).abs().max().item() < 1e-5)
    }

    @Test func idsAndEmbeddingsOfDifferentShapesAreRejected() throws {
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [1, 2, 3], shape: [1, 3])
        #expect(throws: ModelError.self) {
            try model.loss(embeddings: model.embed(ids), labels: Tensor(ids: [1, 2], shape: [1, 2]))
        }
        #expect(throws: ModelError.self) {
            try model.loss(ids: ids, labels: Tensor(ids: [1, 2], shape: [1, 2]))
        }
    }
}
