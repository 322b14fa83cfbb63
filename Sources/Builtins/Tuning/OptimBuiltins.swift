import Language
import Tensors
import Tuning

/// An optimizer as a value: `adamw(model.trainable(), lr: 2e-4)`.
public final class OptimizerValue: HostObject {
    /// The wrapped optimizer.
    public let optimizer: Optimizer
    /// Wraps an optimizer.
    public init(_ optimizer: Optimizer) { self.optimizer = optimizer }
    /// The `Optimizer` table.
    public var hostType: HostType { OptimBuiltins.optimizerType }
    /// `AdamW(2 groups, 16 params, lr 2.0e-04)`.
    public var summary: String {
        let count = optimizer.groups.reduce(0) { $0 + $1.parameters.count }
        return "\(optimizer.kind)(\(optimizer.groups.count) groups, \(count) params, lr \(optimizer.lr))"
    }
}

/// A learning-rate scheduler as a value: `scheduler("cosine", opt, warmup: 10, total: 200)`.
public final class SchedulerValue: HostObject {
    /// The wrapped scheduler.
    public let scheduler: LRScheduler
    /// Its kind, for the summary.
    public let kind: String
    /// Wraps a scheduler.
    public init(_ scheduler: LRScheduler, kind: String) {
        self.scheduler = scheduler
        self.kind = kind
    }
    /// The `Scheduler` table.
    public var hostType: HostType { OptimBuiltins.schedulerType }
    /// `Scheduler(cosine, lr 1.0e-04)`.
    public var summary: String { "Scheduler(\(kind), lr \(scheduler.lr))" }
}

