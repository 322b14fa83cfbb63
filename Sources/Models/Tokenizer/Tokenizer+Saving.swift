import Foundation

/// Writing a tokenizer back as the two files transformers reads.
extension Tokenizer {
    /// Writes `tokenizer.json` (the bytes it was built from) and `tokenizer_config.json`
    /// (its special tokens, flags and chat template, with `PreTrainedTokenizerFast` as the
    /// class) into `directory`, each through a temporary file renamed into place.
    /// - Throws: `TokenizerError.io` naming the file.
    public func save(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw TokenizerError.io(file: directory, detail: "cannot create the folder (\(error))")
        }
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        do {
            try TextFile.write(String(decoding: json, as: UTF8.self), to: folder + "tokenizer.json")
            try TextFile.write(
                JSONWriter.pretty(config.jsonValue, asciiOnly: false) + "\n",
                to: folder + "tokenizer_config.json")
        } catch let error as FileIOError {
            throw TokenizerError.io(file: error.path, detail: error.detail)
        }
    }
}

extension TokenizerConfig {
    /// tokenizer_config.json's object for these settings (unset ones omitted).
    public var jsonValue: JSONValue {
        var pairs: [(String, JSONValue)] = []
        func add(_ key: String, _ value: String?) {
            if let value { pairs.append((key, .string(value))) }
        }
        func add(_ key: String, _ value: Bool?) {
            if let value { pairs.append((key, .bool(value))) }
        }
        add("add_bos_token", addBosToken)
        add("add_eos_token", addEosToken)
        add("bos_token", bosToken)
        add("eos_token", eosToken)
        add("pad_token", padToken)
        add("unk_token", unknownToken)
        add("chat_template", chatTemplate)
        add("tokenizer_class", "PreTrainedTokenizerFast")
        return .object(JSONObject(pairs))
    }
}
