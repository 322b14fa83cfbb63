// Benchmark of bench-llama's workloads: forward, forward with loss, a LoRA SFT step, a
// full fine-tuning step and greedy generation; run by Scripts/bench/model, which runs
// transformers on the same folder in the same run.
import Foundation
import Models
import Tensors

/// Parsed command line: bench-model <folder> [--batch B] [--tokens T] [--prompt P]
/// [--new N] [--runs R] [--only forward,loss,lora,full,freeze,head,generate] [--dtype bf16]
/// [--cpu] (process CPU seconds instead of wall seconds: steadier on a loaded machine,
/// meaningful with one thread).
struct Options {
    var folder = ""
    var batch = 8
    var tokens = 256
    var prompt = 16
    var newTokens = 128
    var runs = 3
    var only: Set<String> = ["forward", "loss", "lora", "full", "freeze", "generate"]
    var dtype: DType? = nil

    init(_ arguments: [String]) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let text = index + 1 < arguments.count ? arguments[index + 1] : ""
            let value = Int(text)
            switch (argument, value) {
            case ("--batch", let v?): batch = v; index += 1
            case ("--tokens", let v?): tokens = v; index += 1
            case ("--prompt", let v?): prompt = v; index += 1
            case ("--new", let v?): newTokens = v; index += 1
            case ("--runs", let v?): runs = v; index += 1
            case ("--only", _):
                only = Set(text.split(separator: ",").map(String.init)); index += 1
            case ("--cpu", _): break  // read by `StepClock`
            case ("--dtype", _):
                dtype = text == "bf16" ? .bfloat16 : DType(rawValue: text); index += 1
            default: folder = argument
            }
            index += 1
        }
    }
}

/// What `seconds` measures: wall time, or with `--cpu` the process's CPU time (user +
/// system, every thread), which other processes on a loaded machine disturb far less.
enum StepClock {
    static let cpu = CommandLine.arguments.contains("--cpu")

    /// Now, in seconds, on the chosen clock.
    static func now() -> Double {
        guard cpu else { return Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Seconds of `body` (wall, or CPU with `--cpu`).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = StepClock.now()
    try body()
    return StepClock.now() - start
}

/// The median of `values` (upper middle for an even count).
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// Prints one workload line: median, all runs, tokens/s.
func report(_ name: String, _ times: [Double], tokens: Int) {
    let m = median(times)
    let all = times.map { String(format: "%.3f", $0) }.joined(separator: " ")
    print(String(format: "%@: median %.3f s (%.0f tokens/s)  runs [%@]", name, m, Double(tokens) / m, all))
}

let options = Options(Array(CommandLine.arguments.dropFirst()))
do {
    OpenBLASRuntime.ensureOptimizedCore()
    AllocatorPolicy.keepStepBuffers()
    let path = options.folder.isEmpty ? "tiny" : options.folder
    var random = SplitMix64(seed: 1)
    let probe = try CausalLM.load(path, dtype: options.dtype)
    print("model: \(probe.summary)  threads \(TensorRuntime.threadCount)  core \(OpenBLASRuntime.coreName)"
        + (StepClock.cpu ? "  (CPU seconds)" : ""))
    let vocabulary = probe.config.vocabSize
    let ids = (0..<(options.batch * options.tokens)).map { _ in Int(random.next() % UInt64(vocabulary)) }
    let workloads = Workloads(
        path: path, dtype: options.dtype, model: probe, ids: ids, batch: options.batch,
        tokens: options.tokens, runs: options.runs)
    let tokens = options.batch * options.tokens
    let shape = "\(options.batch)x\(options.tokens)"
    if options.only.contains("forward") { report("forward \(shape)", try workloads.forward(), tokens: tokens) }
    if options.only.contains("loss") { report("forward+loss \(shape)", try workloads.forwardLoss(), tokens: tokens) }
    if options.only.contains("lora") { report("lora step \(shape)", try workloads.loraStep(), tokens: tokens) }
    if options.only.contains("full") { report("full step \(shape)", try workloads.fullStep(), tokens: tokens) }
    if options.only.contains("freeze") { report("freeze step \(shape)", try workloads.freezeStep(), tokens: tokens) }
    if options.only.contains("head") {
        for (name, times) in try workloads.headLoss(chunks: [128, 256, 512, 1024]) {
            report(name, times, tokens: tokens)
        }
    }
    if options.only.contains("generate") {
        let times = try workloads.generate(prompt: options.prompt, newTokens: options.newTokens)
        let m = median(times)
        print(String(
            format: "generate %d after %d: median %.3f s (%.1f tokens/s)", options.newTokens,
            options.prompt, m, Double(options.newTokens) / m))
    }
} catch {
    FileHandle.standardError.write(Data("bench-model: \(error)\n".utf8))
    exit(1)
}
