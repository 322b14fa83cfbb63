// bench-graph: how long graph(loss) takes on a 32-layer training step.
//
// Builds the autograd tape of a synthetic LLaMA-shaped training step (tiny widths, so
// the arithmetic is negligible): embedding lookup by matmul, `layers` decoder blocks
// recorded under `model.layers.N` scopes (RMSNorm, q/k/v/o projections with LoRA on
// q and v, softmax attention, SwiGLU MLP, residuals), a final norm, lm_head and a
// squared-error loss; runs backward; then times tracing, DOT generation and SVG
// rendering, collapsed (the default) and expanded. Run it through Scripts/bench/graph.
import Foundation
import Graphs
import Tensors

struct Bench {
    let layers: Int
    let width = 8
    let tokens = 4
    var seed: UInt64 = 42

    mutating func random(_ shape: [Int]) throws -> Tensor {
        let count = shape.reduce(1, *)
        var values = [Float](repeating: 0, count: count)
        for index in values.indices {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values[index] = Float(Int(seed >> 40) % 2001 - 1000) / 10_000
        }
        return try Tensor(shape: shape, scalars: values)
    }

    mutating func parameter(_ name: String, _ shape: [Int], trainable: Bool) throws -> Tensor {
        let tensor = try random(shape)
        tensor.name = name
        tensor.isParameter = true
        tensor.requiresGrad = trainable
        return tensor
    }

    mutating func rmsNorm(_ x: Tensor, path: String) throws -> Tensor {
        let weight = try parameter("\(path).weight", [width], trainable: false)
        return try Tensor.withScope(path) {
            let meanSquare = try (x * x).mean(dim: -1, keepdim: true)
            return try x * (meanSquare + 1e-5).rsqrt() * weight
        }
    }

    mutating func linear(_ x: Tensor, path: String, lora: Bool) throws -> Tensor {
        let weight = try parameter("\(path).weight", [width, width], trainable: false)
        let a = lora ? try parameter("\(path).lora_A.weight", [width, 2], trainable: true) : nil
        let b = lora ? try parameter("\(path).lora_B.weight", [2, width], trainable: true) : nil
        return try Tensor.withScope(path) {
            let base = try x.matmul(weight)
            guard let a, let b else { return base }
            return try base + x.matmul(a).matmul(b) * 2
        }
    }

    mutating func block(_ hidden: Tensor, index: Int) throws -> Tensor {
        let path = "model.layers.\(index)"
        let normed = try rmsNorm(hidden, path: "\(path).input_layernorm")
        let q = try linear(normed, path: "\(path).self_attn.q_proj", lora: true)
        let k = try linear(normed, path: "\(path).self_attn.k_proj", lora: false)
        let v = try linear(normed, path: "\(path).self_attn.v_proj", lora: true)
        let attended = try Tensor.withScope("\(path).self_attn") {
            let scores = try q.matmul(k.transposed()) * 0.35
            let weights = try scores.exp()
            let probabilities = try weights / weights.sum(dim: -1, keepdim: true)
            return try probabilities.matmul(v)
        }
        let output = try linear(attended, path: "\(path).self_attn.o_proj", lora: false)
        let residual = try Tensor.withScope(path) { try hidden + output }
        let normed2 = try rmsNorm(residual, path: "\(path).post_attention_layernorm")
        let gate = try linear(normed2, path: "\(path).mlp.gate_proj", lora: false)
        let up = try linear(normed2, path: "\(path).mlp.up_proj", lora: false)
        let activated = try Tensor.withScope("\(path).mlp") { try gate.silu() * up }
        let down = try linear(activated, path: "\(path).mlp.down_proj", lora: false)
        return try Tensor.withScope(path) { try residual + down }
    }

    /// The loss of one synthetic step, after backward.
    mutating func trainingStep() throws -> Tensor {
        let ids = try random([tokens, 16])
        ids.name = "one_hot_ids"
        let table = try parameter("model.embed_tokens.weight", [16, width], trainable: false)
        // The embedding output requires grad from the start, as with NEFTune or a
        // trainable embedding, so every frozen projection is on the tape.
        var hidden = try Tensor.withScope("model.embed_tokens") { try ids.matmul(table) }
        hidden.requiresGrad = true
        for index in 0..<layers { hidden = try block(hidden, index: index) }
        let final = try rmsNorm(hidden, path: "model.norm")
        let head = try parameter("lm_head.weight", [width, 16], trainable: false)
        let logits = try Tensor.withScope("lm_head") { try final.matmul(head) }
        let target = try random([tokens, 16])
        target.name = "labels"
        let difference = try logits - target
        let loss = try (difference * difference).mean()
        loss.name = "loss"
        try loss.backward()
        return loss
    }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func run() throws {
    let arguments = CommandLine.arguments
    let layers = arguments.count > 1 ? Int(arguments[1]) ?? 32 : 32
    let folder = arguments.count > 2 ? arguments[2] : FileManager.default.temporaryDirectory.path
    var bench = Bench(layers: layers)
    let loss = try bench.trainingStep()

    var graph = GraphModel()
    let traceTime = seconds { graph = GraphModel(tracing: loss) }
    print("layers: \(layers), traced nodes: \(graph.nodes.count), edges: \(graph.edges.count)")
    print(String(format: "trace:              %7.3f s", traceTime))

    for (name, options) in [("collapsed", DotOptions()), ("expanded", DotOptions(expand: true))] {
        var dot = ""
        let dotTime = seconds { dot = graph.dot(options) }
        let nodeCount = options.expand ? graph.nodes.count : graph.collapsingRepeatedBlocks().nodes.count
        let path = "\(folder)/bench-graph-\(name).svg"
        let renderTime = try seconds { try GraphRenderer.write(dot: dot, to: path) }
        try GraphRenderer.write(dot: dot, to: "\(folder)/bench-graph-\(name).dot")
        print(
            String(
                format: "%@: %5d nodes  dot %7.3f s  svg %7.3f s  total %7.3f s  -> %@",
                name.padding(toLength: 10, withPad: " ", startingAt: 0), nodeCount, dotTime,
                renderTime, dotTime + renderTime, path))
    }
}

do {
    try run()
} catch {
    FileHandle.standardError.write(Data("bench-graph: \(error)\n".utf8))
    exit(1)
}
