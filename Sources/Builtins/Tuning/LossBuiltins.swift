import Language
import Tensors
import Tuning

/// The training losses as global functions: sequence log-probabilities, DPO (sigmoid,
/// hinge, IPO), ORPO, SimPO, KTO and the pairwise reward-model loss, each returning a
/// dict of the loss and its metrics (LLaMA-Factory's names and defaults).
public enum LossBuiltins: BuiltinDomain {
    /// None: losses are plain functions over tensors.
    public static var types: [HostType] { [] }

    /// The loss functions.
    public static let functions: [Builtin] = sequenceFunctions + preferenceFunctions + ktoFunctions

    static let sequenceFunctions: [Builtin] = [
        Builtin(
            "sequence_logps", Signature(["logits", "labels"], labelled: [("average", .bool(false))]),
            doc: "log p(labels) per row [B] of logits [B, T, V]: labels shifted by one, -100 ignored, summed (average: true divides by the counted tokens)"
        ) { arguments in
            .tensor(
                try SequenceLogProbs.compute(
                    logits: try tensor(arguments, "logits"), labels: try tensor(arguments, "labels"),
                    average: try arguments.bool("average")))
        },
        Builtin(
            "sequence_lengths", Signature(["labels"]),
            doc: "the counted tokens per row [B] (float) after the causal shift: labels[:, 1:] that are not -100"
        ) { arguments in
            let lengths = try SequenceLogProbs.lengths(labels: try tensor(arguments, "labels"))
            return .tensor(try Tensor(shape: [lengths.count], scalars: lengths.map(Float.init)))
        },
        Builtin(
            "reward_loss", Signature(["chosen_scores", "rejected_scores"]),
            doc: "pairwise reward-model loss -mean(log sigmoid(chosen - rejected)): {loss, accuracy}"
        ) { arguments in
            let (loss, accuracy) = try RewardLoss.compute(
                chosen: try tensor(arguments, "chosen_scores"), rejected: try tensor(arguments, "rejected_scores"))
            return dict([("loss", .tensor(loss)), ("accuracy", .float(Double(accuracy)))])
        },
    ]

    static let preferenceFunctions: [Builtin] = [
        Builtin(
            "dpo_loss",
            Signature(
                ["policy_chosen", "policy_rejected", "ref_chosen", "ref_rejected"],
                labelled: [
                    ("beta", .float(0.1)), ("loss", .string("sigmoid")), ("label_smoothing", .float(0)),
                    ("ftx", .float(0)), ("chosen_logps_avg", .nil),
                ]),
            doc: "DPO against a reference (loss: sigmoid | hinge | ipo; ipo takes average logps): {loss, losses, chosen_rewards, rejected_rewards, accuracy, margin}; ftx adds ftx * -chosen_logps_avg"
        ) { arguments in
            let kind = try dpoKind(arguments)
            let policyChosen = try tensor(arguments, "policy_chosen")
            var output = try PreferenceLoss.dpo(
                policyChosen: policyChosen, policyRejected: try tensor(arguments, "policy_rejected"),
                referenceChosen: try tensor(arguments, "ref_chosen"),
                referenceRejected: try tensor(arguments, "ref_rejected"),
                beta: try arguments.double("beta"), kind: kind,
                labelSmoothing: try arguments.double("label_smoothing"))
            let average = try optionalTensor(arguments, "chosen_logps_avg") ?? (kind == .ipo ? policyChosen : nil)
            output = try withSFT(output, arguments, average: average)
            return preferenceDict(output)
        },
        Builtin(
            "orpo_loss",
            Signature(
                ["chosen_logps_avg", "rejected_logps_avg"],
                labelled: [("chosen_nll", .nil), ("beta", .float(0.1)), ("ftx", .float(0))]),
            doc: "ORPO (LLaMA-Factory's odds ratio) on average logps: sft + beta * -log sigmoid(log odds); chosen_nll defaults to -chosen_logps_avg"
        ) { arguments in
            let chosen = try tensor(arguments, "chosen_logps_avg")
            let output = try PreferenceLoss.orpo(
                chosenAverage: chosen, rejectedAverage: try tensor(arguments, "rejected_logps_avg"),
                chosenNLL: try optionalTensor(arguments, "chosen_nll"), beta: try arguments.double("beta"))
            return preferenceDict(try withSFT(output, arguments, average: chosen))
        },
        Builtin(
            "simpo_loss",
            Signature(
                ["chosen_logps_avg", "rejected_logps_avg"],
                labelled: [("beta", .float(0.1)), ("gamma", .float(0.5)), ("ftx", .float(0))]),
            doc: "SimPO on average logps: -log sigmoid(beta * (chosen - rejected - gamma / beta))"
        ) { arguments in
            let chosen = try tensor(arguments, "chosen_logps_avg")
            let output = try PreferenceLoss.simpo(
                chosenAverage: chosen, rejectedAverage: try tensor(arguments, "rejected_logps_avg"),
                beta: try arguments.double("beta"), gamma: try arguments.double("gamma"))
            return preferenceDict(try withSFT(output, arguments, average: chosen))
        },
    ]

