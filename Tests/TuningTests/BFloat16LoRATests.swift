import Models
import Tensors
import Testing

@testable import Tuning

/// LoRA over a bf16 base (`load_model(..., dtype: "bf16")`): the base stays bf16 and
/// gets no gradients, the adapters and AdamW state are float32, and a training run is
/// step for step the run of a float32 model holding the same bf16-rounded weights.
/// (The 50-step comparison with the unrounded float32 model is measured in release
/// builds by Scripts/bench/bf16-lora-loss.lfs; see the README's performance section.)
@Suite struct BFloat16LoRATests {
    /// AdamW steps of LoRA (r 4, all projections) on one fixed batch; the losses.
    static func train(dtype: DType?, rounded: Bool = false, steps: Int) throws
        -> (losses: [Float], model: CausalLM, adapter: LoRAAdapter)
    {
        let model = try CausalLM.load("tiny", dtype: dtype)
        if rounded {
            for (_, tensor) in model.namedParameters() { try tensor.copy(from: tensor.to(.bfloat16)) }
        }
        var config = LoRAConfig(r: 4, alpha: 8, targets: ["all"])
        config.initialization = .none  // both factors random: the base GEMMs matter from step 1
        let adapter = try LoRAAdapter.attach(to: model, config: config, generator: RandomGenerator(seed: 5))
        let parameters = adapter.state().sorted { $0.key < $1.key }.map { NamedParameter($0.key, $0.value) }
        let optimizer = try AdamW(parameters: parameters, lr: 1e-3)
        var generator = SplitMix64(seed: 9)
        let tokens = (0..<48).map { _ in Int(generator.next() % 2048) }
        let ids = try Tensor(ids: tokens, shape: [2, 24])
        var losses: [Float] = []
        for _ in 0..<steps {
            let loss = try model.loss(ids: ids, labels: ids)
            try loss.backward()
            try optimizer.step()
            optimizer.zeroGrad()
            losses.append(try loss.item())
        }
        return (losses, model, adapter)
    }

    @Test func loraOverABF16BaseTrainsAsTheRoundedFloat32Model() throws {
        let bf16 = try Self.train(dtype: .bfloat16, steps: 8)
        let rounded = try Self.train(dtype: nil, rounded: true, steps: 8)
        #expect(bf16.model.namedParameters().allSatisfy { $0.1.dtype == .bfloat16 && $0.1.grad == nil })
        #expect(bf16.adapter.state().values.allSatisfy { $0.dtype == .float32 })
        for (step, (got, expected)) in zip(bf16.losses, rounded.losses).enumerated() {
            #expect(abs(got - expected) <= 1e-4 * expected, "step \(step): bf16 \(got), rounded float32 \(expected)")
        }
        let (first, last) = (try #require(bf16.losses.first), try #require(bf16.losses.last))
        #expect(last < first - 0.3, "bf16 LoRA loss went \(first) -> \(last)")
        for (key, tensor) in bf16.adapter.state() {
            #expect(tensor.grad == nil, "\(key) gradient cleared")
        }
    }
}
