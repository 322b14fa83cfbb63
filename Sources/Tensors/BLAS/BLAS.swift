import CBLAS

/// The one door to BLAS: single-precision GEMM through OpenBLAS, and a naive loop with
/// the same contract that tests compare against (torch7's `THBlas_(gemm)`).
public enum BLAS {
    /// Whether an operand is read as stored or transposed.
    public enum Transpose: Sendable {
        /// Read as stored.
        case none
        /// Read transposed.
        case transposed
    }

    /// `C = alpha * op(A) @ op(B) + beta * C`, row-major, through `cblas_sgemm`.
    /// - Parameters:
    ///   - m, n, k: `op(A)` is `[m, k]`, `op(B)` is `[k, n]`, `C` is `[m, n]`.
    ///   - lda, ldb, ldc: row strides as stored (`A` stored `[m, k]` or, transposed, `[k, m]`).
    /// The caller guarantees the buffers hold what the sizes and strides say.
    public static func sgemm(
        transA: Transpose, transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        TensorRuntime.configure()
        cblas_sgemm(
            CblasRowMajor, transA == .none ? CblasNoTrans : CblasTrans,
            transB == .none ? CblasNoTrans : CblasTrans, Int32(m), Int32(n), Int32(k), alpha,
            a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `y = alpha * op(A) x + beta * y` for a row-major `A` stored `[rows, columns]`
    /// with row stride `lda`, through `cblas_sgemv` (one pass over `A`: what a GEMM with
    /// a single row or column costs at best). `op(A)` is `A` ([rows, columns] times x of
    /// `columns`) or its transpose (x of `rows`).
    public static func sgemv(
        transA: Transpose, rows: Int, columns: Int, alpha: Float, a: UnsafePointer<Float>,
        lda: Int, x: UnsafePointer<Float>, incx: Int, beta: Float,
        y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        guard rows > 0, columns > 0 else { return }
        TensorRuntime.configure()
        cblas_sgemv(
            CblasRowMajor, transA == .none ? CblasNoTrans : CblasTrans, Int32(rows),
            Int32(columns), alpha, a, Int32(lda), x, Int32(incx), beta, y, Int32(incy))
    }

    /// The same contract as `sgemm`, as plain loops with Double accumulation (for tests).
    public static func naiveSgemm(
        transA: Transpose, transB: Transpose, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for p in 0..<k {
                    let left = transA == .none ? a[i * lda + p] : a[p * lda + i]
                    let right = transB == .none ? b[p * ldb + j] : b[j * ldb + p]
                    sum += Double(left) * Double(right)
                }
                let previous = beta == 0 ? 0 : beta * c[i * ldc + j]
                c[i * ldc + j] = alpha * Float(sum) + previous
            }
        }
    }
}
