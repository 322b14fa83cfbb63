import CKernels
import TestSupport
import Testing

@testable import Tensors

/// The CKernels float32 GEMVs (a decode step's weight products) against plain Double
/// loops, on the AVX2 + FMA path (where the CPU has it) and the portable C path, and the
/// one-row `BLAS.gemm` that splits them across threads.
@Suite(.serialized)
struct Float32GemvTests {
    /// Runs `body` once with the CPU's kernels and once forced portable.
    func bothPaths(_ body: (String) throws -> Void) rethrows {
        let previous = lfs_force_portable(0)
        defer { lfs_force_portable(previous) }
        try body("native")
        lfs_force_portable(1)
        try body("portable")
    }

    /// Worst |got - expected| / max(1, |expected|).
    func worst(_ got: [Float], _ expected: [Double]) -> Double {
        zip(got, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test(arguments: [(1, 1), (3, 7), (4, 16), (5, 17), (8, 8), (37, 131), (64, 512), (9, 1376)])
    func gemvMatchesDoubleLoops(_ shape: (Int, Int)) {
        let (rows, columns) = shape
        let ld = columns + 3  // a row stride wider than the row; the gap holds NaN
        var generator = SeededGenerator(seed: UInt64(rows * 1000 + columns))
        var w = generator.floats(rows * ld)
        for i in 0..<rows {
            for j in columns..<ld { w[i * ld + j] = .nan }
        }
        let x = generator.floats(columns)
        let xt = generator.floats(rows)
        let start = generator.floats(max(rows, columns))
        var expectedN = [Double](repeating: 0, count: rows)
        var expectedT = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            for j in 0..<columns {
                expectedN[i] += Double(w[i * ld + j]) * Double(x[j])
                expectedT[j] += Double(w[i * ld + j]) * Double(xt[i])
            }
        }
        bothPaths { path in
            for (alpha, beta) in [(Float(2), Float(0.5)), (1, 1), (-0.75, 0)] {
                let tag = "\(path) alpha \(alpha) beta \(beta)"
                // beta 0 must not read y: start from NaN there.
                var y = beta == 0 ? [Float](repeating: .nan, count: rows) : Array(start.prefix(rows))
                lfs_f32_gemv_n(w, ld, x, &y, rows, columns, alpha, beta)
                let wantN = (0..<rows).map {
                    Double(alpha) * expectedN[$0] + (beta == 0 ? 0 : Double(beta) * Double(start[$0]))
                }
                #expect(worst(y, wantN) < 1e-5, "\(tag) n")
                var yt = beta == 0 ? [Float](repeating: .nan, count: columns) : Array(start.prefix(columns))
                lfs_f32_gemv_t(w, ld, xt, &yt, rows, columns, alpha, beta)
                let wantT = (0..<columns).map {
                    Double(alpha) * expectedT[$0] + (beta == 0 ? 0 : Double(beta) * Double(start[$0]))
                }
                #expect(worst(yt, wantT) < 1e-5, "\(tag) t")
            }
        }
    }

    @Test func portableAndNativeAgreeOnTheDecodeShapes() {
        // The shapes of a bench-llama decode step (q/o, k/v, gate/up, down, a head band).
        for (rows, columns) in [(512, 512), (256, 512), (1376, 512), (512, 1376), (2000, 512)] {
            var generator = SeededGenerator(seed: UInt64(rows + columns))
            let w = generator.floats(rows * columns)
            let x = generator.floats(columns)
            var native = [Float](repeating: 0, count: rows)
            var portable = [Float](repeating: 0, count: rows)
            let previous = lfs_force_portable(0)
            lfs_f32_gemv_n(w, columns, x, &native, rows, columns, 1, 0)
            lfs_force_portable(1)
            lfs_f32_gemv_n(w, columns, x, &portable, rows, columns, 1, 0)
            lfs_force_portable(previous)
            let gap = zip(native, portable).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
            #expect(gap < 1e-4, "\(rows)x\(columns)")
        }
    }

    /// One-row `BLAS.gemm` over a float32 matrix (split into bands across threads when
    /// large enough) against Double loops, both orientations, alpha and beta. The error is
    /// measured against the sum of the terms' magnitudes (float32 summation of a few
    /// thousand terms), so one wrong or missing term (about 1/k of it) still fails.
    @Test(arguments: [(1, 1), (7, 5), (300, 512), (1029, 131), (96, 3000)])
    func oneRowGemmMatchesDoubleLoops(_ shape: (Int, Int)) {
        let (rows, columns) = shape
        let ld = columns + 2
        var generator = SeededGenerator(seed: UInt64(rows * 7 + columns))
        let w = generator.floats(rows * ld)
        let start = generator.floats(max(rows, columns))
        for transposed in [true, false] {
            // transposed: C[1, rows] = A[1, columns] · Mᵀ; else C[1, columns] = A[1, rows] · M.
            let (k, n) = transposed ? (columns, rows) : (rows, columns)
            let a = generator.floats(k)
            for (alpha, beta) in [(Float(1), Float(0)), (1.5, 1), (-2, 0.25)] {
                var got = beta == 0 ? [Float](repeating: .nan, count: n) : Array(start.prefix(n))
                w.withUnsafeBufferPointer { weights in
                    guard let base = weights.baseAddress else { return }
                    let matrix = StoredMatrix(
                        elements: .float32(base), rows: rows, columns: columns, leading: ld)
                    BLAS.gemm(
                        m: 1, a: a, lda: k, matrix: matrix, transposed: transposed, alpha: alpha,
                        beta: beta, c: &got, ldc: n)
                }
                var gap = 0.0
                for j in 0..<n {
                    var sum = 0.0
                    var magnitude = beta == 0 ? 0 : abs(Double(beta) * Double(start[j]))
                    for p in 0..<k {
                        let term = Double(alpha) * Double(a[p])
                            * Double(transposed ? w[j * ld + p] : w[p * ld + j])
                        sum += term
                        magnitude += abs(term)
                    }
                    let expected = sum + (beta == 0 ? 0 : Double(beta) * Double(start[j]))
                    gap = max(gap, abs(Double(got[j]) - expected) / max(1, magnitude))
                }
                #expect(gap < 1e-5, "\(rows)x\(columns) transposed \(transposed) alpha \(alpha) beta \(beta)")
            }
        }
    }

    @Test func emptyInnerDimensionScalesTheOutput() {
        let w: [Float] = [0]
        var c: [Float] = [1, 2, 3]
        w.withUnsafeBufferPointer { weights in
            guard let base = weights.baseAddress else { return }
            let matrix = StoredMatrix(elements: .float32(base), rows: 3, columns: 0, leading: 1)
            BLAS.gemm(m: 1, a: [], lda: 1, matrix: matrix, transposed: true, alpha: 1, beta: 2, c: &c, ldc: 3)
        }
        #expect(c == [2, 4, 6])
    }
}

/// `BLAS.gemvGroup`: several products sharing x (float32 and bf16 mixed, bands that cut
/// through products when split across threads) against one `BLAS.gemm` each.
@Suite struct GemvGroupTests {
    @Test func groupEqualsOneProductAtATime() {
        var generator = SeededGenerator(seed: 11)
        let columns = 131
        let shapes = [(600, columns + 5), (7, columns), (700, columns + 1)]  // 2 bands of ~650 rows
        let weights = shapes.map { generator.floats($0.0 * $0.1) }
        let halves = weights.map { $0.map(HalfConversion.bfloat16Bits) }
        let x = generator.floats(columns)
        let total = shapes.reduce(0) { $0 + $1.0 }
        for useBF16 in [false, true] {
            var grouped = [Float](repeating: .nan, count: total)
            var single = [Float](repeating: .nan, count: total)
            weights.withUnsafeBufferPointers(halves) { floats, bits in
                var products: [BLAS.GemvProduct] = []
                var start = 0
                grouped.withUnsafeMutableBufferPointer { out in
                    guard let out = out.baseAddress else { return }
                    for (index, shape) in shapes.enumerated() {
                        // The middle product stays float32 in the bf16 run: formats may mix.
                        let elements: StoredMatrix.Elements = useBF16 && index != 1
                            ? .bfloat16(bits[index]) : .float32(floats[index])
                        let matrix = StoredMatrix(elements: elements, rows: shape.0, columns: columns, leading: shape.1)
                        products.append(BLAS.GemvProduct(matrix: matrix, y: out + start))
                        single.withUnsafeMutableBufferPointer { one in
                            guard let one = one.baseAddress else { return }
                            BLAS.gemm(m: 1, a: x, lda: columns, matrix: matrix, transposed: true, alpha: 1, beta: 0, c: one + start, ldc: shape.0)
                        }
                        start += shape.0
                    }
                    BLAS.gemvGroup(x: x, products)
                }
            }
            // Bands may start a row off the 4-row blocking: only rounding may differ.
            let gap = zip(grouped, single).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
            #expect(gap < 1e-5, "bf16 \(useBF16): \(gap)")
        }
    }
}

extension Array where Element == [Float] {
    /// Runs `body` over copies of each float array and each bf16 array in allocated
    /// memory (pointers that stay valid for the whole body).
    fileprivate func withUnsafeBufferPointers(
        _ halves: [[UInt16]],
        _ body: ([UnsafePointer<Float>], [UnsafePointer<UInt16>]) -> Void
    ) {
        var floats: [UnsafeMutablePointer<Float>] = []
        var bits: [UnsafeMutablePointer<UInt16>] = []
        for array in self {
            let copy = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(1, array.count))
            copy.initialize(from: array, count: array.count)
            floats.append(copy)
        }
        for array in halves {
            let copy = UnsafeMutablePointer<UInt16>.allocate(capacity: Swift.max(1, array.count))
            copy.initialize(from: array, count: array.count)
            bits.append(copy)
        }
        defer {
            floats.forEach { $0.deallocate() }
            bits.forEach { $0.deallocate() }
        }
        body(floats.map { UnsafePointer($0) }, bits.map { UnsafePointer($0) })
    }
}
