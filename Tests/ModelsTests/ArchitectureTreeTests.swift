import Testing

@testable import Models

@Suite("Model tree and summary")
struct ArchitectureTreeTests {
    @Test func parameterNamesAreTheCheckpointKeys() throws {
        let fixture = try ModelFixture("qwen3")
        let model = try CausalLM.load(directory: fixture.directory)
        let names = model.stateDict.map(\.0)
        let stored = try SafetensorsCheckpoint(directory: fixture.directory).names
        #expect(Set(names) == Set(stored))
        #expect(names.contains("model.layers.1.self_attn.q_norm.weight"))
        #expect(model.stateDict.allSatisfy { $0.1.name == $0.0 && $0.1.isParameter })
    }

    @Test func tiedModelsHaveNoLMHeadKey() throws {
        let model = try CausalLM.load(directory: ModelFixture("qwen2").directory)
        #expect(model.isTied)
        #expect(!model.stateDict.contains { $0.0 == "lm_head.weight" })
        #expect(model.stateDict.contains { $0.0 == "model.layers.0.self_attn.q_proj.bias" })
        #expect(!model.stateDict.contains { $0.0 == "model.layers.0.self_attn.o_proj.bias" })
    }

    @Test func summaryLine() throws {
        let model = try CausalLM.load(directory: ModelFixture("llama").directory)
        #expect(model.summary == "Model(llama, 112K params, 2 layers, hidden 64, vocab 300)")
        #expect(CausalLM.formatCount(6_912_000) == "6.9M")
        #expect(CausalLM.formatCount(56_000_000) == "56M")
        #expect(CausalLM.formatCount(999) == "999")
    }

    @Test func treeCollapsesIdenticalLayers() throws {
        let model = try CausalLM.load(directory: ModelFixture("gemma").directory)
        let expected = """
            GemmaForCausalLM(tied lm_head) {
              (model): GemmaModel {
                (embed_tokens): Embedding(vocab 300, hidden 64, scale 8.0)
                (layers): ModuleList {
                  (0-1): 2 x GemmaDecoderLayer {
                    (self_attn): GemmaAttention(heads 4, kv 2, head_dim 16) {
                      (q_proj): Linear(in 64, out 64)
                      (k_proj): Linear(in 64, out 32)
                      (v_proj): Linear(in 64, out 32)
                      (o_proj): Linear(in 64, out 64)
                    }
                    (mlp): GemmaMLP(gelu_pytorch_tanh) {
                      (gate_proj): Linear(in 64, out 96)
                      (up_proj): Linear(in 64, out 96)
                      (down_proj): Linear(in 96, out 64)
                    }
                    (input_layernorm): RMSNorm(64, eps 1e-06, 1 + w)
                    (post_attention_layernorm): RMSNorm(64, eps 1e-06, 1 + w)
                  }
                }
                (norm): RMSNorm(64, eps 1e-06, 1 + w)
              }
            }
            """
        #expect(model.tree() == expected)
    }
}
