import Dispatch
import Foundation

/// Timing helpers of the ops benchmark: warm up, repeat, take the median.
enum Harness {
    /// The median wall time of `body` in seconds, over `runs` runs after one warm-up.
    static func median(runs: Int, _ body: () throws -> Void) rethrows -> Double {
        try body()
        var times: [Double] = []
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// Writes one line to standard output unbuffered, so the figures show up as they
    /// are measured even through a pipe.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// A line of the report: name, value with unit, and the ratio to a baseline.
    static func report(_ name: String, _ value: Double, unit: String, baseline: Double? = nil, target: Double? = nil) {
        var line = name.padding(toLength: 58, withPad: " ", startingAt: 0)
        line += String(format: "%9.2f %@", value, unit)
        if let baseline, baseline > 0 {
            line += String(format: "   %5.1f%% of baseline", 100 * value / baseline)
            if let target {
                line += value / baseline >= target ? "  (target >= \(Int(target * 100))%: met)" : "  (target >= \(Int(target * 100))%: MISSED)"
            }
        }
        say(line)
    }

    /// A float buffer of `count` values in [-1, 1), deterministic.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Float(Double(state >> 11) / Double(1 << 53) * 2 - 1)
        }
    }
}
