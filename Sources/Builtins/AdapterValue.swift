import Language
import Models
import Tensors
import Tuning

/// An adapter as a value of the language: `model.lora(rank: 8)`. Its table is
/// ``AdapterValue/type``.
public final class AdapterValue: HostObject {
    /// The wrapped adapter.
    public let adapter: any Adapter

    /// Wraps an adapter.
    public init(_ adapter: any Adapter) { self.adapter = adapter }

    /// The `Adapter` table.
    public var hostType: HostType { AdapterBuiltins.adapterType }

    /// One line: `LoRA(default, r 8, alpha 16, 28 modules [...], 123K params)`.
    public var summary: String { adapter.summary }
}

extension AdapterBuiltins {
    /// The `Adapter` host type: save, merge, state, grads, params, enable/disable.
    public static let adapterType: HostType = {
        let type = HostType(name: "Adapter", doc: "a fine-tuning adapter (LoRA) attached to a model")
        type.property("name", doc: "the adapter's name") { object in
            .string(try cast(object, to: AdapterValue.self).adapter.name)
        }
        type.property("params", doc: "the adapter's trainable tensors, in module order") { object in
            let adapter = try cast(object, to: AdapterValue.self).adapter
            return .list(ListObject(adapter.namedParameters.map { .tensor($0.1) }))
        }
        type.property("enabled", doc: "whether the adapter takes part in the forward pass") { object in
            .bool(try cast(object, to: AdapterValue.self).adapter.isEnabled)
        }
        for method in adapterMethods { type.method(method) }
        return type
    }()

    static func adapterMethod(
        _ name: String, _ signature: Signature = Signature(), doc: String,
        _ body: @escaping (any Adapter, Arguments) throws -> Value
    ) -> Builtin {
        Builtin(name, signature, doc: doc) { arguments in
            try body(try arguments.receiver(as: AdapterValue.self).adapter, arguments)
        }
    }

    static func dict(_ pairs: [(String, Tensor)]) -> Value {
        let dict = DictObject()
        for (key, tensor) in pairs { _ = dict.set(.string(key), .tensor(tensor)) }
        return .dict(dict)
    }

    static let adapterMethods: [Builtin] = [
        adapterMethod(
            "save", Signature(["dir"]),
            doc: "writes the PEFT folder: adapter_config.json and adapter_model.safetensors"
        ) { adapter, arguments in
            try adapter.save(to: try arguments.string(0))
            return .nil
        },
        adapterMethod("merge", doc: "folds the adapter into the base weights and removes it") { adapter, _ in
            try adapter.merge()
            return .nil
        },
        adapterMethod("detach", doc: "removes the adapter, leaving the base weights unchanged") { adapter, _ in
            adapter.detach()
            return .nil
        },
        adapterMethod("state", doc: "a dict from PEFT key names to the adapter's tensors") { adapter, _ in
            dict(adapter.namedParameters)
        },
        adapterMethod("grads", doc: "a dict from PEFT key names to gradients (after backward)") { adapter, _ in
            dict(adapter.namedParameters.compactMap { key, tensor in tensor.grad.map { (key, $0) } })
        },
        adapterMethod("enable", doc: "the adapter takes part in the forward pass") { adapter, _ in
            adapter.isEnabled = true
            return .nil
        },
        adapterMethod("disable", doc: "the adapter is skipped in the forward pass") { adapter, _ in
            adapter.isEnabled = false
            return .nil
        },
        adapterMethod(
            "disabled", Signature(["body"]), doc: "runs a block with the adapter disabled: adapter.disabled { model(x) }"
        ) { adapter, arguments in
            let body = try arguments.callable(0)
            let previous = adapter.isEnabled
            adapter.isEnabled = false
            defer { adapter.isEnabled = previous }
            return try arguments.call(body)
        },
    ]
}
