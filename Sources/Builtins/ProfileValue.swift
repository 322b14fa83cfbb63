import Language
import Tensors

/// A profile as a value of the language: what `profile { ... }` returns. It prints as
/// its table; its properties give the figures to scripts (`p.host_fraction`).
public final class ProfileValue: HostObject {
    /// The measurements.
    public let report: ProfileReport
    /// What the profiled block returned.
    public let result: Value
    /// The most op rows the table shows.
    public let limit: Int

    /// Wraps a report.
    public init(report: ProfileReport, result: Value = .nil, limit: Int = 25) {
        self.report = report
        self.result = result
        self.limit = limit
    }

    /// The `Profile` table.
    public var hostType: HostType { Self.type }

    /// The table (several lines, as a tensor prints several).
    public var summary: String { report.table(limit: limit) }

    /// The `Profile` host type.
    public static let type: HostType = {
        let type = HostType(name: "Profile", doc: "per-op times of a block, from profile { ... }")
        func property(_ name: String, _ doc: String, _ get: @escaping (ProfileValue) -> Value) {
            type.property(name, doc: doc) { object in get(try cast(object, to: ProfileValue.self)) }
        }
        property("result", "the value the profiled block returned") { $0.result }
        property("table", "the table as text") { .string($0.report.table(limit: $0.limit)) }
        property("total", "wall time of the block in seconds") { .float($0.report.wallSeconds) }
        property("ops", "seconds spent in ops (forward and backward)") { .float($0.report.opSeconds) }
        property("host", "seconds of host time in no op: interpreter and autograd bookkeeping") {
            .float($0.report.hostSeconds)
        }
        property("host_fraction", "host over total time (the interpreter overhead)") {
            .float($0.report.hostFraction)
        }
        property("flops", "FLOPs declared by the ops that ran") { .int(Int64($0.report.flops)) }
        property("rows", "one dict per row: name, calls, self (seconds), flops, allocated (bytes)") {
            .list(ListObject($0.report.rows.map(ProfileValue.dict)))
        }
        return type
    }()

    static func dict(_ row: ProfileReport.Row) -> Value {
        let dict = DictObject()
        _ = dict.set(.string("name"), .string(row.name))
        _ = dict.set(.string("calls"), .int(Int64(row.calls)))
        _ = dict.set(.string("self"), .float(row.selfSeconds))
        _ = dict.set(.string("flops"), .int(Int64(row.flops)))
        _ = dict.set(.string("gflops"), row.gflops.map { .float($0) } ?? .nil)
        _ = dict.set(.string("allocated"), .int(Int64(row.bytesAllocated)))
        return .dict(dict)
    }
}
