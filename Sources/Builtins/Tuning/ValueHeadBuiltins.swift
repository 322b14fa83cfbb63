import Language
import Models
import Tensors
import Tuning

/// The reward model's value head: `model.value_head()`, `model.scores(ids,
/// attention_mask:)`, `model.value_head_params()` and the `ValueHead` type (save/load
/// as TRL's `value_head.safetensors`). Registering the domain adds the Model members.
public enum ValueHeadBuiltins: BuiltinDomain {
    /// The `ValueHead` type; registering it also adds the Model members.
    public static var types: [HostType] {
        for method in modelMethods { ModelBuiltins.modelType.method(method) }
        return [valueHeadType]
    }

    /// None.
    public static let functions: [Builtin] = []

    static let modelMethods: [Builtin] = [
        ModelBuiltins.modelMethod(
            "value_head", Signature([], labelled: [("path", .nil)]),
            doc: "the reward model's scalar head Linear(hidden, 1), attached on first use (included in model.trainable()); path: loads a value_head.safetensors file or folder"
        ) { model, arguments in
            let head = try ValueHead.attach(to: model)
            if let path = try arguments.optionalString("path") { try head.load(from: path) }
            return .host(ValueHeadValue(head))
        },
        ModelBuiltins.modelMethod(
            "scores", Signature(["ids"], labelled: [("attention_mask", .nil)]),
            doc: "the value head's score [B] at each row's last non-pad token"
        ) { model, arguments in
            guard let head = ValueHead.head(of: model) else {
                throw HostError("scores: the model has no value head", hint: "call model.value_head() first")
            }
            let ids = try ModelBuiltins.ids(arguments["ids"], "ids", arguments: arguments)
            let mask = try ModelBuiltins.optionalTensor(arguments, "attention_mask")
            return .tensor(try head.scores(model: model, ids: ids, attentionMask: mask))
        },
        ModelBuiltins.modelMethod(
            "value_head_params", doc: "the value head's weight and bias (empty before model.value_head())"
        ) { model, _ in
            .list(ValueHead.parameters(of: model).map { .tensor($0) })
        },
    ]

    /// The `ValueHead` host type.
    public static let valueHeadType: HostType = {
        let type = HostType(name: "ValueHead", doc: "a reward model's scalar head (TRL's v_head)")
        type.equality = { a, b in (a as? ValueHeadValue)?.head === (b as? ValueHeadValue)?.head }
        type.property("weight", doc: "[1, hidden] v_head.summary.weight") { object in
            .tensor(try cast(object, to: ValueHeadValue.self).head.weight)
        }
        type.property("bias", doc: "[1] v_head.summary.bias") { object in
            .tensor(try cast(object, to: ValueHeadValue.self).head.bias)
        }
        type.property("params", doc: "the weight and bias") { object in
            let head = try cast(object, to: ValueHeadValue.self).head
            return .list([.tensor(head.weight), .tensor(head.bias)])
        }
        type.method(
            Builtin("save", Signature(["dir"]), doc: "writes dir/value_head.safetensors with TRL's key names") {
                arguments in
                try arguments.receiver(as: ValueHeadValue.self).head.save(to: try arguments.string(0))
                return .nil
            })
        type.method(
            Builtin("load", Signature(["path"]), doc: "reads a value_head.safetensors file (or the one in a folder)") {
                arguments in
                try arguments.receiver(as: ValueHeadValue.self).head.load(from: try arguments.string(0))
                return .nil
            })
        return type
    }()
}

/// A value head as a value of the language: `model.value_head()`.
public final class ValueHeadValue: HostObject {
    /// The wrapped head.
    public let head: ValueHead
    /// Wraps a head.
    public init(_ head: ValueHead) { self.head = head }
    /// The `ValueHead` table.
    public var hostType: HostType { ValueHeadBuiltins.valueHeadType }
    /// `ValueHead(hidden 256)`.
    public var summary: String { "ValueHead(hidden \(head.weight.shape.last ?? 0))" }
}
