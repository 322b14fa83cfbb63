// The ops benchmark (issue 2, item 6): sgemm through the Tensors API against a direct
// cblas_sgemm, elementwise add and RMSNorm bandwidth against memcpy, and the fused
// attention forward+backward, at the sizes of a small LLaMA. Run by Scripts/bench/ops;
// a benchmark, not a test: nothing here asserts.
import CBLAS
import Foundation
import Tensors

OpenBLASRuntime.ensureOptimizedCore()
TensorRuntime.configure()

let runs = Int(ProcessInfo.processInfo.environment["LFS_BENCH_RUNS"] ?? "") ?? 10
let sizes = BenchSizes()
Harness.say("bench-ops: median of \(runs) runs (after one warm-up) per figure")
Harness.say("reproduce: Scripts/bench/ops   (= swift build -c release --product bench-ops && .build/release/bench-ops)")
Harness.say("  OpenBLAS core \(OpenBLASRuntime.coreName), threads \(TensorRuntime.threadCount)"
    + " (LFS_THREADS=\(ProcessInfo.processInfo.environment["LFS_THREADS"] ?? "unset")),"
    + " OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset")")
Harness.say("  sizes: tokens \(sizes.tokens), hidden \(sizes.hidden), heads \(sizes.heads), KV heads \(sizes.kvHeads),"
    + " head dim \(sizes.headDimension), FFN \(sizes.ffn), vocab \(sizes.vocabulary)")
Harness.say("")
// LFS_BENCH_ONLY=attention,loss runs some sections (gemm, bandwidth, attention, loss).
let only = Set((ProcessInfo.processInfo.environment["LFS_BENCH_ONLY"] ?? "").split(separator: ",").map(String.init))
func wanted(_ section: String) -> Bool { only.isEmpty || only.contains(section) }
do {
    if wanted("gemm") { try GEMMBench.run(sizes: sizes, runs: runs); Harness.say("") }
    if wanted("bandwidth") { try BandwidthBench.run(sizes: sizes, runs: runs); Harness.say("") }
    if wanted("attention") { try AttentionBench.run(sizes: sizes, runs: runs); Harness.say("") }
    if wanted("loss") { try LossBench.run(sizes: sizes, runs: runs) }
} catch {
    Harness.say("bench-ops: \(error)")
    exit(1)
}

/// The small-LLaMA sizes of the issue.
struct BenchSizes {
    let tokens = 2048
    let hidden = 512
    let heads = 8
    let kvHeads = 4
    let headDimension = 64
    let ffn = 1376
    let vocabulary = 32000
}
