import CBLAS
import Dispatch

/// The machine's measured sgemm peak: the best of several 2048^3 `cblas_sgemm` calls on
/// the configured OpenBLAS threads, in GFLOP/s.
enum SGEMMPeak {
    static func measure(size n: Int = 2048, repeats: Int = 5) -> Double {
        var a = [Float](repeating: 0, count: n * n)
        var b = [Float](repeating: 0, count: n * n)
        var c = [Float](repeating: 0, count: n * n)
        for index in 0..<(n * n) {
            a[index] = Float(index % 7) * 0.01
            b[index] = Float(index % 5) * 0.01
        }
        var best = Double.infinity
        for _ in 0...repeats {  // the first call warms up and counts like the others
            let start = DispatchTime.now().uptimeNanoseconds
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, &a,
                Int32(n), &b, Int32(n), 0, &c, Int32(n))
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }
}
