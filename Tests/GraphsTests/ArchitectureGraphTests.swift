import Foundation
import Testing

@testable import Graphs

/// `graph(model)`: the module tree with parameter counts, adapters where they sit.
@Suite struct ArchitectureGraphTests {
    @Test func loraArchitectureGolden() {
        let graph = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 2, lora: true))
        assertSnapshot(graph.dot(), named: "architecture-lora.dot")
    }

    @Test func titleCountsAllAndTrainableParameters() {
        let graph = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 1, lora: true))
        // embed 256*64 + lm_head 256*64 + norms 3*64 + attention 64*64*2 + 32*64*2
        // + mlp 3*172*64 = 78,272, + LoRA (8*64 + 64*8) + (8*64 + 32*8) = 1,792
        #expect(graph.title == "LlamaForCausalLM · 80.1K params · 1.8K trainable")
    }

    @Test func adaptersAreMarkedBesideTheirModules() throws {
        let graph = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 2, lora: true))
        let adapters = graph.nodes.filter { $0.kind == .adapterParameter(trainable: true) }
        #expect(adapters.count == 4)  // q_proj and v_proj in each of 2 layers
        #expect(adapters.allSatisfy { $0.label == "LoRA" })
        for adapter in adapters {
            let attached = graph.edges.filter { $0.source == adapter.id && $0.kind == .attachment }
            let target = try #require(attached.first?.target)
            #expect(["q_proj", "v_proj"].contains(graph.nodes[target].label))
            #expect(graph.nodes[target].modulePath == adapter.modulePath)
        }
        let frozen = graph.nodes.filter { $0.details.contains { $0.hasSuffix("frozen") } }
        #expect(frozen.count == graph.nodes.count - adapters.count)
    }

    @Test func repeatedLayersCollapseUnlessExpanded() {
        let graph = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 4, lora: false))
        let collapsed = graph.dot()
        #expect(collapsed.contains("model.layers.0-3 ×4\\lLlamaDecoderLayer · 45.4K params\\l"))
        #expect(!collapsed.contains("LoRA"))
        #expect(!collapsed.contains("frozen"))
        let expanded = graph.dot(DotOptions(expand: true))
        for layer in 0..<4 { #expect(expanded.contains("model.layers.\(layer)\\l")) }
    }

    @Test func renderedArchitectureShowsModulesAndClusters() throws {
        let graph = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 2, lora: true))
        let svg = try GraphRenderer.render(dot: graph.dot(), format: .svg)
        let summary = try SVGSummary(data: Data(svg))
        #expect(summary.texts.contains("q_proj: Linear"))
        #expect(summary.texts.contains("lora_A.weight [8, 64]"))
        #expect(summary.texts.contains("model.layers.0-1 ×2"))
        #expect(summary.texts.contains("LlamaAttention · 14.1K params"))
        #expect(summary.groupClasses.filter { $0 == "cluster" }.count == 4)
    }

    @Test(arguments: [
        (0, "0"), (999, "999"), (1_000, "1.0K"), (4_096, "4.1K"), (999_949, "999.9K"),
        (999_950, "1.0M"), (6_900_000, "6.9M"), (1_240_000_000, "1.24B"),
    ])
    func parameterCountsReadLikePeopleWriteThem(count: Int, text: String) {
        #expect(ParameterCount.text(count) == text)
    }
}
