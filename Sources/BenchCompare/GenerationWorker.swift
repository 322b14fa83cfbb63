import Foundation
import Models
import Tensors

/// `bench-compare --worker generate|decode|floor <model> <tokens.json> <warmup> <steps>`:
/// the generation workloads through the Swift API (the language's `model.generate` needs
/// a tokenizer and stops at EOS; bench-llama has neither use for them), printing the
/// RESULT line the harness reads. `-bf16` variants load the weights as bf16.
enum GenerationWorker {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 5, let warmup = Int(arguments[3]), let steps = Int(arguments[4])
        else {
            throw HarnessError("usage: bench-compare --worker generate|decode model tokens warmup steps")
        }
        // `generate-bf16` / `decode-bf16`: the same loops over bf16 weights.
        if arguments[0].hasPrefix("floor") { return try weightFloor(arguments, warmup: warmup, steps: steps) }
        let bf16 = arguments[0].hasSuffix("-bf16")
        let model = try CausalLM.load(arguments[1], dtype: bf16 ? .bfloat16 : nil)
        let data = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let prompt = object["prompt"] as? [Int], let newTokens = object["new_tokens"] as? Int
        else { throw HarnessError("\(arguments[2]): no prompt or new_tokens") }
        let step: () throws -> Void
        switch bf16 ? String(arguments[0].dropLast(5)) : arguments[0] {
        case "generate":
            let generator = Generator(model: model)
            step = {
                let out = try generator.generate(
                    prompts: [prompt], options: GenerationOptions(maxTokens: newTokens))
                guard out.first?.count == newTokens else {
                    throw HarnessError("generate stopped after \(out.first?.count ?? 0) tokens")
                }
            }
        case "decode":
            step = { try decode(model, prompt: prompt, newTokens: newTokens) }
        default:
            throw HarnessError("unknown worker '\(arguments[0])'")
        }
        try time(step, warmup: warmup, steps: steps)
    }

    /// Runs `step` `warmup` times, then `steps` timed times, and prints the RESULT line.
    static func time(_ step: () throws -> Void, warmup: Int, steps: Int) throws {
        for _ in 0..<warmup { try step() }
        var seconds: [String] = []
        let cpuBefore = processCPUSeconds()
        for _ in 0..<steps {
            let start = DispatchTime.now().uptimeNanoseconds
            try step()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            seconds.append(String(format: "%.6f", elapsed))
        }
        // CPU seconds of the timed steps (all threads): steadier than wall time under load.
        let cpu = String(format: "%.6f", processCPUSeconds() - cpuBefore)
        print("RESULT seconds=\(seconds.joined(separator: ",")) cpu_seconds=\(cpu)")
    }

    /// The weight-streaming floor of a decode step: per new token, one GEMV per weight
    /// matrix a step multiplies (7 projections per layer and the lm_head; embeddings are
    /// gathered, not streamed), with nothing else. `floor` / `floor-bf16` call the
    /// decode step's own products, grouped as it groups them (`BLAS.gemvGroup`: q/k/v,
    /// o, gate/up, down, lm_head); `floor-sgemv` calls OpenBLAS's `cblas_sgemv` once per
    /// float32 matrix, for reference.
    static func weightFloor(_ arguments: [String], warmup: Int, steps: Int) throws {
        let variant = arguments[0]
        guard ["floor", "floor-bf16", "floor-sgemv"].contains(variant) else {
            throw HarnessError("unknown worker '\(variant)'")
        }
        let model = try CausalLM.load(arguments[1], dtype: variant == "floor-bf16" ? .bfloat16 : nil)
        let data = try Data(contentsOf: URL(fileURLWithPath: arguments[2]))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let newTokens = object["new_tokens"] as? Int
        else { throw HarnessError("\(arguments[2]): no new_tokens") }
        // The groups a decode step issues as one region each: q/k/v, o, gate/up, down.
        var groups: [[Tensor]] = []
        for layer in model.layers {
            let (attention, mlp) = (layer.attention, layer.feedForward)
            groups += [
                [attention.queryProjection, attention.keyProjection, attention.valueProjection],
                [attention.outputProjection], [mlp.gateProjection, mlp.upProjection],
                [mlp.downProjection],
            ].map { $0.map(\.weight) }
        }
        groups.append([model.head.weight])
        let weights = groups.flatMap { $0 }
        let matrices = try groups.map { group in
            try group.map { weight -> StoredMatrix in
                guard weight.rank == 2, weight.strides[1] == 1,
                    let matrix = StoredMatrix.over(
                        weight, rows: weight.shape[0], columns: weight.shape[1],
                        leading: weight.strides[0])
                else { throw HarnessError("floor: a weight is not a row-major float32/bf16 matrix") }
                return matrix
            }
        }
        let widest = weights.map { $0.shape.max() ?? 0 }.max() ?? 0
        let x = UnsafeMutablePointer<Float>.allocate(capacity: widest)
        // One output buffer, as long as the largest group.
        let rows = matrices.map { $0.reduce(0) { $0 + $1.rows } }.max() ?? 0
        let y = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        defer {
            x.deallocate()
            y.deallocate()
        }
        for index in 0..<widest { x[index] = Float(index % 7) * 0.01 - 0.03 }
        y.initialize(repeating: 0, count: rows)
        let step = {
            for _ in 0..<newTokens {
                for group in matrices {
                    if variant == "floor-sgemv" {
                        for matrix in group {
                            guard case .float32(let w) = matrix.elements else { continue }
                            BLAS.sgemv(
                                transA: .none, rows: matrix.rows, columns: matrix.columns,
                                alpha: 1, a: w, lda: matrix.leading, x: x, incx: 1, beta: 0,
                                y: y, incy: 1)
                        }
                    } else {
                        var start = 0
                        var products: [BLAS.GemvProduct] = []
                        for matrix in group {
                            products.append(BLAS.GemvProduct(matrix: matrix, y: y + start))
                            start += matrix.rows
                        }
                        BLAS.gemvGroup(x: x, products)
                    }
                }
            }
        }
        try withExtendedLifetime(weights) { try time(step, warmup: warmup, steps: steps) }
    }

    /// User plus system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// The bare loop: prefill the prompt, then one token at a time against the KV
    /// cache, greedy, no sampler or stop checks.
    static func decode(_ model: CausalLM, prompt: [Int], newTokens: Int) throws {
        let cache = KVCache(model: model, batch: 1, capacity: prompt.count + newTokens)
        var logits = try model.nextTokenLogits(
            ids: [prompt], positions: [Array(0..<prompt.count)],
            keyMask: [[Float](repeating: 1, count: prompt.count)], cache: cache)
        var length = prompt.count
        for _ in 1..<newTokens {
            let row = logits[0]
            var best = 0
            for index in row.indices where row[index] > row[best] { best = index }
            logits = try model.nextTokenLogits(
                ids: [[best]], positions: [[length]],
                keyMask: [[Float](repeating: 1, count: length + 1)], cache: cache)
            length += 1
        }
    }
}

/// A harness failure with its message.
struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
