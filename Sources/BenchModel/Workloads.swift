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

    /// Freeze-tuning: the last 2 decoder layers trained, AdamW lr 1e-4.
    func freezeStep() throws -> [Double] {
        let model = try CausalLM.load(path, dtype: dtype)
        _ = try FreezeTuning.apply(to: model, trainableLayers: 2)
        let parameters = model.namedParameters().filter { $0.1.requiresGrad }.map { NamedParameter($0.0, $0.1) }
        let optimizer = try AdamW(parameters: parameters, lr: 1e-4)
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

extension Workloads {
    /// lm_head + cross-entropy alone (`linearCrossEntropy`) on the model's head weight and
    /// random hidden states, at several row-chunk sizes: forward only, forward+backward
    /// with the head frozen (LoRA), and with the head trained (full fine-tuning).
    func headLoss(chunks: [Int]) throws -> [(String, [Double])] {
        let rows = batch * tokens
        let hiddenSize = model.config.hiddenSize
        var random = SplitMix64(seed: 7)
        let values = (0..<(rows * hiddenSize)).map { _ in Float(random.next() % 2001) / 1000 - 1 }
        let hidden = try Tensor(shape: [rows, hiddenSize], scalars: values)
        let targets = try Tensor(ids: Array(ids.prefix(rows)), shape: [rows])
        let weight = model.head.weight
        var out: [(String, [Double])] = []
        for chunk in chunks {
            let forward = try (0..<runs).map { _ in
                try seconds {
                    _ = try withNoGrad {
                        try hidden.linearCrossEntropy(weight: weight, targets: targets, chunkRows: chunk).item()
                    }
                }
            }
            out.append(("head loss forward, \(chunk)-row chunks", forward))
            for trainHead in [false, true] {
                hidden.requiresGrad = true
                weight.requiresGrad = trainHead
                defer { weight.requiresGrad = false }
                let times = try (0..<runs).map { _ in
                    try seconds {
                        try hidden.linearCrossEntropy(weight: weight, targets: targets, chunkRows: chunk).backward()
                        hidden.grad = nil
                        weight.grad = nil
                    }
                }
                out.append(("head loss fwd+bwd (\(trainHead ? "head trained" : "head frozen")), \(chunk)-row chunks", times))
            }
        }
        return out
    }
}
