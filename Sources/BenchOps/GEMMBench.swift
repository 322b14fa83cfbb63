import CBLAS
import Tensors

/// sgemm GFLOP/s through `Tensor.matmul` (HF weight layout [out, in], passed to BLAS
/// as a transposed view) against `cblas_sgemm` on preallocated buffers.
enum GEMMBench {
    static func run(sizes s: BenchSizes, runs: Int) throws {
        Harness.say("sgemm: x [tokens, in] @ weight[out, in]^T   (Tensors matmul vs direct cblas_sgemm)")
        let qkv = (s.heads + 2 * s.kvHeads) * s.headDimension
        let shapes: [(String, Int, Int)] = [
            ("q/k/v projection", s.hidden, qkv),
            ("o projection", s.hidden, s.hidden),
            ("gate/up projection", s.hidden, 2 * s.ffn),
            ("down projection", s.ffn, s.hidden),
            ("lm_head", s.hidden, s.vocabulary),
        ]
        for (name, inputs, outputs) in shapes {
            try measure(name, m: s.tokens, k: inputs, n: outputs, runs: runs)
        }
    }

    static func measure(_ name: String, m: Int, k: Int, n: Int, runs: Int) throws {
        let flops = 2.0 * Double(m) * Double(n) * Double(k)
        let xValues = Harness.values(m * k, seed: 1)
        let wValues = Harness.values(n * k, seed: 2)
        var output = [Float](repeating: 0, count: m * n)
        let direct = Harness.median(runs: runs) {
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k), 1, xValues,
                Int32(k), wValues, Int32(k), 0, &output, Int32(n))
        }
        let x = try Tensor(shape: [m, k], scalars: xValues)
        let weight = try Tensor(shape: [n, k], scalars: wValues)
        let transposed = try weight.transposed()
        let api = try Harness.median(runs: runs) {
            _ = try withNoGrad { try x.matmul(transposed) }
        }
        let label = "  \(name) [\(m), \(k)] x [\(k), \(n)]"
        Harness.report(label + " cblas_sgemm", flops / direct / 1e9, unit: "GFLOP/s")
        Harness.report(label + " Tensor.matmul", flops / api / 1e9, unit: "GFLOP/s", baseline: flops / direct / 1e9, target: 0.95)
    }
}
