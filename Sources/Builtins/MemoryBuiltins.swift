import Language
import Tensors

/// The memory vocabulary: `memory()` reports the bytes held by live tensors, by the
/// tape, by parameters (with gradients and optimizer state) and the peaks, so a user can
/// see what a loop keeps alive.
public enum MemoryBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [MemoryValue.type] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "memory",
            doc: "bytes held by tensors, the tape, parameters, gradients and optimizer state, "
                + "and the peaks; prints as a table, fields as properties (memory().tape)"
        ) { arguments in
            .host(MemoryValue(MemoryAccounting.report(arguments.interpreter)))
        }
    ]
}

/// A memory report as a value: prints as its table; each figure is a property in bytes.
public final class MemoryValue: HostObject {
    /// The figures.
    public let report: MemoryReport

    /// Wraps a report.
    public init(_ report: MemoryReport) { self.report = report }

    /// The `Memory` table.
    public var hostType: HostType { Self.type }

    /// The table, one line per figure.
    public var summary: String { report.table }

    /// The `Memory` host type.
    public static let type: HostType = {
        let type = HostType(name: "Memory", doc: "bytes held, from memory()")
        func property(_ name: String, _ doc: String, _ get: @escaping (MemoryReport) -> Int?) {
            type.property(name, doc: doc) { object in
                get(try cast(object, to: MemoryValue.self).report).map { .int(Int64($0)) } ?? .nil
            }
        }
        property("tensors", "bytes of live tensor storage allocated by lfs") { $0.tensors }
        property("tape", "bytes kept alive by the recorded tape") { $0.tape }
        property("tape_nodes", "recorded ops alive") { $0.tapeNodes }
        property("parameters", "bytes of parameters of models, adapters and optimizers in globals") {
            $0.parameters
        }
        property("gradients", "bytes of those parameters' gradients") { $0.gradients }
        property("optimizer", "bytes of optimizer state, nil when unknown") { $0.optimizer }
        property("mapped", "bytes of checkpoint files mapped without copying") { $0.mapped }
        property("peak", "most tensor storage alive at once") { $0.peak }
        property("rss", "the process's resident set") { $0.residentSet }
        property("peak_rss", "the process's highest resident set") { $0.peakResidentSet }
        type.property("table", doc: "the table as text") { object in
            .string(try cast(object, to: MemoryValue.self).report.table)
        }
        return type
    }()
}
