import Foundation
import Testing

/// Making a model in lfs: `train_tokenizer`, `new_model`, `tok.save`, `model.save`,
/// and the text-file functions the make-tiny script reads its corpus with.
@Suite struct ModelCreationTests {
    static func folder(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "lfs-creation-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: path)
        return path
    }

    static let tokenizerSource = """
        let tok = train_tokenizer(["hello world", "hello there", "world peace"] * 30, vocab_size: 300,
                                  special: ["<|endoftext|>", "<|im_end|>"], eos: "<|im_end|>", pad: "<|endoftext|>")
        """

    @Test func trainsATokenizerWithSpecialTokensFirst() {
        let lines = ScriptRunner.lines(Self.tokenizerSource + """

            print(tok.vocab_size > 258 and tok.vocab_size <= 300)
            print(tok.encode("<|endoftext|><|im_end|>"))
            print(tok.eos_token_id)
            print(tok.decode(tok.encode("hello world, héllo 🚀")))
            print(len(tok.encode("hello world")) < len("hello world"))
            """)
        #expect(lines == ["true", "[0, 1]", "1", "hello world, héllo 🚀", "true"])
    }

    @Test func savedTokenizerReloadsWithTheSameIDs() {
        let path = Self.folder("tok")
        let lines = ScriptRunner.lines(Self.tokenizerSource + """

            tok.save("\(path)")
            let again = tokenizer("\(path)")
            print(again.encode("hello there world") == tok.encode("hello there world"))
            print(again.eos_token_id)
            """)
        #expect(lines == ["true", "1"])
        let config = (try? String(contentsOfFile: path + "/tokenizer_config.json", encoding: .utf8)) ?? ""
        #expect(config.contains("\"pad_token\": \"<|endoftext|>\""))
        #expect(config.contains("PreTrainedTokenizerFast"))
    }

    @Test func newModelIsDeterministicAndRoundTripsThroughSave() {
        let path = Self.folder("model")
        let lines = ScriptRunner.lines(Self.tokenizerSource + """

            let config = {"model_type": "llama", "hidden_size": 32, "intermediate_size": 64,
                          "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2}
            let a = new_model(config, tokenizer: tok, seed: 3)
            let b = new_model(config, tokenizer: tok, seed: 3)
            let c = new_model(config, tokenizer: tok, seed: 4)
            let w = a.params()["model.layers.0.self_attn.q_proj.weight"]
            print(w.tolist() == b.params()["model.layers.0.self_attn.q_proj.weight"].tolist())
            print(w.tolist() == c.params()["model.layers.0.self_attn.q_proj.weight"].tolist())
            print(abs((w * w).mean().item() ** 0.5 - 0.02) < 0.004)
            print(a.params()["model.norm.weight"].tolist() == ones(32).tolist())
            print(a.config["vocab_size"] == tok.vocab_size, a.config["eos_token_id"], a.config["bos_token_id"])
            a.save("\(path)")
            let loaded = load_model("\(path)")
            let ids = tensor([[3, 7, 11, 2]])
            print((loaded(ids) - a(ids)).abs().max().item())
            print(loaded.tokenizer.encode("hello world") == tok.encode("hello world"))
            """)
        #expect(lines == ["true", "false", "true", "true", "true 1 nil", "0.0", "true"])
    }

    @Test(arguments: [
        ("new_model({\"model_type\": \"gpt9\"})", "gpt9"),
        ("train_tokenizer([\"a\"], vocab_size: 100)", "no room"),
        ("train_tokenizer([\"a\", 3])", "list of strings"),
        ("train_tokenizer([\"a\"], special: [\"<s>\"], eos: \"</s>\")", "not one of the special tokens"),
        ("read_text(\"/nonexistent/lfs-file.txt\")", "no such file"),
    ])
    func reportsBadInput(source: String, fragment: String) {
        let outcome = ScriptRunner.run(source)
        #expect(outcome.error?.contains(fragment) == true, "\(outcome.error ?? "no error")")
    }

    @Test func writesAndReadsText() {
        let path = Self.folder("text") + ".txt"
        let lines = ScriptRunner.lines("""
            write_text("line one\\nliné two", "\(path)")
            print(read_text("\(path)").split("\\n"))
            """)
        #expect(lines == ["[\"line one\", \"liné two\"]"])
    }
}
