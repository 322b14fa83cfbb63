// The ops benchmark (issue 2, item 6): sgemm through the Tensors API against a direct
// cblas_sgemm, elementwise add and RMSNorm bandwidth against memcpy, and the fused
// attention forward+backward, at the sizes of a small LLaMA. Run by Scripts/bench/ops;
// a benchmark, not a test: nothing here asserts.
import CBLAS
import Foundation
import Tensors

// Line-buffered, so the figures show up as they are measured even through a pipe.
setvbuf(stdout, nil, _IOLBF, 0)
OpenBLASRuntime.ensureOptimizedCore()
TensorRuntime.configure()

let runs = Int(ProcessInfo.processInfo.environment["LFS_BENCH_RUNS"] ?? "") ?? 10
let sizes = BenchSizes()
print("bench-ops: median of \(runs) runs (after one warm-up) per figure")
print("reproduce: Scripts/bench/ops   (= swift build -c release --product bench-ops && .build/release/bench-ops)")
print("  OpenBLAS core \(OpenBLASRuntime.coreName), threads \(TensorRuntime.threadCount)"
    + " (LFS_THREADS=\(ProcessInfo.processInfo.environment["LFS_THREADS"] ?? "unset")),"
    + " OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset")")
print("  sizes: tokens \(sizes.tokens), hidden \(sizes.hidden), heads \(sizes.heads), KV heads \(sizes.kvHeads),"
    + " head dim \(sizes.headDimension), FFN \(sizes.ffn), vocab \(sizes.vocabulary)")
print("")
do {
    try GEMMBench.run(sizes: sizes, runs: runs)
    print("")
    try BandwidthBench.run(sizes: sizes, runs: runs)
    print("")
    try AttentionBench.run(sizes: sizes, runs: runs)
    print("")
    try LossBench.run(sizes: sizes, runs: runs)
} catch {
    print("bench-ops: \(error)")
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
