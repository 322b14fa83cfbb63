@testable import Graphs

/// Hand-built `GraphModel`s shaped like the traces lfs records, for tests that must not
/// depend on the tape: a LLaMA-style training step with LoRA on q_proj and v_proj.
enum SyntheticGraphs {
    /// One training step of a `layers`-block decoder: embedding, blocks, norm, lm_head,
    /// cross-entropy. Block `differentLayer`, when given, gets an extra op so that it
    /// breaks a run of identical blocks.
    static func trainingStep(layers: Int, differentLayer: Int? = nil) -> GraphModel {
        var graph = GraphModel(title: "loss")
        let B = 2, T = 8, C = 16, V = 32
        let ids = graph.addNode(label: "input_ids", kind: .input, shape: [B, T], dtype: "i64")
        let table = graph.addNode(
            label: "model.embed_tokens.weight", kind: .parameter(trainable: false),
            shape: [V, C], modulePath: "model.embed_tokens")
        var hidden = graph.addNode(
            label: "embedding", kind: .op, shape: [B, T, C], requiresGrad: true,
            modulePath: "model.embed_tokens")
        graph.addEdge(from: table, to: hidden)
        graph.addEdge(from: ids, to: hidden)
        for layer in 0..<layers {
            let block = "model.layers.\(layer)"
            let normed = norm(&graph, hidden, path: "\(block).input_layernorm", C: C)
            let q = linear(&graph, normed, path: "\(block).self_attn.q_proj", C: C, lora: true)
            let k = linear(&graph, normed, path: "\(block).self_attn.k_proj", C: C, lora: false)
            let v = linear(&graph, normed, path: "\(block).self_attn.v_proj", C: C, lora: true)
            let attention = op(&graph, "causal_attention", [q, k, v], path: "\(block).self_attn")
            var out = linear(&graph, attention, path: "\(block).self_attn.o_proj", C: C, lora: false)
            if layer == differentLayer {
                out = op(&graph, "dropout(p=0.1)", [out], path: "\(block).self_attn")
            }
            let residual = op(&graph, "add", [hidden, out], path: block)
            let normed2 = norm(&graph, residual, path: "\(block).post_attention_layernorm", C: C)
            let gate = linear(&graph, normed2, path: "\(block).mlp.gate_proj", C: C, lora: false)
            let up = linear(&graph, normed2, path: "\(block).mlp.up_proj", C: C, lora: false)
            let swiglu = op(&graph, "swiglu", [gate, up], path: "\(block).mlp")
            let down = linear(&graph, swiglu, path: "\(block).mlp.down_proj", C: C, lora: false)
            hidden = op(&graph, "add", [residual, down], path: block)
        }
        let final = norm(&graph, hidden, path: "model.norm", C: C)
        let head = graph.addNode(
            label: "lm_head.weight", kind: .parameter(trainable: false), shape: [V, C],
            modulePath: "lm_head")
        let logits = graph.addNode(
            label: "matmul", kind: .op, shape: [B, T, V], requiresGrad: true,
            modulePath: "lm_head")
        graph.addEdge(from: final, to: logits)
        graph.addEdge(from: head, to: logits)
        let labels = graph.addNode(label: "labels", kind: .input, shape: [B, T], dtype: "i64")
        let loss = graph.addNode(
            label: "cross_entropy", kind: .op, shape: [], requiresGrad: true)
        graph.addEdge(from: logits, to: loss, label: "[\(B), \(T), \(V)]")
        graph.addEdge(from: labels, to: loss)
        graph.markOutput(loss)
        return graph
    }

    private static func op(
        _ graph: inout GraphModel, _ name: String, _ inputs: [Int], path: String,
        shape: [Int] = [2, 8, 16]
    ) -> Int {
        let id = graph.addNode(
            label: name, kind: .op, shape: shape, requiresGrad: true, modulePath: path)
        for input in inputs { graph.addEdge(from: input, to: id) }
        return id
    }

    private static func norm(_ graph: inout GraphModel, _ x: Int, path: String, C: Int) -> Int {
        let weight = graph.addNode(
            label: "\(path).weight", kind: .parameter(trainable: false), shape: [C],
            modulePath: path)
        return op(&graph, "rms_norm", [x, weight], path: path)
    }

    private static func linear(
        _ graph: inout GraphModel, _ x: Int, path: String, C: Int, lora: Bool
    ) -> Int {
        let weight = graph.addNode(
            label: "\(path).weight", kind: .parameter(trainable: false), shape: [C, C],
            modulePath: path)
        let base = op(&graph, "matmul", [x, weight], path: path)
        guard lora else { return base }
        let a = graph.addNode(
            label: "\(path).lora_A.weight", kind: .adapterParameter(trainable: true),
            shape: [4, C], requiresGrad: true, modulePath: path)
        let b = graph.addNode(
            label: "\(path).lora_B.weight", kind: .adapterParameter(trainable: true),
            shape: [C, 4], requiresGrad: true, modulePath: path)
        let down = op(&graph, "matmul", [x, a], path: path, shape: [2, 8, 4])
        let upped = op(&graph, "matmul", [down, b], path: path)
        let scaled = op(&graph, "mul(2.0)", [upped], path: path)
        return op(&graph, "add", [base, scaled], path: path)
    }
}

extension SyntheticGraphs {
    /// A LLaMA-style module tree as HF names it, with LoRA parameters on q_proj and
    /// v_proj when `lora` is set (base weights frozen then).
    static func llamaArchitecture(layers: Int, lora: Bool) -> ModuleDescription {
        let C = 64, F = 172, V = 256, r = 8
        func linear(_ name: String, _ out: Int, _ input: Int, adapted: Bool = false)
            -> ModuleDescription
        {
            var parameters = [GraphableParameter(name: "weight", shape: [out, input], trainable: !lora)]
            if lora, adapted {
                parameters.append(.init(name: "lora_A.weight", shape: [r, input], trainable: true))
                parameters.append(.init(name: "lora_B.weight", shape: [out, r], trainable: true))
            }
            return ModuleDescription(name: name, typeName: "Linear", parameters: parameters)
        }
        func norm(_ name: String) -> ModuleDescription {
            ModuleDescription(
                name: name, typeName: "RMSNorm",
                parameters: [.init(name: "weight", shape: [C], trainable: !lora)])
        }
        let blocks = (0..<layers).map { index in
            ModuleDescription(
                name: String(index), typeName: "LlamaDecoderLayer",
                children: [
                    ModuleDescription(
                        name: "self_attn", typeName: "LlamaAttention",
                        children: [
                            linear("q_proj", C, C, adapted: true), linear("k_proj", 32, C),
                            linear("v_proj", 32, C, adapted: true), linear("o_proj", C, C),
                        ]),
                    ModuleDescription(
                        name: "mlp", typeName: "LlamaMLP",
                        children: [
                            linear("gate_proj", F, C), linear("up_proj", F, C),
                            linear("down_proj", C, F),
                        ]),
                    norm("input_layernorm"), norm("post_attention_layernorm"),
                ])
        }
        let model = ModuleDescription(
            name: "model", typeName: "LlamaModel",
            children: [
                ModuleDescription(
                    name: "embed_tokens", typeName: "Embedding",
                    parameters: [.init(name: "weight", shape: [V, C], trainable: !lora)]),
                ModuleDescription(name: "layers", typeName: "ModuleList", children: blocks),
                norm("norm"),
            ])
        return ModuleDescription(
            name: "", typeName: "LlamaForCausalLM", children: [model, linear("lm_head", V, C)])
    }
}
