import Foundation
import Testing

@testable import Builtins

/// The models engineer's end-to-end scripts over the model vocabulary: the embedded
/// model, logits and loss, seeded generation and chat, save and reload.
@Suite struct ModelScriptTests {
    @Test func tinyPrintsItsSummaryAndTree() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            print(m)
            print(m.num_params)
            print(m.config["num_hidden_layers"])
            print(len(m.params()))
            print(m.tree().split("\\n")[0])
            """)
        #expect(
            lines == [
                "Model(llama, 3.7M params, 4 layers, hidden 256, vocab 2048)", "3672320", "4",
                "38", "LlamaForCausalLM(tied lm_head) {",
            ])
    }

    @Test func logitsAndLossFromIdLists() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let ids = m.tokenizer.encode("Hello world")
            print(m.tokenizer.decode(ids))
            let logits = m([ids, ids], attention_mask: [[1, 1, 1, 1], [0, 1, 1, 1]])
            print(logits.shape)
            let loss = logits.loss([ids, [-100, -100, ids[2], ids[3]]])
            print(loss.item() > 5.0)
            print(m.embed([ids]).shape)
            """)
        #expect(lines == ["Hello world", "[2, 4, 2048]", "true", "[1, 4, 256]"])
    }

    @Test func generateAndChatAreSeededAndStream() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            let a = m.generate("Hi", max_tokens: 6, temperature: 0.9, seed: 4)
            let b = m.generate("Hi", max_tokens: 6, temperature: 0.9, seed: 4)
            print(a == b)
            let c = m.chat([{"role": "user", "content": "hi"}], template: "chatml", max_tokens: 4)
            print(type(c))
            m.chat("hi", max_tokens: 4, stream: true)
            """)
        #expect(outcome.error == nil)
        let lines = outcome.output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.prefix(2) == ["true", "string"])
    }

    @Test func errorsNameTheProblem() {
        #expect(ScriptRunner.run("load_model(\"nope\")").error?.contains("embedded models: tiny") == true)
        #expect(
            ScriptRunner.run("load_model(\"tiny\").generate(\"x\", top_p: 0)").error?
                .contains("top_p") == true)
        #expect(
            ScriptRunner.run("load_model(\"tiny\").chat(\"x\", template: \"nope\")").error != nil)
    }

    @Test func savedModelsLoadBack() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-model-builtins-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            m.save("\(folder)")
            let again = load_model("\(folder)")
            print(again)
            print((again([[1, 2, 3]]) - m([[1, 2, 3]])).abs().max().item())
            """)
        #expect(lines == ["Model(llama, 3.7M params, 4 layers, hidden 256, vocab 2048)", "0.0"])
    }
}
