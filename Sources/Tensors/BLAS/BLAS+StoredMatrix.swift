import CKernels
import Synchronization

/// Products with a `StoredMatrix` operand, whatever its format: one row (a decode step)
/// goes to the CKernels GEMVs, split across the kernel threads (bf16 streams half the
/// bytes); more rows of float32 go to OpenBLAS's sgemm; more rows of bf16 are widened
/// panel by panel into a reused float32 buffer that `cblas_sgemm` multiplies (no
/// whole-matrix float32 copy; without AVX512-BF16 this is the sgemm's speed plus the
/// widening, never faster than float32).
extension BLAS {
    /// `C[m, n] = alpha · A[m, k] · op(M) + beta · C`, with `op(M) = Mᵀ` when `transposed`
    /// (M stored [n, k], a Linear weight) and `M` otherwise (M stored [k, n]).
    /// - Parameters:
    ///   - m: rows of A and C.
    ///   - a: [m, k] float32 with row stride `lda`.
    ///   - matrix: M.
    ///   - transposed: whether op(M) is Mᵀ.
    ///   - c: [m, n] float32 with row stride `ldc`; with beta == 0 it is only written.
    /// The caller guarantees the buffers hold what the sizes and strides say.
    public static func gemm(
        m: Int, a: UnsafePointer<Float>, lda: Int, matrix: StoredMatrix, transposed: Bool,
        alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let (k, n) = transposed ? (matrix.columns, matrix.rows) : (matrix.rows, matrix.columns)
        guard m > 0, n > 0 else { return }
        switch matrix.elements {
        case .float32(let b):
            if k == 0 {
                scale(c, rows: m, columns: n, ldc: ldc, by: beta)
            } else if m == 1 {
                // One row: a matrix-vector product streams M once.
                gemv(x: a, matrix: matrix, transposed: transposed, alpha: alpha, beta: beta, y: c)
            } else {
                sgemm(
                    transA: .none, transB: transposed ? .transposed : .none, m: m, n: n, k: k,
                    alpha: alpha, a: a, lda: lda, b: b, ldb: matrix.leading, beta: beta, c: c,
                    ldc: ldc)
            }
        case .bfloat16(let w):
            if k == 0 {
                scale(c, rows: m, columns: n, ldc: ldc, by: beta)
            } else if m == 1 {
                gemv(x: a, matrix: matrix, transposed: transposed, alpha: alpha, beta: beta, y: c)
            } else {
                bf16Panels(
                    m: m, a: a, lda: lda, w: w, matrix: matrix, transposed: transposed,
                    alpha: alpha, beta: beta, c: c, ldc: ldc)
            }
        }
    }

    /// The bf16 GEMM as float32 sgemm calls over widened panels of M's stored rows:
    /// op(M) = Mᵀ: C[:, panel] = alpha · A · Pᵀ + beta · C[:, panel];
    /// op(M) = M:  C = alpha · A[:, panel] · P + (first panel ? beta : 1) · C.
    static func bf16Panels(
        m: Int, a: UnsafePointer<Float>, lda: Int, w: UnsafePointer<UInt16>, matrix: StoredMatrix,
        transposed: Bool, alpha: Float, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let (rows, columns, ld) = (matrix.rows, matrix.columns, matrix.leading)
        // ~1 MiB of float32 per panel (whole rows; a multiple of 16 where possible).
        let panelRows = min(rows, max(16, (PanelBuffers.floats / max(1, columns)) & ~15))
        let buffer = PanelBuffers.take(floats: panelRows * columns)
        defer { PanelBuffers.give(buffer) }
        var start = 0
        while start < rows {
            let count = min(panelRows, rows - start)
            lfs_bf16_widen_matrix(w + start * ld, ld, buffer.pointer, columns, count, columns)
            let panel = UnsafePointer(buffer.pointer)
            if transposed {
                sgemm(
                    transA: .none, transB: .transposed, m: m, n: count, k: columns, alpha: alpha,
                    a: a, lda: lda, b: panel, ldb: columns, beta: beta, c: c + start, ldc: ldc)
            } else {
                sgemm(
                    transA: .none, transB: .none, m: m, n: columns, k: count, alpha: alpha,
                    a: a + start, lda: lda, b: panel, ldb: columns, beta: start == 0 ? beta : 1,
                    c: c, ldc: ldc)
            }
            start += count
        }
    }

    /// C = beta · C over [rows, columns] with row stride ldc (BLAS semantics: beta == 0
    /// writes zeros without reading).
    static func scale(
        _ c: UnsafeMutablePointer<Float>, rows: Int, columns: Int, ldc: Int, by beta: Float
    ) {
        for row in 0..<rows {
            let line = c + row * ldc
            if beta == 0 {
                line.update(repeating: 0, count: columns)
            } else if beta != 1 {
                for column in 0..<columns { line[column] *= beta }
            }
        }
    }
}

/// Float32 scratch for the bf16 GEMM's widened panels, kept between calls so a training
/// step does not map and fault fresh pages for every GEMM. A few are kept, for calls
/// from several threads at once.
enum PanelBuffers {
    /// A buffer and its capacity in floats.
    struct Buffer: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
    }

    /// The float count a panel aims at (1 MiB).
    static let floats = 1 << 18
    private static let pool = Mutex<[Buffer]>([])

    /// A buffer of at least `floats` floats.
    static func take(floats count: Int) -> Buffer {
        let reused = pool.withLock { buffers -> Buffer? in
            guard let index = buffers.firstIndex(where: { $0.capacity >= count }) else { return nil }
            return buffers.remove(at: index)
        }
        if let reused { return reused }
        let capacity = max(count, floats)
        return Buffer(pointer: .allocate(capacity: capacity), capacity: capacity)
    }

    /// Returns a buffer for reuse (at most four are kept).
    static func give(_ buffer: Buffer) {
        let kept = pool.withLock { buffers -> Bool in
            guard buffers.count < 4 else { return false }
            buffers.append(buffer)
            return true
        }
        if !kept { buffer.pointer.deallocate() }
    }
}
