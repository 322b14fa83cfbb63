import Foundation
import Models
import Tensors

/// A named LoRA adapter on a model: the `LoRALayer`s of that name on the model's linear
/// layers. The layers live on the model (`Linear.adapters`), so this value can be rebuilt
/// from the model and the name at any time (`attached(to:)`).
public final class LoRAAdapter: Adapter {
    /// One adapted linear layer.
    public struct Site {
        /// The module path (`model.layers.0.self_attn.q_proj`).
        public let path: String
        /// The adapted layer.
        public let linear: Linear
        /// The LoRA pair on it.
        public let layer: LoRALayer
    }

    /// The model.
    public let model: CausalLM
    /// The adapter's name.
    public let name: String
    /// The configuration.
    public let config: LoRAConfig

    init(model: CausalLM, name: String, config: LoRAConfig) {
        self.model = model
        self.name = name
        self.config = config
    }

    /// `LORA`.
    public var kind: String { config.peftType }

    /// PEFT's key prefix of a module path in adapter_model.safetensors.
    public static func peftKey(_ path: String, _ part: String) -> String {
        "base_model.model.\(path).\(part).weight"
    }

    // MARK: Attaching

    /// Attaches a new LoRA adapter to every linear layer `config` targets, freezing every
    /// base parameter (as PEFT does).
    /// - Parameters:
    ///   - targets: leaf module names (`q_proj`), or `all` for every linear layer but
    ///     lm_head (LLaMA-Factory's `all`).
    /// - Throws: `AdapterError.invalidArgument`, `.noTargets`, `.duplicateName`,
    ///   `.unsupported` (bias other than none).
    public static func attach(
        to model: CausalLM, config: LoRAConfig, name: String = "default",
        generator: RandomGenerator = .global
    ) throws -> LoRAAdapter {
        guard config.r > 0 else { throw AdapterError.invalidArgument(name: "rank", reason: "must be positive, got \(config.r)") }
        guard config.loraAlpha.isFinite else { throw AdapterError.invalidArgument(name: "alpha", reason: "must be finite") }
        guard config.loraDropout >= 0, config.loraDropout < 1 else {
            throw AdapterError.invalidArgument(name: "dropout", reason: "must be in [0, 1), got \(config.loraDropout)")
        }
        guard !name.isEmpty else { throw AdapterError.invalidArgument(name: "name", reason: "must not be empty") }
        guard config.bias == "none" else { throw AdapterError.unsupported("bias \"\(config.bias)\"") }
        let targets = try targetLinears(of: model, config: config)
        if targets.contains(where: { $0.1.adapters.contains { $0.name == name } }) {
            throw AdapterError.duplicateName(name)
        }
        var resolved = config
        if resolved.targetPattern == nil {
            resolved.targetModules = Array(Set(targets.map { leafName($0.0) })).sorted()
        }
        if resolved.baseModel == nil { resolved.baseModel = model.sourceDirectory }
        for (_, tensor) in model.namedParameters() { tensor.requiresGrad = false }
        var built: [(Linear, LoRALayer)] = []
        var residuals: [(Linear, Tensor)] = []
        for (path, linear) in targets {
            let a: Tensor
            let b: Tensor
            if resolved.initialization == .pissa {
                let start = try PiSSA.initialise(linear: linear, r: resolved.r, scaling: resolved.scaling)
                (a, b) = (start.a, start.b)
                residuals.append((linear, start.residual))
            } else {
                (a, b) = try initialWeights(linear: linear, config: resolved, generator: generator)
            }
            for (tensor, part) in [(a, "lora_A"), (b, "lora_B")] {
                tensor.requiresGrad = true
                tensor.isParameter = true
                tensor.name = peftKey(path, part)
            }
            var magnitude: Tensor?
            if resolved.useDoRA {
                let probe = LoRALayer(name: name, a: a, b: b, config: resolved)
                let base = resolved.initialization == .pissa ? (residuals.last?.1 ?? linear.weight) : linear.weight
                let norm = try probe.doraWeightNorm(weight: base).contiguous()
                norm.requiresGrad = true
                norm.isParameter = true
                norm.name = magnitudeKey(path)
                magnitude = norm
            }
            built.append((linear, LoRALayer(name: name, a: a, b: b, config: resolved, magnitude: magnitude)))
        }
        for (linear, residual) in residuals {
            let old = linear.weight
            let replacement = try residual.to(old.dtype).contiguous()
            replacement.name = old.name
            replacement.isParameter = old.isParameter
            linear.weight = replacement
        }
        for (linear, layer) in built { linear.adapters.append(layer) }
        return LoRAAdapter(model: model, name: name, config: resolved)
    }

    /// PEFT's saved key of DoRA's magnitude vector.
    public static func magnitudeKey(_ path: String) -> String {
        "base_model.model.\(path).lora_magnitude_vector"
    }

    static func leafName(_ path: String) -> String {
        path.split(separator: ".").last.map(String.init) ?? path
    }

