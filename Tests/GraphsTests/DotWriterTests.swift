import Foundation
import Testing

@testable import Graphs

/// DOT generation: golden text, collapsing, depth, gradient flow and escaping.
@Suite struct DotWriterTests {
    /// `(a * b) + c` with a trainable `a`, drawn by hand as the tape would record it.
    static func smallExpression() -> GraphModel {
        var graph = GraphModel()
        let a = graph.addNode(
            label: "a", kind: .parameter(trainable: true), shape: [2, 3], requiresGrad: true)
        let b = graph.addNode(label: "b", kind: .input, shape: [2, 3])
        let product = graph.addNode(label: "mul", kind: .op, shape: [2, 3], requiresGrad: true)
        let c = graph.addNode(label: "1.5", kind: .constant)
        let sum = graph.addNode(label: "add", kind: .op, shape: [2, 3], requiresGrad: true)
        graph.addEdge(from: a, to: product)
        graph.addEdge(from: b, to: product)
        graph.addEdge(from: product, to: sum)
        graph.addEdge(from: c, to: sum)
        graph.markOutput(sum)
        return graph
    }

    @Test func smallExpressionGolden() {
        assertSnapshot(Self.smallExpression().dot(), named: "small-expression.dot")
    }

    @Test func smallExpressionWithGradientFlowGolden() {
        assertSnapshot(
            Self.smallExpression().dot(DotOptions(backward: true)),
            named: "small-expression-backward.dot")
    }

    @Test func collapsedTrainingStepGolden() {
        assertSnapshot(
            SyntheticGraphs.trainingStep(layers: 3).dot(), named: "training-step-collapsed.dot")
    }

    @Test func dotIsDeterministic() {
        let first = SyntheticGraphs.trainingStep(layers: 5).dot(DotOptions(backward: true))
        let second = SyntheticGraphs.trainingStep(layers: 5).dot(DotOptions(backward: true))
        #expect(first == second)
    }

    @Test func identicalBlocksCollapseToOne() {
        let collapsed = SyntheticGraphs.trainingStep(layers: 4).collapsingRepeatedBlocks()
        let single = SyntheticGraphs.trainingStep(layers: 1)
        #expect(collapsed.nodes.count == single.nodes.count)
        #expect(collapsed.clusterLabels == ["model.layers.0": "model.layers.0-3 ×4"])
        let repeated = collapsed.edges.filter { $0.kind == .repeated }
        #expect(!repeated.isEmpty)
        #expect(repeated.allSatisfy { $0.label == "×4" })
        // Every edge still points at a node that exists, and the loss is still the output.
        #expect(collapsed.edges.allSatisfy { $0.source < collapsed.nodes.count })
        #expect(collapsed.nodes.filter(\.isOutput).map(\.label) == ["cross_entropy"])
        let dot = SyntheticGraphs.trainingStep(layers: 4).dot()
        #expect(dot.contains("label=\"model.layers.0-3 ×4\\l\""))
        #expect(!dot.contains("model.layers.1"))
    }

