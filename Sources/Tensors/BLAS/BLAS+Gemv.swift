import CKernels

/// The one-row products of a decode step: each streams its matrix once through the
/// CKernels GEMVs (float32 or bf16), its output split into bands across the kernel
/// threads. `gemvGroup` runs several products that share x (q/k/v, gate/up) in one
/// parallel region, so a decode step hands work to the other threads once per group
/// instead of once per matrix.
extension BLAS {
    /// One product of a group: y[matrix.rows] = M x, M as a Linear weight stores it.
    public struct GemvProduct {
        /// M, [rows, columns] row-major.
        public var matrix: StoredMatrix
        /// rows floats, written (never read).
        public var y: UnsafeMutablePointer<Float>

        /// A product writing `y`.
        public init(matrix: StoredMatrix, y: UnsafeMutablePointer<Float>) {
            self.matrix = matrix
            self.y = y
        }
    }

    /// y_i = M_i x for every product, in one parallel region: the products' rows, end to
    /// end, are cut into one contiguous band per thread. x holds at least each matrix's
    /// `columns` floats; the caller guarantees the buffers hold what the sizes say.
    public static func gemvGroup(x: UnsafePointer<Float>, _ products: [GemvProduct]) {
        let total = products.reduce(0) { $0 + $1.matrix.rows }
        let widest = products.map(\.matrix.columns).max() ?? 0
        guard total > 0 else { return }
        Parallel.forEachChunk(count: total, minimumChunk: max(8, 65_536 / max(1, widest))) { band in
            var start = 0
            for product in products {
                let rows = start..<(start + product.matrix.rows)
                start = rows.upperBound
                let lower = max(rows.lowerBound, band.lowerBound)
                let upper = min(rows.upperBound, band.upperBound)
                guard lower < upper else { continue }
                let local = (lower - rows.lowerBound)..<(upper - rows.lowerBound)
                gemvRows(product.matrix, x: x, y: product.y, rows: local, alpha: 1, beta: 0)
            }
        }
    }

    /// y = alpha · op(M) x + beta · y in the GEMM's orientation (y[n] = x[k] · op(M)),
    /// its output split across the kernel threads: op(M) = Mᵀ (a Linear weight) gives
    /// each thread a band of M's rows, op(M) = M a band of its columns.
    static func gemv(
        x: UnsafePointer<Float>, matrix: StoredMatrix, transposed: Bool, alpha: Float,
        beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        let (rows, columns) = (matrix.rows, matrix.columns)
        // Chunks of at least ~64K weights: smaller ones cost more to hand out than to do.
        if transposed {
            Parallel.forEachChunk(count: rows, minimumChunk: max(8, 65_536 / max(1, columns))) { band in
                gemvRows(matrix, x: x, y: y, rows: band, alpha: alpha, beta: beta)
            }
        } else {
            Parallel.forEachChunk(count: columns, minimumChunk: max(64, 65_536 / max(1, rows))) { band in
                gemvColumns(matrix, x: x, y: y, columns: band, alpha: alpha, beta: beta)
            }
        }
    }

    /// y[rows] = alpha · M[rows, :] x + beta · y[rows].
    static func gemvRows(
        _ matrix: StoredMatrix, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        rows: Range<Int>, alpha: Float, beta: Float
    ) {
        let (ld, columns) = (matrix.leading, matrix.columns)
        switch matrix.elements {
        case .float32(let w):
            lfs_f32_gemv_n(
                w + rows.lowerBound * ld, ld, x, y + rows.lowerBound, rows.count, columns, alpha, beta)
        case .bfloat16(let w):
            lfs_bf16_gemv_n(
                w + rows.lowerBound * ld, ld, x, y + rows.lowerBound, rows.count, columns, alpha, beta)
        }
    }

    /// y[columns] = alpha · M[:, columns]ᵀ x + beta · y[columns].
    static func gemvColumns(
        _ matrix: StoredMatrix, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        columns: Range<Int>, alpha: Float, beta: Float
    ) {
        let (ld, rows) = (matrix.leading, matrix.rows)
        switch matrix.elements {
        case .float32(let w):
            lfs_f32_gemv_t(
                w + columns.lowerBound, ld, x, y + columns.lowerBound, rows, columns.count, alpha, beta)
        case .bfloat16(let w):
            lfs_bf16_gemv_t(
                w + columns.lowerBound, ld, x, y + columns.lowerBound, rows, columns.count, alpha, beta)
        }
    }
}
