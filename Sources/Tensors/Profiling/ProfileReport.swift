import Foundation

/// What a `Profiler.run` measured: one row per op forward, op backward and host region,
/// sorted by self time, plus the wall time and the host time spent outside all of them.
public struct ProfileReport: Sendable {
    /// One row of the profile.
    public struct Row: Sendable, Equatable {
        /// `matmul`, `matmul (backward)`, or a region's name.
        public var name: String
        /// What the row timed.
        public var phase: OpPhase
        /// How many times it ran.
        public var calls: Int
        /// Time inside it, minus the ops it dispatched itself (seconds).
        public var selfSeconds: Double
        /// FLOPs from the ops' declared costs (estimated for backwards, see `OpSpec.backwardCost`).
        public var flops: Int
        /// Bytes read and written, from the declared costs.
        public var bytesMoved: Int
        /// Bytes of tensor storage allocated, minus what nested ops allocated.
        public var bytesAllocated: Int

        /// Achieved GFLOP/s (declared FLOPs over self time); nil without FLOPs or time.
        public var gflops: Double? {
            flops > 0 && selfSeconds > 0 ? Double(flops) / selfSeconds / 1e9 : nil
        }
    }

    /// The rows, the most self time first.
    public let rows: [Row]
    /// The wall time of the profiled body (seconds).
    public let wallSeconds: Double
    /// Time the profiler itself spent recording (seconds), not charged to anything else.
    public let profilerSeconds: Double

    /// A report; rows are sorted by self time, largest first.
    public init(rows: [Row], wallSeconds: Double, profilerSeconds: Double) {
        self.rows = rows.sorted { $0.selfSeconds > $1.selfSeconds }
        self.wallSeconds = wallSeconds
        self.profilerSeconds = profilerSeconds
    }

    /// A report of nothing.
    public static let empty = ProfileReport(rows: [], wallSeconds: 0, profilerSeconds: 0)

    /// Self time of all rows: ops, their backwards and host regions (seconds).
    public var measuredSeconds: Double { rows.reduce(0) { $0 + $1.selfSeconds } }

    /// Self time of op forwards and backwards only (seconds).
    public var opSeconds: Double {
        rows.filter { $0.phase != .region }.reduce(0) { $0 + $1.selfSeconds }
    }

    /// Host time in no op and no region: the interpreter, the tape walker's
    /// bookkeeping and Swift glue between ops (seconds).
    public var hostSeconds: Double { Swift.max(0, wallSeconds - measuredSeconds - profilerSeconds) }

    /// `hostSeconds` over the wall time (0 for an empty profile).
    public var hostFraction: Double { wallSeconds > 0 ? hostSeconds / wallSeconds : 0 }

    /// Total op calls (forward and backward).
    public var opCalls: Int { rows.filter { $0.phase != .region }.reduce(0) { $0 + $1.calls } }

    /// Declared FLOPs of every row.
    public var flops: Int { rows.reduce(0) { $0 &+ $1.flops } }

    /// The row named `name`, if any.
    public func row(named name: String) -> Row? { rows.first { $0.name == name } }

    /// The report as a table: op, calls, self time, share of the wall time, GFLOP/s and
    /// bytes allocated, then the host and profiler lines and the total.
    /// - Parameter limit: the most op rows shown (the rest are summed into one line).
    public func table(limit: Int = 25) -> String {
        var lines = [Self.line("op", "calls", "self ms", "share", "GFLOP/s", "allocated")]
        let shown = rows.prefix(limit)
        for row in shown { lines.append(format(row)) }
        if rows.count > shown.count {
            let rest = rows.dropFirst(shown.count)
            let merged = Row(
                name: "(\(rest.count) more)", phase: .region, calls: rest.reduce(0) { $0 + $1.calls },
                selfSeconds: rest.reduce(0) { $0 + $1.selfSeconds },
                flops: rest.reduce(0) { $0 &+ $1.flops },
                bytesMoved: rest.reduce(0) { $0 &+ $1.bytesMoved },
                bytesAllocated: rest.reduce(0) { $0 &+ $1.bytesAllocated })
            lines.append(format(merged))
        }
        lines.append(
            Self.line(
                "host: interpreter + autograd (not in ops)", "", milliseconds(hostSeconds),
                share(hostSeconds), "", ""))
        lines.append(
            Self.line("profiler", "", milliseconds(profilerSeconds), share(profilerSeconds), "", ""))
        let total = flops > 0 && wallSeconds > 0 ? String(format: "%.1f", Double(flops) / wallSeconds / 1e9) : ""
        lines.append(
            Self.line(
                "total", "\(opCalls)", milliseconds(wallSeconds), share(wallSeconds), total,
                Self.bytes(rows.reduce(0) { $0 &+ $1.bytesAllocated })))
        return lines.joined(separator: "\n")
    }

    private func format(_ row: Row) -> String {
        Self.line(
            row.name, "\(row.calls)", milliseconds(row.selfSeconds), share(row.selfSeconds),
            row.gflops.map { String(format: "%.1f", $0) } ?? "-", Self.bytes(row.bytesAllocated))
    }

    private func milliseconds(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1e3) }

    private func share(_ seconds: Double) -> String {
        wallSeconds > 0 ? String(format: "%.1f%%", 100 * seconds / wallSeconds) : "-"
    }

    private static func line(
        _ name: String, _ calls: String, _ time: String, _ share: String, _ gflops: String,
        _ allocated: String
    ) -> String {
        let label = name.count > 42 ? String(name.prefix(41)) + "…" : name
        return label.padding(toLength: 42, withPad: " ", startingAt: 0)
            + pad(calls, 7) + pad(time, 11) + pad(share, 8) + pad(gflops, 9) + pad(allocated, 11)
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? " " + text : String(repeating: " ", count: width - text.count) + text
    }

    /// Bytes as people read them: `512 B`, `3.0 KiB`, `12.5 MiB`, `1.20 GiB`.
    public static func bytes(_ count: Int) -> String {
        let value = Double(count)
        if count < 1024 { return "\(count) B" }
        if value < 1024 * 1024 { return String(format: "%.1f KiB", value / 1024) }
        if value < 1024 * 1024 * 1024 { return String(format: "%.1f MiB", value / 1024 / 1024) }
        return String(format: "%.2f GiB", value / 1024 / 1024 / 1024)
    }
}
