import Models
import Tensors

/// A fine-tuning adapter attached to a model (LoRA today): a value the language holds,
/// which can be enabled, merged into the base weights, detached and saved in PEFT's format.
public protocol Adapter: AnyObject {
    /// The adapter's name (`default`).
    var name: String { get }
    /// The kind, as PEFT's `peft_type` (`LORA`).
    var kind: String { get }
    /// Whether the adapter takes part in the forward pass.
    var isEnabled: Bool { get set }
    /// The trainable tensors with their PEFT key names, in module order.
    var namedParameters: [(String, Tensor)] { get }
    /// One line for printing.
    var summary: String { get }
    /// Folds the adapter into the base weights and removes it.
    func merge() throws
    /// Removes the adapter, leaving the base weights as they were.
    func detach()
    /// Writes the adapter's PEFT folder.
    func save(to directory: String) throws
}

/// The adapter kinds that can be read from a PEFT folder, by `peft_type`: one table
/// (STYLE.md 31); a new kind adds one row.
public enum AdapterRegistry {
    /// Reads a folder written by PEFT or lfs into `model` under `name`.
    public typealias Loader = @Sendable (CausalLM, String, String) throws -> any Adapter

    /// `peft_type` -> loader.
    public static let loaders: [String: Loader] = [
        "LORA": { model, directory, name in try LoRAAdapter.load(into: model, from: directory, name: name) }
    ]

    /// Loads the adapter folder `directory` (adapter_config.json and
    /// adapter_model.safetensors) into `model`.
    /// - Throws: `AdapterError.invalidFile`, `.unsupported` for a peft_type with no loader.
    public static func load(into model: CausalLM, from directory: String, name: String = "default") throws
        -> any Adapter
    {
        let config = try LoRAConfig.read(directory: directory)
        guard let loader = loaders[config.peftType] else {
            throw AdapterError.unsupported("peft_type \(config.peftType)")
        }
        return try loader(model, directory, name)
    }

    /// Every adapter attached to `model`, in the order they were first found.
    public static func adapters(of model: CausalLM) -> [any Adapter] {
        LoRAAdapter.attached(to: model)
    }
}
