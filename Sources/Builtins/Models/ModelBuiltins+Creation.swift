import Foundation
import Language
import Models
import Tensors

// MARK: Making models in lfs: `train_tokenizer`, `new_model`, `tok.save`

extension ModelBuiltins {
    /// `train_tokenizer(texts, vocab_size:, ...)`: a byte-level BPE tokenizer learned from
    /// texts by ``BPETrainer``, with its special tokens first and tokenizer_config settings.
    static let trainTokenizerFunction = Builtin(
        "train_tokenizer",
        Signature(
            ["texts"],
            labelled: [
                ("vocab_size", .int(2048)), ("special", .list(ListObject([]))),
                ("min_frequency", .int(2)), ("bos", .nil), ("eos", .nil), ("pad", .nil),
                ("chat_template", .nil),
            ]),
        doc: "learns a byte-level BPE tokenizer from a list of texts (special tokens get the first ids)"
    ) { arguments in
        let texts = try arguments.list(0).enumerated().map { index, value in
            guard case .string(let text) = value else {
                throw arguments.badArgument("texts", expected: "a list of strings (item \(index))", got: value)
            }
            return text
        }
        let special = try arguments.list("special").map { value in
            guard case .string(let token) = value else {
                throw arguments.badArgument("special", expected: "a list of strings", got: value)
            }
            return token
        }
        let size = try arguments.int("vocab_size")
        guard size > 256 + special.count else {
            throw HostError(
                "vocab_size \(size) leaves no room for merges (256 bytes and \(special.count) special tokens come first)")
        }
        var config = TokenizerConfig()
        config.bosToken = try arguments.optionalString("bos")
        config.eosToken = try arguments.optionalString("eos")
        config.padToken = try arguments.optionalString("pad")
        config.chatTemplate = try arguments.optionalString("chat_template")
        for (label, token) in [("bos", config.bosToken), ("eos", config.eosToken), ("pad", config.padToken)] {
            if let token, !special.contains(token) {
                throw HostError("\(label) token '\(token)' is not one of the special tokens \(special)")
            }
        }
        let trainer = BPETrainer(
            vocabularySize: size, minimumFrequency: try arguments.int("min_frequency"), specialTokens: special)
        return .host(TokenizerValue(try trainer.train(texts, config: config)))
    }

    /// `new_model(config, tokenizer:, seed:)`: a model with transformers' random
    /// initialisation, from a config.json-style dict.
    static let newModelFunction = Builtin(
        "new_model", Signature(["config"], labelled: [("tokenizer", .nil), ("seed", .int(0))]),
        doc: "a randomly initialised model from a config.json dict (vocab and special ids from tokenizer:)"
    ) { arguments in
        let dict = try arguments.dict(0)
        var tokenizer: Tokenizer?
        if case .nil = arguments["tokenizer"] {} else {
            tokenizer = try arguments.host("tokenizer", as: TokenizerValue.self, "Tokenizer").tokenizer
        }
        if let tokenizer {
            let implied: [(String, Int?)] = [
                ("vocab_size", tokenizer.vocabularySize), ("eos_token_id", tokenizer.eosTokenID),
                ("pad_token_id", tokenizer.padTokenID), ("bos_token_id", tokenizer.bosTokenID),
            ]
            // A token the tokenizer lacks is written as null, not left to the
            // architecture's default (Llama's bos_token_id 1 would name another token).
            for (key, value) in implied where dict.get(.string(key)) == nil {
                _ = dict.set(.string(key), value.map { .int(Int64($0)) } ?? .nil)
            }
        }
        let config = try ModelConfig.parse(try JSON.serialize(.dict(dict)), file: "new_model config")
        let seed = try arguments.int("seed")
        guard seed >= 0 else { throw HostError("seed must be non-negative, got \(seed)") }
        let model = try CausalLM.initialised(config: config, seed: UInt64(seed))
        model.tokenizer = tokenizer
        if let tokenizer { lastTokenizer.withLock { $0.tokenizer = tokenizer } }
        return .host(ModelValue(model))
    }

    /// `tok.save(dir)`: tokenizer.json and tokenizer_config.json.
    static let tokenizerSaveMethod = Builtin(
        "save", Signature(["directory"]),
        doc: "writes tokenizer.json and tokenizer_config.json into a folder (created if missing)"
    ) { arguments in
        let tokenizer = try arguments.receiver(as: TokenizerValue.self).tokenizer
        try tokenizer.save(directory: try arguments.string(0))
        return .nil
    }
}