    @Test func aDifferentBlockSplitsTheRun() {
        let graph = SyntheticGraphs.trainingStep(layers: 6, differentLayer: 3)
        let collapsed = graph.collapsingRepeatedBlocks()
        #expect(
            collapsed.clusterLabels == [
                "model.layers.0": "model.layers.0-2 ×3", "model.layers.4": "model.layers.4-5 ×2",
            ])
        let paths = Set(collapsed.nodes.map(\.modulePath))
        #expect(paths.contains("model.layers.3.self_attn"))
        #expect(!paths.contains("model.layers.1.self_attn"))
        #expect(!paths.contains("model.layers.5"))
    }

    @Test func expandKeepsEveryBlock() {
        let graph = SyntheticGraphs.trainingStep(layers: 4)
        let dot = graph.dot(DotOptions(expand: true))
        #expect(!dot.contains("×"))
        for layer in 0..<4 { #expect(dot.contains("label=\"model.layers.\(layer)\\l\"")) }
        #expect(dot.components(separatedBy: "->").count - 1 == graph.edges.count)
    }

    @Test func depthLimitsClusterNesting() {
        let graph = SyntheticGraphs.trainingStep(layers: 2)
        func clusters(_ depth: Int?) -> Int {
            graph.dot(DotOptions(expand: true, depth: depth))
                .components(separatedBy: "subgraph cluster_").count - 1
        }
        #expect(clusters(0) == 0)
        #expect(clusters(1) == 2)  // model, lm_head
        #expect(clusters(2) == 6)  // + embed_tokens, layers.0, layers.1, norm
        #expect(clusters(nil) > clusters(2))
        // A parameter cut to a shallower cluster is named relative to that cluster.
        let dot = graph.dot(DotOptions(expand: true, depth: 2))
        #expect(dot.contains("self_attn.q_proj.lora_A.weight"))
    }

    @Test func backwardAddsOneGradientEdgePerDifferentiableInput() {
        let graph = Self.smallExpression()
        let withGradients = graph.addingGradientFlow()
        let gradients = withGradients.edges.filter { $0.kind == .gradient }
        // mul -> add carries a gradient, a -> mul carries one; b and the constant do not.
        #expect(
            Set(gradients.map { [$0.source, $0.target] }) == [[4, 2], [2, 0]])
        #expect(graph.dot(DotOptions(backward: true)).contains("color=\"#d62728\""))
    }

    @Test func labelsAreEscaped() throws {
        var graph = GraphModel(title: "say \"hi\" \\ bye")
        graph.addNode(label: "weird \"name\"\nline", kind: .op)
        let dot = graph.dot()
        #expect(dot.contains(#"label="say \"hi\" \\ bye""#))
        #expect(dot.contains(#"label="weird \"name\"\nline""#))
        let svg = try GraphRenderer.render(dot: dot, format: .svg)
        let summary = try SVGSummary(data: Data(svg))
        #expect(summary.texts.contains("weird \"name\""))
        #expect(summary.texts.contains("say \"hi\" \\ bye"))
    }

    @Test func renderedTrainingStepShowsLabelsAndClusters() throws {
        let dot = SyntheticGraphs.trainingStep(layers: 4).dot()
        let summary = try SVGSummary(data: Data(try GraphRenderer.render(dot: dot, format: .svg)))
        #expect(summary.texts.contains("model.layers.0-3 ×4"))
        #expect(summary.texts.contains("lora_A.weight"))
        #expect(summary.texts.contains("cross_entropy"))
        #expect(summary.texts.contains("self_attn"))
        let clusterCount = dot.components(separatedBy: "subgraph cluster_").count - 1
        #expect(summary.groupClasses.filter { $0 == "cluster" }.count == clusterCount)
    }
}

/// Module paths read as nesting levels.
@Suite struct ModulePathTests {
    @Test func levelsJoinIndicesWithTheirParent() {
        #expect(
            ModulePath.levels(of: "model.layers.3.self_attn")
                == ["model", "model.layers.3", "model.layers.3.self_attn"])
        #expect(ModulePath.levels(of: "") == [])
        #expect(ModulePath.levels(of: "lm_head") == ["lm_head"])
    }

    @Test func blockIsTheFirstNumberedSegment() {
        let block = ModulePath.block(of: "model.layers.12.mlp.experts.3")
        #expect(block?.prefix == "model.layers")
        #expect(block?.index == 12)
        #expect(block?.path == "model.layers.12")
        #expect(ModulePath.block(of: "model.norm") == nil)
        #expect(ModulePath.block(of: "3.x") == nil)
    }

    @Test func truncationAndRelativePaths() {
        #expect(ModulePath.truncated("model.layers.3.self_attn.q_proj", toDepth: 2) == "model.layers.3")
        #expect(ModulePath.truncated("model.norm", toDepth: 5) == "model.norm")
        #expect(ModulePath.truncated("model.norm", toDepth: 0) == "")
        #expect(ModulePath.relative("model.norm.weight", to: "model.norm") == "weight")
        #expect(ModulePath.relative("model.normal", to: "model.norm") == "model.normal")
        #expect(ModulePath.common(["model.layers.3.mlp", "model.layers.4"]) == "model")
        #expect(ModulePath.common(["model.layers.3.mlp", "model.layers.3.mlp"]) == "model.layers.3.mlp")
        #expect(ModulePath.common(["model.layers.3.mlp", "model.layers.3"]) == "model.layers.3")
        #expect(ModulePath.common(["lm_head", "model.norm"]) == "")
        #expect(ModulePath.displayName("base_model.model.lm_head.weight", in: "lm_head") == "weight")
    }
}
