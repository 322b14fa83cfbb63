import CKernels
import Foundation
import TestSupport
import Testing

/// `lfs_attention_row` (a decode step's attention of one query over the cache) against a
/// Double softmax, on the AVX2 + FMA path and the portable C path.
@Suite(.serialized)
struct AttentionRowKernelTests {
    /// Runs `body` once with the CPU's kernels and once forced portable.
    func bothPaths(_ body: (String) throws -> Void) rethrows {
        let previous = lfs_force_portable(0)
        defer { lfs_force_portable(previous) }
        try body("native")
        lfs_force_portable(1)
        try body("portable")
    }

    @Test(arguments: [(64, 0, 37), (13, 5, 20), (8, 0, 1), (67, 3, 150)])
    func rowMatchesADoubleSoftmax(_ shape: (Int, Int, Int)) {
        let (d, first, last) = shape
        var generator = SeededGenerator(seed: UInt64(d * 100 + last))
        let q = generator.floats(d)
        let keys = generator.floats(last * d, low: -2, high: 2)
        let values = generator.floats(last * d)
        // Every third row masked; rows before `first` hold garbage that must not count.
        let mask = (0..<last).map { $0 % 3 == 1 ? Float(0) : 1 }
        let scale = 1 / Float(d).squareRoot()
        var weights = [Double](repeating: 0, count: last)
        for j in first..<last where mask[j] != 0 {
            var dot = 0.0
            for i in 0..<d { dot += Double(q[i]) * Double(keys[j * d + i]) }
            weights[j] = dot * Double(scale)
        }
        let live = (first..<last).filter { mask[$0] != 0 }
        let top = live.map { weights[$0] }.max() ?? 0
        var total = 0.0
        for j in live {
            weights[j] = exp(weights[j] - top)
            total += weights[j]
        }
        let start = generator.floats(d)
        var expected = start.map(Double.init)
        for j in live {
            for i in 0..<d { expected[i] += weights[j] / total * Double(values[j * d + i]) }
        }
        bothPaths { path in
            var out = start  // the kernel adds to what is there
            var scores = [Float](repeating: .nan, count: last)
            lfs_attention_row(q, keys, values, mask, first, last, d, scale, &scores, &out)
            let gap = zip(out, expected).map { abs(Double($0) - $1) }.max() ?? .infinity
            #expect(gap < 1e-5, "\(path) d \(d) rows \(first)..<\(last): \(gap)")
        }
    }

    @Test func everyRowMaskedLeavesTheOutput() {
        let d = 16
        var generator = SeededGenerator(seed: 4)
        let q = generator.floats(d)
        let keys = generator.floats(4 * d)
        let values = generator.floats(4 * d)
        let mask = [Float](repeating: 0, count: 4)
        bothPaths { path in
            var out = [Float](repeating: 0.5, count: d)
            var scores = [Float](repeating: 0, count: 4)
            lfs_attention_row(q, keys, values, mask, 0, 4, d, 0.25, &scores, &out)
            #expect(out == [Float](repeating: 0.5, count: d), "\(path)")
        }
    }
}
