import Foundation
import Language
import Tensors

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `progress(total, ...)` and the `Progress` type: a progress bar on a terminal, plain
/// log lines otherwise (see ``ProgressBar``).
enum ProgressBuiltins {
    static let functions: [Builtin] = [
        Builtin(
            "progress",
            Signature(
                ["total"],
                labelled: [
                    ("desc", .string("")), ("initial", .int(0)), ("every", .int(10)),
                    ("terminal", .nil),
                ]),
            doc: "a progress bar for total steps: redrawn in place on a terminal (step, loss, lr, tokens/s, ETA), a log line every `every` steps otherwise; terminal: true/false overrides the check of stdout"
        ) { arguments in
            var terminal = isatty(1) == 1
            if case .bool(let value) = arguments["terminal"] { terminal = value }
            let bar = ProgressBar(
                total: try arguments.int(0), label: try arguments.string("desc"), terminal: terminal,
                every: try arguments.int("every"), initial: try arguments.int("initial"))
            return .host(ProgressValue(bar, output: arguments.interpreter.output))
        }
    ]

    /// The `Progress` host type.
    static let progressType: HostType = {
        let type = HostType(name: "Progress", doc: "a progress bar for a training run")
        type.property("step", doc: "the last step drawn") { object in
            .int(Int64(try cast(object, to: ProgressValue.self).bar.step))
        }
        type.property("total", doc: "the planned steps") { object in
            .int(Int64(try cast(object, to: ProgressValue.self).bar.total))
        }
        type.method(
            Builtin(
                "update", Signature(["step"], labelled: [("loss", .nil), ("lr", .nil), ("tokens", .nil)]),
                doc: "records the steps done with the step's loss, learning rate and token count"
            ) { arguments in
                let progress = try arguments.receiver(as: ProgressValue.self)
                let text = progress.bar.update(
                    step: try arguments.int(0), loss: try number(arguments, "loss"),
                    lr: try number(arguments, "lr"), tokens: try arguments.optionalInt("tokens"))
                if let text { progress.output(text) }
                return .nil
            })
        type.method(
            Builtin("write", Signature(["text"]), doc: "prints a line without breaking the bar") {
                arguments in
                let progress = try arguments.receiver(as: ProgressValue.self)
                progress.output(progress.bar.message(try arguments.string(0)))
                return .nil
            })
        type.method(
            Builtin("close", doc: "ends the bar's line") { arguments in
                let progress = try arguments.receiver(as: ProgressValue.self)
                if let text = progress.bar.close() { progress.output(text) }
                return .nil
            })
        return type
    }()

    /// A number argument that may be nil or a one-element tensor (numbers stay Double).
    static func number(_ arguments: Arguments, _ name: String) throws -> Double? {
        let value = arguments[name]
        if case .nil = value { return nil }
        if let tensor = tensor(value) { return Double(try tensor.item()) }
        return try arguments.double(name)
    }

    /// The tensor of a Tensor value; nil for anything else, numbers included.
    static func tensor(_ value: Value) -> Tensor? {
        guard case .host(let object) = value else { return nil }
        return (object as? TensorValue)?.tensor
    }
}

/// A progress bar as a value, writing through the interpreter's output sink (captured,
/// not the interpreter, so a bar held in a global makes no reference cycle).
final class ProgressValue: HostObject {
    let bar: ProgressBar
    let output: (String) -> Void
    init(_ bar: ProgressBar, output: @escaping (String) -> Void) {
        self.bar = bar
        self.output = output
    }
    var hostType: HostType { ProgressBuiltins.progressType }
    var summary: String { "Progress(\(bar.step)/\(bar.total))" }
}
