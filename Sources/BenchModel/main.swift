// Benchmark of the model forward pass and greedy generation; run by Scripts/bench/model,
// which runs transformers on the same folder in the same run.
import Foundation
import Models
import Tensors

/// Parsed command line: bench-model <folder> [--batch B] [--tokens T] [--prompt P]
/// [--new N] [--runs R].
struct Options {
    var folder = ""
    var batch = 8
    var tokens = 256
    var prompt = 16
    var newTokens = 128
    var runs = 3

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? Int(arguments[index + 1]) : nil
            switch (argument, value) {
            case ("--batch", let v?): batch = v; index += 1
            case ("--tokens", let v?): tokens = v; index += 1
            case ("--prompt", let v?): prompt = v; index += 1
            case ("--new", let v?): newTokens = v; index += 1
            case ("--runs", let v?): runs = v; index += 1
            default: folder = argument
            }
            index += 1
        }
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let options = Options(Array(CommandLine.arguments.dropFirst()))
do {
    OpenBLASRuntime.ensureOptimizedCore()
    let model = try CausalLM.load(options.folder.isEmpty ? "tiny" : options.folder)
    print("model: \(model.summary)")
    var random = SplitMix64(seed: 1)
    let vocabulary = model.config.vocabSize
    let ids = (0..<(options.batch * options.tokens)).map { _ in
        Int(random.next() % UInt64(vocabulary))
    }
    let input = try Tensor(ids: ids, shape: [options.batch, options.tokens])
    var forward: [Double] = []
    for _ in 0..<options.runs {
        forward.append(try seconds { _ = try withNoGrad { try model(input) } })
    }
    let forwardMedian = median(forward)
    print(String(
        format: "forward %dx%d: median %.3f s (%.0f tokens/s)", options.batch, options.tokens,
        forwardMedian, Double(options.batch * options.tokens) / forwardMedian))
    let prompt = Array(ids.prefix(options.prompt))
    let generator = Generator(model: model)
    var generation: [Double] = []
    for _ in 0..<options.runs {
        generation.append(try seconds {
            _ = try generator.generate(
                prompts: [prompt], options: GenerationOptions(maxTokens: options.newTokens))
        })
    }
    let generationMedian = median(generation)
    print(String(
        format: "generate %d after %d: median %.3f s (%.1f tokens/s)", options.newTokens,
        options.prompt, generationMedian, Double(options.newTokens) / generationMedian))
} catch {
    FileHandle.standardError.write(Data("bench-model: \(error)\n".utf8))
    exit(1)
}
