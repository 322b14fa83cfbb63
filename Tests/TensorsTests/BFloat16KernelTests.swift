import CKernels
import TestSupport
import Testing

@testable import Tensors

/// The CKernels bf16 kernels against plain float32 math over the same bf16-rounded
/// values, on both the AVX2 + FMA path (where the CPU has it) and the portable C path.
@Suite(.serialized)
struct BFloat16KernelTests {
    /// Runs `body` once with the CPU's kernels and once forced portable.
    func bothPaths(_ body: (String) throws -> Void) rethrows {
        let previous = lfs_force_portable(0)
        defer { lfs_force_portable(previous) }
        try body("native")
        lfs_force_portable(1)
        try body("portable")
    }

    /// bf16 bits of random floats, and the floats they stand for.
    func randomBF16(_ count: Int, seed: UInt64) -> (bits: [UInt16], values: [Float]) {
        var generator = SeededGenerator(seed: seed)
        let bits = generator.floats(count).map(HalfConversion.bfloat16Bits)
        return (bits, bits.map { HalfConversion.float(bfloat16Bits: $0) })
    }

    /// Worst |got - expected| / max(1, |expected|).
    func worst(_ got: [Float], _ expected: [Double]) -> Double {
        zip(got, expected).map { abs(Double($0) - $1) / max(1, abs($1)) }.max() ?? 0
    }

    @Test func roundingMatchesHalfConversionOnEveryPath() {
        var generator = SeededGenerator(seed: 3)
        var values = generator.floats(1000, low: -1e4, high: 1e4)
        let specials: [Float] = [
            0, -0, 1, -1, .infinity, -.infinity, .nan, .greatestFiniteMagnitude,
            -.greatestFiniteMagnitude, .leastNonzeroMagnitude, Float(bitPattern: 0x3F80_8000),
            Float(bitPattern: 0x3F81_8000), Float(bitPattern: 0x3F80_7FFF),
        ]
        values += specials
        let expected = values.map(HalfConversion.bfloat16Bits)
        bothPaths { path in
            var bits = [UInt16](repeating: 0, count: values.count)
            lfs_bf16_from_f32(values, &bits, values.count)
            #expect(bits == expected, "\(path)")
            var widened = [Float](repeating: 0, count: values.count)
            lfs_bf16_to_f32(bits, &widened, bits.count)
            let exact = bits.map { HalfConversion.float(bfloat16Bits: $0) }
            #expect(zip(widened, exact).allSatisfy { $0.bitPattern == $1.bitPattern }, "\(path)")
        }
    }

    @Test(arguments: [(1, 1), (3, 7), (4, 16), (5, 17), (37, 131), (64, 512), (9, 1376)])
    func gemvMatchesFloat32Math(_ shape: (Int, Int)) {
        let (rows, columns) = shape
        let ld = columns + 3  // a row stride wider than the row
        let (bits, values) = randomBF16(rows * ld, seed: UInt64(rows * 1000 + columns))
        var generator = SeededGenerator(seed: 5)
        let x = generator.floats(columns)
        let xt = generator.floats(rows)
        let start = generator.floats(max(rows, columns))
        var expectedN = [Double](repeating: 0, count: rows)
        var expectedT = [Double](repeating: 0, count: columns)
        for i in 0..<rows {
            for j in 0..<columns {
                expectedN[i] += Double(values[i * ld + j]) * Double(x[j])
                expectedT[j] += Double(values[i * ld + j]) * Double(xt[i])
            }
        }
        bothPaths { path in
            // y = 2 W x + 0.5 y, and y = W x over garbage (beta 0 must not read it).
            var y = Array(start.prefix(rows))
            lfs_bf16_gemv_n(bits, ld, x, &y, rows, columns, 2, 0.5)
            #expect(worst(y, (0..<rows).map { 2 * expectedN[$0] + 0.5 * Double(start[$0]) }) < 1e-5, "\(path) n")
            var fresh = [Float](repeating: .nan, count: rows)
            lfs_bf16_gemv_n(bits, ld, x, &fresh, rows, columns, 1, 0)
            #expect(worst(fresh, expectedN) < 1e-5, "\(path) n beta 0")
            var yt = Array(start.prefix(columns))
            lfs_bf16_gemv_t(bits, ld, xt, &yt, rows, columns, 2, 0.5)
            #expect(worst(yt, (0..<columns).map { 2 * expectedT[$0] + 0.5 * Double(start[$0]) }) < 1e-5, "\(path) t")
            var freshT = [Float](repeating: .nan, count: columns)
            lfs_bf16_gemv_t(bits, ld, xt, &freshT, rows, columns, 1, 0)
            #expect(worst(freshT, expectedT) < 1e-5, "\(path) t beta 0")
        }
    }

    @Test func widenMatrixKeepsStrides() {
        let (bits, values) = randomBF16(6 * 10, seed: 9)
        var out = [Float](repeating: -7, count: 6 * 12)
        lfs_bf16_widen_matrix(bits, 10, &out, 12, 6, 9)
        for i in 0..<6 {
            #expect(Array(out[(i * 12)..<(i * 12 + 9)]) == Array(values[(i * 10)..<(i * 10 + 9)]))
            #expect(out[i * 12 + 9] == -7)
        }
    }
}
