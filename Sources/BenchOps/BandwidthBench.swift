import Foundation
import Tensors

/// Elementwise add and RMSNorm bandwidth (bytes read + written per second) against
/// memcpy moving the same number of bytes.
enum BandwidthBench {
    static func run(sizes s: BenchSizes, runs: Int) throws {
        Harness.say("bandwidth: bytes read + written per second, against memcpy of the same traffic")
        for columns in [s.hidden, s.ffn] {
            let count = s.tokens * columns
            let a = try Tensor(shape: [s.tokens, columns], scalars: Harness.values(count, seed: 3))
            let b = try Tensor(shape: [s.tokens, columns], scalars: Harness.values(count, seed: 4))
            // add: reads 2, writes 1 per element.
            let addBytes = 12.0 * Double(count)
            let memcpyAdd = memcpyRate(bytes: Int(addBytes), runs: runs)
            let add = try Harness.median(runs: runs) { _ = try withNoGrad { try a.add(b) } }
            Harness.report("  memcpy of \((Int(addBytes) / 2) >> 20) MiB (\(Int(addBytes) >> 20) MiB traffic)", memcpyAdd, unit: "GB/s")
            Harness.report("  add [\(s.tokens), \(columns)] + [\(s.tokens), \(columns)]", addBytes / add / 1e9, unit: "GB/s", baseline: memcpyAdd, target: 0.5)
        }
        let count = s.tokens * s.hidden
        let x = try Tensor(shape: [s.tokens, s.hidden], scalars: Harness.values(count, seed: 5))
        let weight = try Tensor(shape: [s.hidden], scalars: Harness.values(s.hidden, seed: 6).map { 1 + 0.1 * $0 })
        // forward: reads x, writes y (the weight and rstd are negligible).
        let normBytes = 8.0 * Double(count)
        let memcpyNorm = memcpyRate(bytes: Int(normBytes), runs: runs)
        let forward = try Harness.median(runs: runs) { _ = try withNoGrad { try x.rmsNorm(weight: weight) } }
        Harness.report("  memcpy of \((Int(normBytes) / 2) >> 20) MiB (\(Int(normBytes) >> 20) MiB traffic)", memcpyNorm, unit: "GB/s")
        Harness.report("  rms_norm forward [\(s.tokens), \(s.hidden)]", normBytes / forward / 1e9, unit: "GB/s", baseline: memcpyNorm, target: 0.5)
        // forward + backward: x and y, then dy and x read, dx written.
        x.requiresGrad = true
        let gradient = try Tensor(shape: [s.tokens, s.hidden], scalars: Harness.values(count, seed: 7))
        let both = try Harness.median(runs: runs) {
            let y = try x.rmsNorm(weight: weight)
            try y.backward(gradient: gradient)
            x.grad = nil
        }
        let bothBytes = 20.0 * Double(count)
        let memcpyBoth = memcpyRate(bytes: Int(bothBytes), runs: runs)
        Harness.report("  memcpy of \((Int(bothBytes) / 2) >> 20) MiB (\(Int(bothBytes) >> 20) MiB traffic)", memcpyBoth, unit: "GB/s")
        Harness.report("  rms_norm forward+backward [\(s.tokens), \(s.hidden)]", bothBytes / both / 1e9, unit: "GB/s", baseline: memcpyBoth, target: 0.5)
    }

    /// memcpy's rate, counting `traffic` bytes (half read, half written) per copy.
    static func memcpyRate(bytes traffic: Int, runs: Int) -> Double {
        let half = traffic / 2
        let source = UnsafeMutableRawPointer.allocate(byteCount: half, alignment: 64)
        let target = UnsafeMutableRawPointer.allocate(byteCount: half, alignment: 64)
        defer {
            source.deallocate()
            target.deallocate()
        }
        memset(source, 1, half)
        memset(target, 0, half)
        let time = Harness.median(runs: runs) { memcpy(target, source, half) }
        return Double(traffic) / time / 1e9
    }
}
