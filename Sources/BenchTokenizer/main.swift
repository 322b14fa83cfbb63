// bench-tokenizer: encode throughput of lfs's tokenizer on one thread.
// Usage: bench-tokenizer <tokenizer folder> <corpus file> [runs]
// The corpus is cut into chunks at blank lines (about 1 KB or more each), the same cut
// Scripts/bench/tokenizer gives the `tokenizers` library; prints one JSON line.
import Foundation
import Models

/// CPU time of this thread: fair on a loaded machine, where wall time measures the load.
func threadCPUSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: bench-tokenizer <tokenizer folder> <corpus file> [runs]\n".utf8))
    exit(2)
}
let runs = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
do {
    let tokenizer = try Tokenizer.load(directory: arguments[1])
    let text = String(decoding: try TextFile.readBytes(arguments[2]), as: UTF8.self)
    var chunks: [String] = []
    var current = ""
    for paragraph in text.components(separatedBy: "\n\n") {
        current += paragraph + "\n\n"
        if current.utf8.count >= 1024 {
            chunks.append(current)
            current = ""
        }
    }
    if !current.isEmpty { chunks.append(current) }
    let bytes = chunks.reduce(0) { $0 + $1.utf8.count }
    var seconds: [Double] = []
    var cpuSeconds: [Double] = []
    var tokens = 0
    for _ in 0..<runs {
        // A fresh tokenizer per run, so its word cache starts empty as the library's does.
        let fresh = try Tokenizer.load(directory: arguments[1])
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUSeconds()
        tokens = 0
        for chunk in chunks { tokens += fresh.encode(chunk, addSpecialTokens: false).count }
        cpuSeconds.append(threadCPUSeconds() - cpuStart)
        seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    _ = tokenizer
    let median = seconds.sorted()[seconds.count / 2]
    let cpuMedian = cpuSeconds.sorted()[cpuSeconds.count / 2]
    let megabytes = Double(bytes) / 1_000_000
    print(#"{"impl": "lfs", "bytes": \#(bytes), "chunks": \#(chunks.count), "tokens": \#(tokens), "median_seconds": \#(median), "mb_per_s": \#(megabytes / median), "median_cpu_seconds": \#(cpuMedian), "mb_per_cpu_s": \#(megabytes / cpuMedian)}"#)
} catch {
    FileHandle.standardError.write(Data("bench-tokenizer: \(error)\n".utf8))
    exit(1)
}
