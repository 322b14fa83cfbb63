// Scripts/bench/compare: lfs against PyTorch + transformers + PEFT on the issue's
// "bench-llama" workloads, alternating the two sides run by run, each run a fresh
// worker process (peak RSS from wait4), medians of the runs, and the table printed as
// Markdown. lfs runs through the language (Scripts/bench/workloads/*.lfs) except the
// generation rows, which use the Swift API (see GenerationWorker).
import Foundation
import Tensors

func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func main() throws {
    let words = Array(CommandLine.arguments.dropFirst())
    if words.first == "--worker" {
        OpenBLASRuntime.ensureOptimizedCore()
        try GenerationWorker.run(Array(words.dropFirst()))
        return
    }
    let options = try Options(words)
    OpenBLASRuntime.ensureOptimizedCore()
    TensorRuntime.setThreadCount(options.threads)
    let model = options.cache + "/bench-llama"
    try BenchModelMaker.ensureModel(in: model)
    let tokens = try BenchModelMaker.ensureTokens(
        in: options.cache, batch: options.batch, sequence: options.sequence,
        newTokens: options.newTokens)
    let logs = options.cache + "/logs"
    try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
    let threads = "\(options.threads)"
    let environment = [
        "LFS_THREADS": threads, "OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads,
        "MKL_NUM_THREADS": threads,
    ]
    var torchAvailable = false
    if options.torch {
        let probe = ChildProcess.run(
            [options.python, "-c", "import torch, transformers, peft; print('RESULT ok')"],
            environment: environment, errorLog: logs + "/probe.err")
        torchAvailable = probe.status == 0 && probe.output.contains("RESULT ok")
    }
    let loadBefore = loadAverage()
    let peak = SGEMMPeak.measure()
    say(String(format: "sgemm peak (2048^3, %d threads): %.0f GFLOP/s", options.threads, peak))
    var rows: [(Workload, lfs: Measurement, torch: Measurement)] = []
    let table = ReportTable(
        options: options, shape: ModelShape(), peakGFLOPs: peak, torchAvailable: torchAvailable)
    let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    let counts = ["\(options.warmup)", "1"]
    for workload in options.workloads {
        var lfs = Measurement()
        var torch = Measurement()
        for run in 0..<options.runs {
            let lfsLog = "\(logs)/\(workload.name)-lfs-\(run).err"
            try? FileManager.default.removeItem(atPath: lfsLog)
            let lfsCommand: [String]
            switch workload.lfs {
            case .script(let name), .profiled(let name):
                lfsCommand = [options.lfs, "Scripts/bench/workloads/\(name).lfs", model, tokens] + counts
            case .swiftAPI:
                lfsCommand = [selfPath, "--worker", workload.name, model, tokens] + counts
            }
            let lfsResult = ChildProcess.run(lfsCommand, environment: environment, errorLog: lfsLog)
            lfs.add(lfsResult, errorLog: lfsLog)
            say("\(workload.name) run \(run + 1)/\(options.runs): lfs \(lfs.seconds.last.map { String(format: "%.3f s", $0) } ?? "failed: \(lfs.failure ?? "")"), peak RSS \(lfsResult.peakRSSBytes >> 20) MiB")
            if workload.name == "overhead" {  // the profile of the last step
                say(lfsResult.output.split(separator: "\n").filter { !$0.hasPrefix("RESULT") }
                    .joined(separator: "\n"))
            }
            guard torchAvailable, workload.hasTorch else { continue }
            let torchLog = "\(logs)/\(workload.name)-torch-\(run).err"
            try? FileManager.default.removeItem(atPath: torchLog)
            let torchResult = ChildProcess.run(
                [options.python, "Scripts/bench/compare_torch.py", workload.name, model, tokens]
                    + counts + ["--threads", threads],
                environment: environment, errorLog: torchLog)
            torch.add(torchResult, errorLog: torchLog)
            say("\(workload.name) run \(run + 1)/\(options.runs): PyTorch \(torch.seconds.last.map { String(format: "%.3f s", $0) } ?? "failed: \(torch.failure ?? "")"), peak RSS \(torchResult.peakRSSBytes >> 20) MiB")
        }
        rows.append((workload, lfs, torch))
        // The table so far, for a run cut short.
        try? table.render(rows).write(
            toFile: options.cache + "/compare-partial.md", atomically: true, encoding: .utf8)
    }
    let date = ISO8601DateFormatter().string(from: Date())
    print("bench-llama, \(options.threads) threads, batch \(options.batch)x\(options.sequence), "
        + "\(options.newTokens) new tokens, median of \(options.runs) run(s), \(date)")
    print(String(format: "sgemm peak measured in this run: %.0f GFLOP/s; load average before %@, after %@",
        peak, loadBefore, loadAverage()))
    if !torchAvailable {
        print("PyTorch comparison skipped: torch, transformers and peft are not importable by \(options.python)")
    }
    print("")
    print(table.render(rows))
}

do {
    try main()
} catch {
    say("bench-compare: \(error)")
    exit(2)
}
