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
    // LLaMA-Factory: importable, and its tokenizer and dataset written, before any timing.
    var llamaFactoryVersion: String?
    let wantsLlamaFactory = options.workloads.contains {
        $0.references.contains { if case .llamaFactory = $0 { return true } else { return false } }
    }
    if torchAvailable && wantsLlamaFactory {
        let log = logs + "/llamafactory-prepare.err"
        try? FileManager.default.removeItem(atPath: log)
        let prepared = ChildProcess.run(
            Reference.llamaFactoryPrepare(python: options.python, model: model, tokens: tokens),
            environment: environment, errorLog: log)
        llamaFactoryVersion = prepared.status == 0 ? Reference.preparedVersion(prepared.output) : nil
        if llamaFactoryVersion == nil { say("LLaMA-Factory not usable (see \(log))") }
    }
    func available(_ reference: Reference) -> Bool {
        switch reference {
        case .pytorch: return torchAvailable
        case .llamaFactory: return llamaFactoryVersion != nil
        }
    }
    let loadBefore = loadAverage()
    let peak = SGEMMPeak.measure()
    say(String(format: "sgemm peak (2048^3, %d threads): %.0f GFLOP/s", options.threads, peak))
    var rows: [ReportRow] = []
    let table = ReportTable(
        options: options, shape: ModelShape(), peakGFLOPs: peak, torchAvailable: torchAvailable)
    let selfPath = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    for workload in options.workloads {
        var lfs = Measurement()
        var others = workload.references.map { _ in Measurement() }
        let counts = ["\(options.warmup)", "1"]
        let limits = workload.referenceSteps
        let referenceCounts = limits.map { ["\(min($0.warmup, options.warmup))", "\($0.steps)"] } ?? counts
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
            for (index, reference) in workload.references.enumerated() where available(reference) {
                let log = "\(logs)/\(workload.name)-\(reference.tag)-\(run).err"
                try? FileManager.default.removeItem(atPath: log)
                let result = ChildProcess.run(
                    reference.command(
                        workload: workload.name, python: options.python, model: model,
                        tokens: tokens, counts: referenceCounts, threads: threads),
                    environment: environment, errorLog: log, timeout: options.timeout ?? limits?.timeout)
                others[index].add(result, errorLog: log)
                say("\(workload.name) run \(run + 1)/\(options.runs): \(reference.displayName) \(others[index].seconds.last.map { String(format: "%.3f s", $0) } ?? "failed: \(others[index].failure ?? "")"), peak RSS \(result.peakRSSBytes >> 20) MiB")
            }
        }
        if workload.references.isEmpty {
            rows.append(ReportRow(workload: workload, label: workload.label, lfs: lfs, other: Measurement()))
        }
        for (index, reference) in workload.references.enumerated() {
            var other = others[index]
            if !available(reference) {
                other.skipped = reference == .pytorch
                    ? "skipped: no torch/transformers/peft" : "skipped: no LLaMA-Factory"
            }
            let note = available(reference) ? limits?.note ?? "" : ""
            rows.append(ReportRow(
                workload: workload, label: workload.label + reference.labelSuffix + note, lfs: lfs,
                other: other))
        }
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
    if wantsLlamaFactory {
        if let version = llamaFactoryVersion {
            print("Rows \"vs LLaMA-Factory\": the PyTorch columns are LLaMA-Factory \(version)'s own trainer "
                + "(Scripts/bench/compare_llamafactory.py: run_exp, the code of `llamafactory-cli train`), "
                + "time from step begin to step end")
        } else if torchAvailable {
            print("LLaMA-Factory comparison skipped: \(options.python) cannot import llamafactory or "
                + "prepare its files (see \(logs)/llamafactory-prepare.err)")
        }
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
