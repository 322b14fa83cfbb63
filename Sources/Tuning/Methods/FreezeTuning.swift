import Models
import Tensors

/// Freeze-tuning with LLaMA-Factory's semantics (`finetuning_type: freeze`): only some
/// decoder layers (and optional extra modules) are trained.
public enum FreezeTuning {
    /// Makes exactly the chosen parameters require grad and freezes the rest.
    /// - Parameters:
    ///   - trainableLayers: n > 0 trains the last n decoder layers, n < 0 the first |n|.
    ///   - modules: `["all"]`, or module names inside a layer (`mlp`, `self_attn`), matched
    ///     as `.{layer}.{module}` in the parameter name.
    ///   - extra: modules outside the layers to train too (`embed_tokens`, `norm`,
    ///     `lm_head`), matched as substrings of the name.
    /// - Returns: the names of the trainable parameters, in module order.
    /// - Throws: `AdapterError.invalidArgument` for 0 layers or an empty module list.
    @discardableResult
    public static func apply(
        to model: CausalLM, trainableLayers: Int, modules: [String] = ["all"], extra: [String] = []
    ) throws -> [String] {
        guard trainableLayers != 0 else {
            throw AdapterError.invalidArgument(name: "trainable_layers", reason: "must not be 0")
        }
        guard !modules.isEmpty else {
            throw AdapterError.invalidArgument(name: "modules", reason: "must not be empty")
        }
        let count = model.layers.count
        let ids =
            trainableLayers > 0
            ? Array(max(0, count - trainableLayers)..<count) : Array(0..<min(-trainableLayers, count))
        var patterns: [String] = []
        for id in ids {
            if modules.contains("all") {
                patterns.append(".\(id).")
            } else {
                patterns += modules.map { ".\(id).\($0)" }
            }
        }
        patterns += extra
        var trainable: [String] = []
        for (name, tensor) in model.namedParameters() {
            let train = patterns.contains { name.contains($0) }
            tensor.requiresGrad = train
            if train { trainable.append(name) }
        }
        return trainable
    }
}
