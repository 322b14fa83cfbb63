import Foundation
import Language
import Tuning

/// The run logs a user's tools read: `trainer_log(...)` (LLaMA-Factory's
/// `trainer_log.jsonl`), `tensorboard(...)` (event files) and `loss_curve(...)` (an SVG
/// with a smoothed line).
enum LogsBuiltins {
    static let functions: [Builtin] = [
        Builtin(
            "trainer_log",
            Signature(["output_dir"], labelled: [("total_steps", .int(0)), ("overwrite", .bool(false))]),
            doc: "appends LLaMA-Factory's trainer_log.jsonl lines in output_dir (overwrite: starts the file afresh)"
        ) { arguments in
            let log = try TrainerLog(
                directory: try arguments.string(0), totalSteps: try arguments.int("total_steps"),
                overwrite: try arguments.bool("overwrite"))
            return .host(TrainerLogValue(log))
        },
        Builtin(
            "tensorboard", Signature(["dir"]),
            doc: "a TensorBoard event file in dir for scalar summaries"
        ) { arguments in
            .host(TensorBoardValue(try TensorBoardWriter(directory: try arguments.string(0))))
        },
        Builtin(
            "loss_curve",
            Signature(["values", "path"], labelled: [("title", .string("training loss")), ("smoothing", .float(0.6))]),
            doc: "writes an SVG of values (numbers for steps 1, 2 ..., or [step, value] pairs) with a smoothed line"
        ) { arguments in
            let items = try arguments.list(0)
            var points: [(step: Int, value: Double)] = []
            for (index, item) in items.enumerated() {
                if let value = item.asDouble {
                    points.append((index + 1, value))
                } else if let pair = TensorConversion.items(of: item), pair.count == 2,
                    let step = TensorConversion.integer(pair[0]), let value = pair[1].asDouble
                {
                    points.append((step, value))
                } else {
                    throw arguments.badArgument("values", expected: "list of numbers or [step, value] pairs", got: item)
                }
            }
            try LossCurve.write(
                points, to: try arguments.string(1), title: try arguments.string("title"),
                smoothing: try arguments.double("smoothing"))
            return .nil
        },
    ]

    /// The `TrainerLog` host type.
    static let trainerLogType: HostType = {
        let type = HostType(name: "TrainerLog", doc: "LLaMA-Factory's trainer_log.jsonl")
        type.property("path", doc: "the log file") { object in
            .string(try cast(object, to: TrainerLogValue.self).log.path)
        }
        type.method(
            Builtin(
                "log",
                Signature(
                    ["step"],
                    labelled: [
                        ("loss", .nil), ("eval_loss", .nil), ("reward", .nil), ("accuracy", .nil),
                        ("lr", .nil), ("epoch", .nil), ("tokens", .nil),
                    ]),
                doc: "appends a line for step (elapsed and remaining time, percentage filled in); tokens: seen so far"
            ) { arguments in
                let log = try arguments.receiver(as: TrainerLogValue.self).log
                func number(_ name: String) throws -> Double? { try ProgressBuiltins.number(arguments, name) }
                try log.log(
                    step: try arguments.int(0), loss: try number("loss"), evalLoss: try number("eval_loss"),
                    reward: try number("reward"), accuracy: try number("accuracy"), lr: try number("lr"),
                    epoch: try number("epoch"), totalTokens: try arguments.optionalInt("tokens"))
                return .nil
            })
        return type
    }()

    /// The `TensorBoard` host type.
    static let tensorBoardType: HostType = {
        let type = HostType(name: "TensorBoard", doc: "a TensorBoard event file of scalar summaries")
        type.property("path", doc: "the event file") { object in
            .string(try cast(object, to: TensorBoardValue.self).writer.path)
        }
        type.method(
            Builtin("add_scalar", Signature(["tag", "value", "step"]), doc: "appends one scalar") { arguments in
                let writer = try arguments.receiver(as: TensorBoardValue.self).writer
                guard let value = try ProgressBuiltins.number(arguments, "value") else {
                    throw arguments.badArgument("value", expected: "number", got: arguments[1])
                }
                try writer.addScalar(try arguments.string(0), value, step: try arguments.int(2))
                return .nil
            })
        type.method(
            Builtin(
                "add_scalars", Signature(["values", "step"]),
                doc: "appends a dict of tag -> number as one event (nil values are left out)"
            ) { arguments in
                let writer = try arguments.receiver(as: TensorBoardValue.self).writer
                var scalars: [(String, Double)] = []
                for (key, value) in try arguments.dict(0).entries {
                    guard case .string(let tag) = key else {
                        throw arguments.badArgument("values", expected: "dict of string to number", got: key)
                    }
                    if case .nil = value { continue }
                    if let number = value.asDouble {
                        scalars.append((tag, number))
                    } else if let tensor = ProgressBuiltins.tensor(value) {
                        scalars.append((tag, Double(try tensor.item())))
                    } else {
                        throw arguments.badArgument("values", expected: "dict of string to number", got: value)
                    }
                }
                try writer.addScalars(scalars, step: try arguments.int(1))
                return .nil
            })
        return type
    }()
}

/// A trainer log as a value.
final class TrainerLogValue: HostObject {
    let log: TrainerLog
    init(_ log: TrainerLog) { self.log = log }
    var hostType: HostType { LogsBuiltins.trainerLogType }
    var summary: String { "TrainerLog(\(log.path))" }
}

/// A TensorBoard writer as a value.
final class TensorBoardValue: HostObject {
    let writer: TensorBoardWriter
    init(_ writer: TensorBoardWriter) { self.writer = writer }
    var hostType: HostType { LogsBuiltins.tensorBoardType }
    var summary: String { "TensorBoard(\(writer.path))" }
}