/// Optimizers, schedulers and gradient clipping.
public enum OptimBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [optimizerType, schedulerType] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "adamw",
            Signature(
                ["params"],
                labelled: [
                    ("lr", .float(1e-3)), ("weight_decay", .float(0)), ("betas", .nil),
                    ("eps", .float(1e-8)), ("loraplus_ratio", .nil),
                ]),
            doc: "AdamW as torch.optim.AdamW; loraplus_ratio: gives lora_B and 1-D params ratio*lr"
        ) { arguments in
            var betas = (0.9, 0.999)
            if case .list(let list) = arguments["betas"] {
                guard list.items.count == 2, let b1 = list.items[0].asDouble, let b2 = list.items[1].asDouble else {
                    throw arguments.badArgument("betas", expected: "list of two numbers", got: arguments["betas"])
                }
                betas = (b1, b2)
            }
            let ratio = try TensorConversion.optionalDouble(arguments, "loraplus_ratio")
            let optimizer = try AdamW(
                parameters: try namedParameters(arguments), lr: try arguments.double("lr"),
                weightDecay: try arguments.double("weight_decay"), betas: betas,
                eps: try arguments.double("eps"), loraPlusRatio: ratio)
            return .host(OptimizerValue(warned(optimizer, arguments)))
        },
        Builtin(
            "sgd",
            Signature(
                ["params"],
                labelled: [
                    ("lr", .float(1e-3)), ("momentum", .float(0)), ("dampening", .float(0)),
                    ("weight_decay", .float(0)), ("nesterov", .bool(false)),
                ]),
            doc: "SGD with momentum as torch.optim.SGD"
        ) { arguments in
            let optimizer = try SGD(
                parameters: try namedParameters(arguments), lr: try arguments.double("lr"),
                momentum: try arguments.double("momentum"),
                dampening: try arguments.double("dampening"),
                weightDecay: try arguments.double("weight_decay"),
                nesterov: try arguments.bool("nesterov"))
            return .host(OptimizerValue(warned(optimizer, arguments)))
        },
        Builtin(
            "scheduler",
            Signature(
                ["name", "optimizer"],
                labelled: [("warmup", .int(0)), ("warmup_ratio", .float(0)), ("total", .nil)]),
            doc: "a transformers learning-rate schedule: linear, cosine, constant, inverse_sqrt ..."
        ) { arguments in
            let name = try arguments.string(0)
            let optimizer = try arguments.host(1, as: OptimizerValue.self, "optimizer").optimizer
            let schedule = try LRSchedule(
                try SchedulerKind(parsing: name), warmupSteps: try arguments.int("warmup"),
                warmupRatio: try arguments.double("warmup_ratio"),
                totalSteps: try arguments.optionalInt("total"), baseLR: optimizer.lr)
            return .host(SchedulerValue(LRScheduler(schedule, optimizer: optimizer), kind: name))
        },
        Builtin(
            "clip_grad_norm", Signature(["params", "max_norm"], labelled: [("norm_type", .float(2))]),
            doc: "scales gradients so their total norm is at most max_norm; returns the norm before"
        ) { arguments in
            let tensors = try TensorConversion.tensors(arguments, "params")
            return .float(try Profiler.region("clip_grad_norm") {
                try GradientClipping.clipGradNorm(
                    tensors, maxNorm: try arguments.double(1),
                    normType: try arguments.double("norm_type")) })
        },
    ]

    /// The parameters of `params` named by their tensor names (PEFT keys for adapters),
    /// so LoRA+ and weight-decay grouping can read them.
    static func namedParameters(_ arguments: Arguments) throws -> [NamedParameter] {
        let tensors = try TensorConversion.tensors(arguments, "params")
        return tensors.enumerated().map { index, tensor in
            NamedParameter(tensor.name ?? "param.\(index)", tensor)
        }
    }

    /// Sends the optimizer's warnings (skipped steps) to the script's output.
    static func warned(_ optimizer: Optimizer, _ arguments: Arguments) -> Optimizer {
        // Weakly: an optimizer bound to a global would otherwise keep its interpreter alive.
        optimizer.warningHandler = { [weak interpreter = arguments.interpreter] message in
            interpreter?.output("warning: \(message)\n")
        }
        return optimizer
    }

    /// The `Optimizer` host type.
    public static let optimizerType: HostType = {
        let type = HostType(name: "Optimizer", doc: "an optimizer over parameter groups")
        type.property("lr", doc: "the first group's learning rate") { object in
            .float(try cast(object, to: OptimizerValue.self).optimizer.lr)
        }
        type.property("groups", doc: "the parameter groups: label, lr, weight_decay, names") { object in
            let optimizer = try cast(object, to: OptimizerValue.self).optimizer
            return .list(
                optimizer.groups.map { group in
                    let dict = DictObject()
                    _ = dict.set(.string("label"), .string(group.label))
                    _ = dict.set(.string("lr"), .float(group.lr))
                    _ = dict.set(.string("weight_decay"), .float(group.weightDecay))
                    _ = dict.set(.string("names"), .list(group.names.map { .string($0) }))
                    return .dict(dict)
                })
        }
        type.property("steps", doc: "the number of steps taken") { object in
            .int(Int64(try cast(object, to: OptimizerValue.self).optimizer.stepCount))
        }
        type.method(
            Builtin("step", doc: "updates the parameters from their gradients; false if skipped") {
                arguments in
                .bool(try Profiler.region("optimizer.step") { try arguments.receiver(as: OptimizerValue.self).optimizer.step() })
            })
        type.method(
            Builtin("zero_grad", doc: "clears the parameters' gradients") { arguments in
                (try arguments.receiver(as: OptimizerValue.self)).optimizer.zeroGrad()
                return .nil
            })
        return type
    }()

    /// The `Scheduler` host type.
    public static let schedulerType: HostType = {
        let type = HostType(name: "Scheduler", doc: "a learning-rate schedule driving an optimizer")
        type.property("lr", doc: "the current learning rate") { object in
            .float(try cast(object, to: SchedulerValue.self).scheduler.lr)
        }
        type.method(
            Builtin("step", Signature(labelled: [("metric", .nil)]), doc: "advances one step") {
                arguments in
                let scheduler = try arguments.receiver(as: SchedulerValue.self).scheduler
                if let metric = try TensorConversion.optionalDouble(arguments, "metric") {
                    scheduler.step(metric: metric)
                } else {
                    scheduler.step()
                }
                return .nil
            })
        return type
    }()
}
