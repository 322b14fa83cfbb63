import Testing
import Tensors

@testable import Tuning

/// Optimizers refuse storage-only (bf16) parameters with a message that says what to do.
struct OptimBFloat16Tests {
    @Test func adamwRefusesABFloat16WeightAndLeavesItUnchanged() throws {
        let weight = try Tensor(zeros: [2], dtype: .bfloat16)
        weight.name = "model.layers.0.mlp.up_proj.weight"
        weight.grad = Tensor([1, -1])
        let optimizer = try AdamW(parameters: [NamedParameter(tensor: weight, index: 0)], lr: 0.1)
        do {
            try optimizer.step()
            Issue.record("a bf16 parameter was updated")
        } catch let error as OptimError {
            let message = error.description
            #expect(message.contains("model.layers.0.mlp.up_proj.weight"))
            #expect(message.contains("bfloat16"))
            #expect(message.contains("load_model"))
        }
        #expect(weight.dtype == .bfloat16)
        #expect(weight.toFloatArray() == [0, 0])
    }
}
