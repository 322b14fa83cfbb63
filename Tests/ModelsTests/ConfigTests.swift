import Foundation
import Testing
@testable import Models

private let configNames = [
    "llama_v5", "mistral_v5", "qwen2_v5", "qwen3_v5", "gemma_v5",
    "llama3_v4", "llama2_linear_v4", "llama_dynamic_v4", "mistral_v4", "qwen2_v4", "gemma_v4",
]

/// What transformers resolved for each fixture (Scripts/fixtures/configs.py).
private func expected(_ name: String) throws -> ConfigFields {
    let fields = try ConfigFields.load(formatsFixture("formats/configs/expected.json"))
    return try #require(try fields.object(name))
}

/// Checks every typed field against transformers' resolved values.
private func checkAgainstTransformers(_ config: ModelConfig, _ name: String) throws {
    let want = try expected(name)
    #expect(config.modelType.rawValue == (try want.string("model_type")), "\(name)")
    #expect(config.vocabSize == (try want.int("vocab_size")), "\(name)")
    #expect(config.hiddenSize == (try want.int("hidden_size")), "\(name)")
    #expect(config.intermediateSize == (try want.int("intermediate_size")), "\(name)")
    #expect(config.numHiddenLayers == (try want.int("num_hidden_layers")), "\(name)")
    #expect(config.numAttentionHeads == (try want.int("num_attention_heads")), "\(name)")
    #expect(config.numKeyValueHeads == (try want.int("num_key_value_heads")), "\(name)")
    #expect(config.headDim == (try want.int("head_dim")), "\(name)")
    #expect(config.rmsNormEps == (try want.double("rms_norm_eps")), "\(name)")
    #expect(config.maxPositionEmbeddings == (try want.int("max_position_embeddings")), "\(name)")
    #expect(config.tieWordEmbeddings == (try want.bool("tie_word_embeddings")), "\(name)")
    #expect(config.slidingWindow == (try want.int("sliding_window")), "\(name)")
    #expect(config.bosTokenID == (try want.int("bos_token_id")), "\(name)")
    #expect(config.eosTokenIDs == (try want.tokenIDs("eos_token_id")), "\(name)")
    #expect(config.padTokenID == (try want.int("pad_token_id")), "\(name)")
    #expect(config.dtype == (try want.string("dtype")), "\(name)")
    #expect(config.ropeTheta == (try want.double("rope_theta")), "\(name)")
    #expect((config.ropeScaling?.kind.rawValue ?? "default") == (try want.string("rope_type")), "\(name)")
    #expect(config.ropeScaling?.factor == (try want.double("rope_factor")), "\(name)")
    #expect(config.ropeScaling?.originalMaxPositionEmbeddings == (try want.int("rope_original_max_position_embeddings")), "\(name)")
    #expect(config.hiddenAct == (try want.string("hidden_act")), "\(name)")
}

@Suite struct ConfigTests {
    @Test(arguments: configNames)
    func readsAsTransformersDoes(name: String) throws {
        let config = try ModelConfig.load(formatsFixture("formats/configs/\(name)/config.json"))
        try checkAgainstTransformers(config, name)
    }

