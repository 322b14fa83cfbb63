import Foundation
import Tensors
import Testing

@testable import Graphs

/// Tape → `GraphModel`: traces of real Tensors computations.
@Suite struct TraceTests {
    static func parameter(_ name: String, _ shape: [Int], trainable: Bool = true) throws -> Tensor {
        let count = shape.reduce(1, *)
        let values = (0..<count).map { Float($0 % 7) * 0.1 - 0.3 }
        let tensor = try Tensor(shape: shape, scalars: values)
        tensor.name = name
        tensor.isParameter = true
        tensor.requiresGrad = trainable
        return tensor
    }

    /// `(a * b + 1.5).sum()` with a trainable `a` and a plain input `b`.
    static func smallExpression() throws -> Tensor {
        let a = try parameter("a", [2, 3])
        let b = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        b.name = "b"
        return try ((a * b) + 1.5).sum()
    }

    /// One step of a two-layer MLP with a frozen second-layer weight and a mean-squared
    /// loss, recorded under module scopes; `backward()` has run. (A frozen *first* layer
    /// would not be on the tape at all: no input of its ops requires grad.)
    static func mlpStep() throws -> Tensor {
        let x = try Tensor(shape: [4, 3], scalars: (0..<12).map { Float($0) / 12 })
        x.name = "x"
        let target = try Tensor(shape: [4, 2], scalars: (0..<8).map { Float($0) / 8 })
        target.name = "target"
        let w1 = try parameter("mlp.fc1.weight", [3, 5])
        let b1 = try parameter("mlp.fc1.bias", [5])
        let w2 = try parameter("mlp.fc2.weight", [5, 2], trainable: false)
        let b2 = try parameter("mlp.fc2.bias", [2])
        let y = try Tensor.withScope("mlp") {
            let hidden = try Tensor.withScope("fc1") { try x.matmul(w1) + b1 }.relu()
            return try Tensor.withScope("fc2") { try hidden.matmul(w2) + b2 }
        }
        let difference = try y - target
        let loss = try (difference * difference).mean()
        loss.name = "loss"
        try loss.backward()
        return loss
    }

    @Test func smallExpressionTraceGolden() throws {
        let graph = GraphModel(tracing: try Self.smallExpression())
        assertSnapshot(graph.dot(), named: "trace-small-expression.dot")
        #expect(graph.nodes.map(\.label) == ["a", "b", "mul", "1.5", "add", "sum(dims=[], keepdim=False)"])
        #expect(graph.nodes.map(\.kind) == [
            .parameter(trainable: true), .input, .op, .constant, .op, .op,
        ])
        #expect(graph.nodes.last?.isOutput == true)
        #expect(graph.title == "value = 9.7000")
    }

    @Test func mlpStepTraceGolden() throws {
        let graph = GraphModel(tracing: try Self.mlpStep())
        assertSnapshot(graph.dot(DotOptions(backward: true)), named: "trace-mlp-step.dot")
        let byLabel = Dictionary(grouping: graph.nodes, by: \.label)
        #expect(byLabel["mlp.fc1.weight"]?.first?.kind == .parameter(trainable: true))
        #expect(byLabel["mlp.fc2.weight"]?.first?.kind == .parameter(trainable: false))
        #expect(byLabel["mlp.fc2.weight"]?.first?.modulePath == "mlp.fc2")
        #expect(byLabel["relu"]?.first?.modulePath == "mlp")
        #expect(byLabel["x"]?.first?.kind == .input)
        #expect(graph.title?.hasPrefix("loss = ") == true)
        // The tape is still readable after backward() released its saved tensors.
        #expect(graph.nodes.filter { $0.kind == .op }.count == 8)
    }

    @Test func traceIsDeterministicAcrossRuns() throws {
        let first = GraphModel(tracing: try Self.mlpStep()).dot()
        let second = GraphModel(tracing: try Self.mlpStep()).dot()
        #expect(first == second)
    }

    @Test func adapterParametersAreMarked() throws {
        let x = try Tensor(shape: [1, 4], scalars: [1, 2, 3, 4])
        x.requiresGrad = true  // a hidden state downstream of trainable parameters
        let base = try Self.parameter("model.layers.0.self_attn.q_proj.weight", [4, 4], trainable: false)
        let loraA = try Self.parameter("model.layers.0.self_attn.q_proj.lora_A.weight", [4, 2])
        let loraB = try Self.parameter("model.layers.0.self_attn.q_proj.lora_B.weight", [2, 4])
        let out = try Tensor.withScope("model.layers.0.self_attn.q_proj") {
            try x.matmul(base) + x.matmul(loraA).matmul(loraB) * 2
        }
        let graph = GraphModel(tracing: try out.sum())
        let adapters = graph.nodes.filter { $0.kind == .adapterParameter(trainable: true) }
        #expect(adapters.map(\.label).sorted() == [loraA.name, loraB.name].compactMap { $0 })
        let dot = graph.dot()
        #expect(dot.contains("label=\"lora_A.weight\\n[4, 2]\""))
        #expect(dot.contains("label=\"weight\\n[4, 4]\", shape=\"box\", style=\"filled,dashed\""))
    }

    @Test func scopedRepeatedBlocksCollapse() throws {
        var hidden = try Tensor(shape: [2, 4], scalars: (0..<8).map(Float.init))
        hidden.name = "hidden_states"  // named data stays outside the blocks
        for layer in 0..<6 {
            let weight = try Self.parameter("model.layers.\(layer).mlp.weight", [4, 4])
            hidden = try Tensor.withScope("model.layers.\(layer)") {
                try Tensor.withScope("mlp") { try hidden.matmul(weight).relu() } + hidden
            }
        }
        let graph = GraphModel(tracing: try hidden.sum())
        let dot = graph.dot()
        #expect(dot.contains("model.layers.0-5 ×6"))
        #expect(!dot.contains("model.layers.3"))
        let expanded = graph.dot(DotOptions(expand: true))
        #expect(expanded.contains("label=\"model.layers.3\\l\""))
        let svg = try GraphRenderer.render(dot: dot, format: .svg)
        let summary = try SVGSummary(data: Data(svg))
        #expect(summary.texts.contains("model.layers.0-5 ×6"))
        #expect(summary.texts.contains("relu"))
    }
}