    static let ktoFunctions: [Builtin] = [
        Builtin(
            "kto_loss",
            Signature(
                ["policy_chosen", "policy_rejected", "policy_kl", "ref_chosen", "ref_rejected", "ref_kl"],
                labelled: [
                    ("beta", .float(0.1)), ("desirable_weight", .float(1)), ("undesirable_weight", .float(1)),
                    ("ftx", .float(0)), ("chosen_logps_avg", .nil),
                ]),
            doc: "KTO (TRL) on sum logps of desirable and undesirable rows, KL from the mismatched pairs: {loss, losses, chosen_rewards, rejected_rewards, kl}"
        ) { arguments in
            let output = try KTOLoss.compute(
                policyChosen: try tensor(arguments, "policy_chosen"),
                policyRejected: try tensor(arguments, "policy_rejected"),
                policyKL: try tensor(arguments, "policy_kl"),
                referenceChosen: try tensor(arguments, "ref_chosen"),
                referenceRejected: try tensor(arguments, "ref_rejected"),
                referenceKL: try tensor(arguments, "ref_kl"), beta: try arguments.double("beta"),
                desirableWeight: try arguments.double("desirable_weight"),
                undesirableWeight: try arguments.double("undesirable_weight"),
                ftx: try arguments.double("ftx"),
                chosenLogpsAverage: try optionalTensor(arguments, "chosen_logps_avg"))
            return dict([
                ("loss", .tensor(output.loss)), ("losses", .tensor(output.losses)),
                ("chosen_rewards", .tensor(output.chosenRewards)),
                ("rejected_rewards", .tensor(output.rejectedRewards)), ("kl", .float(Double(output.kl))),
            ])
        },
        Builtin(
            "kto_split", Signature(["values", "tags"]),
            doc: "(desirable, undesirable): the rows of values [B, ...] whose tag is true, then false (batch.tags)"
        ) { arguments in
            let tags = try arguments.list("tags").map { value -> Bool in
                guard case .bool(let flag) = value else {
                    throw arguments.badArgument("tags", expected: "list of bools", got: value)
                }
                return flag
            }
            let (desirable, undesirable) = try KTOLoss.split(try tensor(arguments, "values"), tags: tags)
            return .tuple([.tensor(desirable), .tensor(undesirable)])
        },
    ]

    // MARK: Helpers

    /// The tensor argument `name`.
    static func tensor(_ arguments: Arguments, _ name: String) throws -> Tensor {
        guard case .host = arguments[name], let tensor = TensorConversion.tensor(from: arguments[name]) else {
            throw arguments.badArgument(name, expected: "Tensor", got: arguments[name])
        }
        return tensor
    }

    /// The tensor argument `name`, or nil when nil.
    static func optionalTensor(_ arguments: Arguments, _ name: String) throws -> Tensor? {
        if case .nil = arguments[name] { return nil }
        return try tensor(arguments, name)
    }

    static func dpoKind(_ arguments: Arguments) throws -> PreferenceLoss.DPOKind {
        let name = try arguments.string("loss")
        guard let kind = PreferenceLoss.DPOKind(rawValue: name) else {
            let hint = ["orpo", "simpo"].contains(name) ? "\(name) needs no reference: call \(name)_loss" : nil
            throw HostError(
                "bad argument 'loss' to 'dpo_loss' (sigmoid, hinge or ipo expected, got '\(name)')", hint: hint)
        }
        return kind
    }

    /// Adds the `ftx` SFT term when asked for.
    static func withSFT(_ output: PreferenceLossOutput, _ arguments: Arguments, average: Tensor?) throws
        -> PreferenceLossOutput
    {
        let ftx = try arguments.double("ftx")
        guard ftx > 1e-6 else { return output }
        guard let average else {
            throw HostError(
                "\(arguments.function): ftx needs chosen_logps_avg (the chosen answers' average log-probabilities)",
                hint: "pass chosen_logps_avg: sequence_logps(logits, labels, average: true)[0:n]")
        }
        return try PreferenceLoss.addingSFT(output, ftx: ftx, chosenLogpsAverage: average, function: arguments.function)
    }

    static func preferenceDict(_ output: PreferenceLossOutput) -> Value {
        dict([
            ("loss", .tensor(output.loss)), ("losses", .tensor(output.losses)),
            ("chosen_rewards", .tensor(output.chosenRewards)),
            ("rejected_rewards", .tensor(output.rejectedRewards)),
            ("accuracy", .float(Double(output.accuracy))), ("margin", .float(Double(output.margin))),
        ])
    }

    static func dict(_ pairs: [(String, Value)]) -> Value {
        let dict = DictObject()
        for (key, value) in pairs { _ = dict.set(.string(key), value) }
        return .dict(dict)
    }
}
