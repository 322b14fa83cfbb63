import Foundation
import Language
import Models
import Tensors
import Tuning

/// What `memory()` reports: bytes held by tensors, the tape, parameters, their
/// gradients and optimizer state, the peaks, and the process's resident set.
public struct MemoryReport: Sendable, Equatable {
    /// Bytes of tensor storage lfs allocated that is still alive (everything below that
    /// is not mapped is part of it).
    public var tensors: Int
    /// Bytes of files mapped into tensors without copying (safetensors checkpoints).
    public var mapped: Int
    /// Bytes the live tape keeps alive (`TapeRegistry.bytesHeld`).
    public var tape: Int
    /// Tape nodes alive.
    public var tapeNodes: Int
    /// Bytes of the parameters of models, adapters and optimizers bound to globals.
    public var parameters: Int
    /// Bytes of those parameters' `.grad`.
    public var gradients: Int
    /// Bytes of optimizer state (AdamW's two moments per updated parameter, SGD's
    /// momentum); nil when an optimizer's state is not known (Adafactor).
    public var optimizer: Int?
    /// The most tensor storage alive at once since the process started.
    public var peak: Int
    /// The process's resident set now and at its highest (bytes; 0 when unknown).
    public var residentSet: Int
    /// See `residentSet`.
    public var peakResidentSet: Int

    /// The report as a table: one line per figure.
    public var table: String {
        func line(_ name: String, _ bytes: Int?, _ note: String) -> String {
            let value = bytes.map(ProfileReport.bytes) ?? "?"
            return name.padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(repeating: " ", count: Swift.max(1, 11 - value.count)) + value + "  " + note
        }
        return [
            line("tensors", tensors, "live tensor storage allocated by lfs"),
            line("tape", tape, "kept alive by \(tapeNodes) recorded op(s) (activations, saved tensors)"),
            line("parameters", parameters, "models, adapters and optimizers bound to globals"),
            line("gradients", gradients, ".grad of those parameters"),
            line("optimizer", optimizer, "optimizer state (AdamW moments)"),
            line("mapped", mapped, "checkpoint files mapped without copying"),
            line("peak", peak, "most tensor storage alive at once"),
            line("rss", residentSet, "process resident set (peak \(ProfileReport.bytes(peakResidentSet)))"),
        ].joined(separator: "\n")
    }
}

/// Builds a `MemoryReport` from the counters and the interpreter's global bindings.
enum MemoryAccounting {
    /// The report now, with parameters found through `interpreter`'s globals (and the
    /// members of imported modules, lists, dicts and tuples they hold).
    static func report(_ interpreter: Interpreter) -> MemoryReport {
        var walker = Walker()
        for name in interpreter.globalNames {
            if let value = interpreter.global(name) { walker.visit(value, depth: 0) }
        }
        let (resident, peakResident) = residentSet()
        return MemoryReport(
            tensors: TensorMemory.bytesAllocated, mapped: TensorMemory.bytesWrapped,
            tape: TapeRegistry.bytesHeld, tapeNodes: TapeRegistry.liveNodeCount,
            parameters: walker.parameterBytes, gradients: walker.gradientBytes,
            optimizer: walker.optimizerBytes, peak: TensorMemory.peakBytesAllocated,
            residentSet: resident, peakResidentSet: peakResident)
    }

    /// Collects distinct parameter storages and optimizer state from values.
    struct Walker {
        var parameters = Set<ObjectIdentifier>()
        var gradients = Set<ObjectIdentifier>()
        var optimizers = Set<ObjectIdentifier>()
        var visited = Set<ObjectIdentifier>()
        var parameterBytes = 0
        var gradientBytes = 0
        var optimizerBytes: Int? = 0

        mutating func visit(_ value: Value, depth: Int) {
            guard depth < 8 else { return }
            switch value {
            case .list(let list):
                guard visited.insert(ObjectIdentifier(list)).inserted else { return }
                for item in list.items { visit(item, depth: depth + 1) }
            case .tuple(let items):
                for item in items { visit(item, depth: depth + 1) }
            case .dict(let dict):
                guard visited.insert(ObjectIdentifier(dict)).inserted else { return }
                for item in dict.values { visit(item, depth: depth + 1) }
            case .module(let module):
                guard visited.insert(ObjectIdentifier(module)).inserted else { return }
                for name in module.memberNames {
                    if let member = module.member(name) { visit(member, depth: depth + 1) }
                }
            case .host(let object):
                visit(object)
            default:
                break
            }
        }

        mutating func visit(_ object: any HostObject) {
            switch object {
            case let model as ModelValue:
                for (_, tensor) in model.model.namedParameters() { add(tensor) }
                for adapter in AdapterRegistry.adapters(of: model.model) {
                    for (_, tensor) in adapter.namedParameters { add(tensor) }
                }
            case let adapter as AdapterValue:
                for (_, tensor) in adapter.adapter.namedParameters { add(tensor) }
            case let tensor as TensorValue where tensor.tensor.isParameter:
                add(tensor.tensor)
            case let optimizer as OptimizerValue:
                add(optimizer.optimizer)
            default:
                break
            }
        }

        mutating func add(_ tensor: Tensor) {
            if parameters.insert(ObjectIdentifier(tensor.storage)).inserted {
                parameterBytes &+= tensor.storage.byteCount
            }
            if let grad = tensor.grad, gradients.insert(ObjectIdentifier(grad.storage)).inserted {
                gradientBytes &+= grad.storage.byteCount
            }
        }

        mutating func add(_ optimizer: Optimizer) {
            guard optimizers.insert(ObjectIdentifier(optimizer)).inserted else { return }
            let parameters = optimizer.groups.flatMap(\.parameters)
            for named in parameters {
                if let tensor = named.parameter as? Tensor { add(tensor) }
            }
            switch optimizer {
            case let adamw as AdamW:
                // Two Float moments per element of every parameter updated at least once.
                for (slot, named) in parameters.enumerated() where adamw.stepCount(slot: slot) > 0 {
                    optimizerBytes = optimizerBytes.map { $0 &+ 8 &* named.parameter.elementCount }
                }
            case let sgd as SGD:
                if sgd.momentum > 0 && sgd.stepCount > 0 {
                    let elements = parameters.reduce(0) { $0 &+ $1.parameter.elementCount }
                    optimizerBytes = optimizerBytes.map { $0 &+ 4 &* elements }
                }
            default:
                optimizerBytes = nil
            }
        }
    }

    /// The resident set now and its peak (VmRSS and VmHWM of /proc/self/status), or the
    /// peak from getrusage where /proc is missing.
    static func residentSet() -> (current: Int, peak: Int) {
        var current = 0
        var peak = 0
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) {
            for line in status.split(separator: "\n") {
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
                if fields[0] == "VmRSS:" { current = kilobytes * 1024 }
                if fields[0] == "VmHWM:" { peak = kilobytes * 1024 }
            }
        }
        if peak == 0 {
            var usage = rusage()
            if getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 { peak = Int(usage.ru_maxrss) * 1024 }
        }
        return (current, Swift.max(peak, current))
    }
}
