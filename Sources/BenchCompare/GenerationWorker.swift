import Foundation
import Models
import Tensors

/// `bench-compare --worker generate|decode <model> <tokens.json> <warmup> <steps>`: the
/// generation workloads through the Swift API (the language's `model.generate` needs a
/// tokenizer and stops at EOS; bench-llama has neither use for them), printing the
/// RESULT line the harness reads.
enum GenerationWorker {
    static func run(_ arguments: [String]) throws {
        guard arguments.count == 5, let warmup = Int(arguments[3]), let steps = Int(arguments[4])
        else {
            throw HarnessError("usage: bench-compare --worker generate|decode model tokens warmup steps")
        }
        // `generate-bf16` / `decode-bf16`: the same loops over bf16 weights.
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
