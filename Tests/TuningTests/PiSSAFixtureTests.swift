import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// PiSSA initialisation against PEFT's (`init_lora_weights="pissa"`, the llama-pissa
/// fixture of Scripts/fixtures/adapters.py): the residual base weights, A and B, the
/// logits, the loss and every adapter gradient. Singular vectors are defined up to sign,
/// so A's row i, B's column i and their gradients are compared after flipping by the
/// sign that aligns A's row i with PEFT's (B A and the residual are sign-free).
@Suite struct PiSSAFixtureTests {
    @Test func initialisationLogitsAndGradientsMatchPEFT() throws {
        let fixtures = AdapterFixtureTests.fixtures
        let directory = fixtures + "/adapters/llama-pissa"
        let inputs = try SafetensorsFile(path: fixtures + "/models/llama/expected.safetensors")
        let shape = try inputs.info("input_ids").shape
        let maskValues = try inputs.int64s(of: "attention_mask").map { Int($0) }
        let ids = try Tensor(ids: inputs.int64s(of: "input_ids").map { Int($0) }, shape: shape)
        let mask = try Tensor(shape: shape, scalars: maskValues.map { Float($0) })
        let labels = try Tensor(ids: inputs.int64s(of: "labels").map { Int($0) }, shape: shape)
        let expected = try SafetensorsFile(path: directory + "/expected.safetensors")
        let peft = try SafetensorsFile(path: directory + "/adapter_model.safetensors")

        let model = try CausalLM.load(directory: fixtures + "/models/llama")
        var config = LoRAConfig(r: 4, alpha: 8, targets: ["all"])
        config.initialization = .pissa
        let adapter = try LoRAAdapter.attach(to: model, config: config)

        // Residual base weights, as PEFT left them.
        let residuals = expected.names.filter { $0.hasPrefix("residual.") }
        #expect(residuals.count == 14)
        let weights = Dictionary(uniqueKeysWithValues: model.namedParameters())
        for key in residuals {
            let name = String(key.dropFirst("residual.".count))
            let actual = try #require(weights[name], "\(name)").toFloatArray()
            let gap = zip(actual, try expected.floats(of: key)).map { abs($0 - $1) }.max() ?? 1
            #expect(gap < 1e-4, "\(name): residual differs by \(gap)")
        }

        // The logits and loss (equal to the base model's: W' + s B A = W).
        let logits = try model(ids, attentionMask: mask)
        let realPositions = maskValues.enumerated().filter { $0.element != 0 }.map(\.offset)
        let worst = AdapterFixtureTests.worstLogit(
            logits.toFloatArray(), try expected.floats(of: "logits"), positions: realPositions,
            vocabulary: model.config.vocabSize)
        #expect(worst < 1e-4, "largest logit difference \(worst)")
        let loss = try CausalLM.loss(logits: logits, labels: labels)
        #expect(abs(try loss.item() - expected.floats(of: "loss")[0]) < 1e-4)
        try loss.backward()

        // A, B and their gradients, up to the sign of each singular pair.
        let r = 4
        var compared = 0
        // Relative to the largest gradient of all adapter tensors, as for the other fixtures.
        let largest = try expected.names.filter { $0.hasPrefix("grad.") }
            .flatMap { try expected.floats(of: $0) }.map { abs($0) }.max() ?? 1
        for site in adapter.sites {
            let keyA = LoRAAdapter.peftKey(site.path, "lora_A")
            let keyB = LoRAAdapter.peftKey(site.path, "lora_B")
            let (a, b) = (site.layer.a.toFloatArray(), site.layer.b.toFloatArray())
            let (peftA, peftB) = (try peft.floats(of: keyA), try peft.floats(of: keyB))
            let gradA = try #require(site.layer.a.grad).toFloatArray()
            let gradB = try #require(site.layer.b.grad).toFloatArray()
            let (peftGradA, peftGradB) = (
                try expected.floats(of: "grad." + keyA), try expected.floats(of: "grad." + keyB)
            )
            let columns = a.count / r
            let rows = b.count / r
            for i in 0..<r {
                let rowA = (i * columns)..<((i + 1) * columns)
                let dot = zip(a[rowA], peftA[rowA]).map { $0 * $1 }.reduce(0, +)
                let sign: Float = dot < 0 ? -1 : 1
                for j in rowA {
                    #expect(abs(a[j] - sign * peftA[j]) < 1e-4, "\(keyA)[\(j)]")
                    #expect(abs(gradA[j] - sign * peftGradA[j]) <= 1e-4 * largest, "grad \(keyA)[\(j)]")
                }
                for o in 0..<rows {
                    let j = o * r + i
                    #expect(abs(b[j] - sign * peftB[j]) < 1e-4, "\(keyB)[\(j)]")
                    #expect(abs(gradB[j] - sign * peftGradB[j]) <= 1e-4 * largest, "grad \(keyB)[\(j)]")
                }
            }
            compared += 1
        }
        #expect(compared == 14)
    }
}
