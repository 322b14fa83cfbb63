import Models
import Tensors
import Tuning

/// The timed workloads of bench-model on one model folder and one batch of ids.
struct Workloads {
    let path: String
    let dtype: DType?
    let model: CausalLM
    let ids: [Int]
    let batch: Int
    let tokens: Int
    let runs: Int

    var input: Tensor { get throws { try Tensor(ids: ids, shape: [batch, tokens]) } }

    /// Logits of the batch, no grad.
    func forward() throws -> [Double] {
        let input = try self.input
        return try (0..<runs).map { _ in try seconds { _ = try withNoGrad { try model(input) } } }
    }

    /// The causal-LM loss of the batch (labels = inputs), no grad.
    func forwardLoss() throws -> [Double] {
        let input = try self.input
        return try (0..<runs).map { _ in
            try seconds { _ = try withNoGrad { try model.loss(ids: input, labels: input).item() } }
        }
    }

    /// One training step: loss, backward, AdamW step, zero_grad; one warm-up step first.
    func steps(of model: CausalLM, optimizer: AdamW) throws -> [Double] {
        let input = try self.input
        var times: [Double] = []
        for run in 0...runs {
            let time = try seconds {
                let loss = try model.loss(ids: input, labels: input)
                try loss.backward()
                try optimizer.step()
                optimizer.zeroGrad()
            }
            if run > 0 { times.append(time) }
        }
        return times
    }

    /// LoRA r 8, alpha 16, dropout 0 on all seven projections, AdamW lr 1e-4.
    func loraStep() throws -> [Double] {
        let model = try CausalLM.load(path, dtype: dtype)
        let adapter = try LoRAAdapter.attach(
            to: model, config: LoRAConfig(r: 8, alpha: 16, targets: ["all"]))
        let parameters = adapter.namedParameters.map { NamedParameter($0.0, $0.1) }
        let optimizer = try AdamW(parameters: parameters, lr: 1e-4)
        return try steps(of: model, optimizer: optimizer)
    }

    /// Every parameter trained, AdamW lr 1e-5.
    func fullStep() throws -> [Double] {
        let model = try CausalLM.load(path, dtype: dtype)
        let parameters = model.namedParameters().map { name, tensor in
            tensor.requiresGrad = true
            return NamedParameter(name, tensor)
        }
        let optimizer = try AdamW(parameters: parameters, lr: 1e-5)
        return try steps(of: model, optimizer: optimizer)
    }

    /// Greedy generation at batch 1.
    func generate(prompt: Int, newTokens: Int) throws -> [Double] {
        let generator = Generator(model: model)
        let prompt = Array(ids.prefix(prompt))
        return try (0..<runs).map { _ in
            try seconds {
                _ = try generator.generate(prompts: [prompt], options: GenerationOptions(maxTokens: newTokens))
            }
        }
    }
}
