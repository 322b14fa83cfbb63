import Foundation
import Testing

@testable import Builtins

/// The model vocabulary from scripts: load_model, calling, loss, tokenizer, generation,
/// safetensors save/load, and bad arguments.
@Suite struct ModelBuiltinsTests {
    @Test func tinyModelLoadsAndComputesLogitsAndLoss() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            print(type(model))
            let ids = [[1, 2, 3, 4]]
            let logits = model(ids)
            print(logits.shape)
            print(model.embed(ids).shape)
            let from_embeddings = model(model.embed(ids))
            # Same path either way; a bound rather than bit equality because parallel
            # tests may change OpenBLAS's process-wide thread count between the calls.
            print(((from_embeddings - logits).abs().max()).item() < 1e-5)
            let loss = logits.loss(ids)
            print(loss.item() > 0.0)
            print(len(model.params()) > 10)
            print(model.config["model_type"])
            """)
        #expect(lines.count == 7)
        #expect(lines[1] == "[1, 4, 2048]")
        #expect(lines[2] == "[1, 4, 256]")
        #expect(lines[3] == "true")
        #expect(lines[4] == "true")
        #expect(lines[5] == "true")
        #expect(lines[6] == "llama")
    }

    @Test func tokenizerRoundTripsText() {
        let lines = ScriptRunner.lines(
            """
            let tok = load_model("tiny").tokenizer
            let ids = tok.encode("Hello, world!")
            print(len(ids) > 0)
            print(tok.decode(ids))
            """)
        #expect(lines == ["true", "Hello, world!"])
    }

    @Test func greedyGenerationIsRepeatable() {
        let lines = ScriptRunner.lines(
            """
            let model = load_model("tiny")
            let a = model.generate("Hello", max_tokens: 5)
            let b = model.generate("Hello", max_tokens: 5)
            print(a == b)
            """)
        #expect(lines == ["true"])
    }

    @Test func safetensorsDictsRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-model-builtins-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let lines = ScriptRunner.lines(
            """
            let t = tensor([[1.5, -2.0], [3.25, 4.0]])
            save({"w": t}, "\(path)")
            let back = load("\(path)")
            print(back["w"].tolist())
            """)
        #expect(lines == ["[[1.5, -2.0], [3.25, 4.0]]"])
    }

    @Test func badArgumentsAreUniformErrors() {
        #expect(ScriptRunner.run("load_model(3)").error == "bad argument 'path' to 'load_model' (string expected, got int)")
        let missing = ScriptRunner.run("load_model(\"/nonexistent/model\")").error ?? ""
        #expect(missing.contains("/nonexistent/model"))
        let roles = ScriptRunner.run(
            "load_model(\"tiny\").chat([{\"role\": \"robot\", \"content\": \"hi\"}])"
        ).error ?? ""
        #expect(roles.contains("role must be 'user' or 'assistant'"))
    }
}