    /// The linear layers `config` targets, with their paths, in module order.
    static func targetLinears(of model: CausalLM, config: LoRAConfig) throws -> [(String, Linear)] {
        let linears = model.namedModules().compactMap { entry -> (String, Linear)? in
            (entry.1 as? Linear).map { (entry.0, $0) }
        }
        let chosen: [(String, Linear)]
        if let pattern = config.targetPattern {
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: "^(?:" + pattern + ")$") } catch {
                throw AdapterError.invalidArgument(name: "target_modules", reason: "is not a valid pattern: \(pattern)")
            }
            chosen = linears.filter { path, _ in
                regex.firstMatch(in: path, range: NSRange(path.startIndex..., in: path)) != nil
            }
        } else if config.targetModules.contains("all") || config.targetModules.contains("all-linear") {
            chosen = linears.filter { $0.0 != "lm_head" }
        } else {
            let wanted = Set(config.targetModules)
            chosen = linears.filter { path, _ in
                wanted.contains(path) || wanted.contains(leafName(path))
            }
        }
        guard !chosen.isEmpty else {
            throw AdapterError.noTargets(targets: config.targetPattern.map { [$0] } ?? config.targetModules)
        }
        return chosen
    }

    static func initialWeights(linear: Linear, config: LoRAConfig, generator: RandomGenerator) throws
        -> (Tensor, Tensor)
    {
        let (input, output, r) = (linear.inputFeatures, linear.outputFeatures, config.r)
        switch config.initialization {
        case .default:
            return (try .kaimingUniform([r, input], generator: generator), try Tensor(zeros: [output, r]))
        case .gaussian:
            return (try .randn([r, input], std: 1 / Float(r), generator: generator), try Tensor(zeros: [output, r]))
        case .none:
            return (
                try .kaimingUniform([r, input], generator: generator),
                try .kaimingUniform([output, r], generator: generator)
            )
        case .pissa:
            throw AdapterError.unsupported("PiSSA here (PiSSA.initialise handles it)")
        }
    }

    // MARK: Reading

    /// Every LoRA adapter attached to `model`, by name, in module order.
    public static func attached(to model: CausalLM) -> [LoRAAdapter] {
        var seen: [String] = []
        var configs: [String: LoRAConfig] = [:]
        for (_, module) in model.namedModules() {
            guard let linear = module as? Linear else { continue }
            for case let layer as LoRALayer in linear.adapters where configs[layer.name] == nil {
                seen.append(layer.name)
                configs[layer.name] = layer.config
            }
        }
        return seen.compactMap { name in configs[name].map { LoRAAdapter(model: model, name: name, config: $0) } }
    }

    /// The adapted layers, in module order.
    public var sites: [Site] {
        model.namedModules().flatMap { path, module -> [Site] in
            guard let linear = module as? Linear else { return [] }
            return linear.adapters.compactMap { adapter in
                guard let layer = adapter as? LoRALayer, layer.name == name else { return nil }
                return Site(path: path, linear: linear, layer: layer)
            }
        }
    }

    /// lora_A and lora_B of every site with PEFT's saved key names
    /// (`base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight`).
    public var namedParameters: [(String, Tensor)] {
        sites.flatMap { site in
            var pairs = [(Self.peftKey(site.path, "lora_A"), site.layer.a), (Self.peftKey(site.path, "lora_B"), site.layer.b)]
            if let magnitude = site.layer.magnitude { pairs.append((Self.magnitudeKey(site.path), magnitude)) }
            return pairs
        }
    }

    /// The parameters by PEFT key.
    public func state() -> [String: Tensor] {
        Dictionary(namedParameters, uniquingKeysWith: { first, _ in first })
    }

    /// The gradients by PEFT key (parameters without a gradient are left out).
    public func grads() -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for (key, tensor) in namedParameters { if let grad = tensor.grad { out[key] = grad } }
        return out
    }

    /// The number of adapter parameter elements.
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.1.count } }

    /// `LoRA(default, r 8, alpha 16, 28 modules [q_proj, v_proj], 123K params)`.
    public var summary: String {
        let count = sites.count
        let targets = config.targetPattern ?? config.targetModules.joined(separator: ", ")
        let rs = (config.useRSLoRA ? ", rslora" : "") + (config.useDoRA ? ", dora" : "")
        let state = isEnabled ? "" : ", disabled"
        return "\(config.useDoRA ? "DoRA" : "LoRA")(\(name), r \(config.r), alpha \(Self.number(config.loraAlpha))\(rs), "
            + "\(count) modules [\(targets)], \(parameterCount) params\(state))"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    // MARK: State

    /// Whether every site takes part in the forward pass (set to switch all of them).
    public var isEnabled: Bool {
        get { sites.allSatisfy { $0.layer.isEnabled } }
        set { for site in sites { site.layer.isEnabled = newValue } }
    }

    /// Runs `body` with the adapter disabled, restoring the previous state after.
    public func withDisabled<R>(_ body: () throws -> R) rethrows -> R {
        let layers = sites.map(\.layer)
        let previous = layers.map(\.isEnabled)
        for layer in layers { layer.isEnabled = false }
        defer { for (layer, flag) in zip(layers, previous) { layer.isEnabled = flag } }
        return try body()
    }

    /// Removes the adapter's layers from the model.
    public func detach() {
        for site in sites {
            site.linear.adapters.removeAll { ($0 as? LoRALayer) === site.layer }
        }
    }

    /// Folds the adapter into every adapted weight (`W + scaling B A`, times m/n per row
    /// for DoRA; in the weight's dtype) and removes it, as PEFT's `merge_and_unload`.
    /// - Throws: tensor errors.
    public func merge() throws {
        for site in sites {
            let old = site.linear.weight
            let merged = try withNoGrad { () throws -> Tensor in
                try site.layer.mergedWeight(old).to(old.dtype).contiguous()
            }
            merged.name = old.name
            merged.isParameter = old.isParameter
            merged.requiresGrad = old.requiresGrad
            site.linear.weight = merged
            site.linear.adapters.removeAll { ($0 as? LoRALayer) === site.layer }
        }
    }
}