    @Test(arguments: configNames)
    func writtenConfigReadsBackEqual(name: String) throws {
        let config = try ModelConfig.load(formatsFixture("formats/configs/\(name)/config.json"))
        var folder = try formatsTemporaryFolder()
        if let dump = ProcessInfo.processInfo.environment["LFS_DUMP_CONFIGS"] {
            // For checking by hand that transformers loads what lfs writes.
            folder = dump + "/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try config.write(to: folder + "/config.json")
        let again = try ModelConfig.load(folder + "/config.json")
        try checkAgainstTransformers(again, name)
        // Writing is stable: the second write is the same text.
        #expect(again.jsonText == config.jsonText)
        let text = config.jsonText
        #expect(text.contains("\"rope_parameters\""))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func qwen2HasAttentionBiasAndLlamaNot() throws {
        #expect(try ModelConfig.parse(#"{"model_type": "qwen2"}"#).attentionBias)
        #expect(try !ModelConfig.parse(#"{"model_type": "llama"}"#).attentionBias)
        #expect(try ModelConfig.parse(#"{"model_type": "llama", "attention_bias": true}"#).attentionBias)
        let gemma = try ModelConfig.parse(#"{"model_type": "gemma", "hidden_act": "gelu"}"#)
        #expect(gemma.hiddenAct == "gelu_pytorch_tanh")
        #expect(gemma.tieWordEmbeddings)
    }

    @Test func unknownModelTypeListsTheSupportedOnes() {
        #expect(throws: ConfigError.unsupportedModelType(
            file: "config.json", modelType: "gpt2", supported: ["llama", "mistral", "qwen2", "qwen3", "gemma"])
        ) {
            try ModelConfig.parse(#"{"model_type": "gpt2"}"#)
        }
        let message = "\(ConfigError.unsupportedModelType(file: "c.json", modelType: "gpt2", supported: ModelType.supportedNames))"
        #expect(message.contains("llama, mistral, qwen2, qwen3, gemma"))
    }

    @Test func malformedFieldsNameTheFileAndField() {
        #expect(throws: ConfigError.missingField(file: "config.json", field: "model_type")) {
            try ModelConfig.parse("{}")
        }
        #expect(throws: ConfigError.wrongType(file: "config.json", field: "hidden_size", expected: "an integer", got: "string")) {
            try ModelConfig.parse(#"{"model_type": "llama", "hidden_size": "big"}"#)
        }
        #expect(throws: ConfigError.missingField(file: "config.json", field: "rope_scaling.factor")) {
            try ModelConfig.parse(#"{"model_type": "llama", "rope_scaling": {"type": "linear"}}"#)
        }
        #expect(throws: ConfigError.self) {
            try ModelConfig.parse(#"{"model_type": "llama", "rope_scaling": {"rope_type": "longrope", "factor": 2}}"#)
        }
        #expect(throws: ConfigError.self) {
            try ModelConfig.parse(#"{"model_type": "llama", "num_attention_heads": 6, "num_key_value_heads": 4}"#)
        }
        #expect(throws: ConfigError.self) { try ModelConfig.parse(#"{"model_type": "llama",}"#) }
        #expect(throws: ConfigError.io(file: "/nonexistent/config.json", detail: "cannot open: No such file or directory")) {
            try ModelConfig.load("/nonexistent/config.json")
        }
    }

    @Test func generationConfigRoundTrips() throws {
        let text = """
            {"bos_token_id": 1, "eos_token_id": [2, 3], "do_sample": true, "temperature": 0.6,
             "top_p": 0.9, "transformers_version": "4.45.0"}
            """
        let config = try GenerationConfig.parse(text)
        #expect(config.eosTokenIDs == .list([2, 3]))
        #expect(config.doSample && config.temperature == 0.6 && config.topP == 0.9 && config.topK == 50)
        #expect(config.jsonText == """
            {
              "bos_token_id": 1,
              "do_sample": true,
              "eos_token_id": [
                2,
                3
              ],
              "temperature": 0.6,
              "top_p": 0.9,
              "transformers_version": "4.45.0"
            }

            """)
        let folder = try formatsTemporaryFolder()
        try config.write(to: folder + "/generation_config.json")
        #expect(try GenerationConfig.load(folder + "/generation_config.json").jsonText == config.jsonText)
        #expect(throws: ConfigError.self) { try GenerationConfig.parse(#"{"top_k": "many"}"#) }
    }

    @Test func jsonWriterMatchesPythonFloatRepr() {
        let cases: [(Double, String)] = [
            (1e-5, "1e-05"), (1e-6, "1e-06"), (10000, "10000.0"), (500000, "500000.0"), (0.02, "0.02"),
            (1e16, "1e+16"), (123456789012345678, "1.2345678901234568e+17"), (0.0001, "0.0001"),
            (-2.5, "-2.5"), (1.5e-7, "1.5e-07"), (0, "0.0"), (3.0e5, "300000.0"),
        ]
        for (value, text) in cases {
            #expect(JSONWriter.pythonRepr(value) == text, "\(value)")
        }
        let value = JSONValue.object(JSONObject([("b", .array([])), ("a", .string("é\n\"x"))]))
        #expect(JSONWriter.pretty(value, sortKeys: true) == "{\n  \"a\": \"\\u00e9\\n\\\"x\",\n  \"b\": []\n}")
        #expect(JSONWriter.compact(value) == "{\"b\":[],\"a\":\"é\\n\\\"x\"}")
    }

    @Test func jsonParserRejectsWhatItShould() throws {
        for bad in ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"\\x\"", "\"\u{01}\"", "tru", "{} {}", "\"\\uD800\""] {
            #expect(throws: (any Error).self, "\(bad)") { try JSONParser.parse(bad) }
        }
        #expect(throws: JSONParser.DuplicateKey.self) { try JSONParser.parse(#"{"a": 1, "a": 2}"#) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let value = try JSONParser.parse(#"{"n": -12, "x": 1.5e3, "s": "\ud83d\ude00\u00e9", "big": 9007199254740993}"#)
        #expect(value["n"] == .int(-12))
        #expect(value["x"] == .double(1500))
        #expect(value["s"] == .string("😀é"))
        #expect(value["big"] == .int(9_007_199_254_740_993))
        #expect(value.objectValue?.keys == ["n", "x", "s", "big"])
    }
}
