/// The parts of tokenizer_config.json lfs uses.
public struct TokenizerConfig: Equatable, Sendable {
    public var bosToken: String?
    public var eosToken: String?
    public var padToken: String?
    public var unknownToken: String?
    /// `add_bos_token` when the file sets it.
    public var addBosToken: Bool?
    /// `add_eos_token` when the file sets it.
    public var addEosToken: Bool?
    /// The Jinja chat template (the `default` one when the file lists several).
    public var chatTemplate: String?

    /// Nothing set.
    public init() {}

    /// Reads tokenizer_config.json.
    /// - Throws: `TokenizerError` naming the file and the field.
    public static func load(_ path: String) throws -> TokenizerConfig {
        let bytes: [UInt8]
        do {
            bytes = try TextFile.readBytes(path)
        } catch let error as FileIOError {
            throw TokenizerError.io(file: path, detail: error.detail)
        }
        return try parse(bytes, file: path)
    }

    /// Parses tokenizer_config.json bytes.
    /// - Throws: `TokenizerError` naming the file and the field.
    public static func parse(_ bytes: [UInt8], file: String = "tokenizer_config.json") throws -> TokenizerConfig {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw TokenizerError.malformed(file: file, field: "<root>", detail: "not valid JSON: \(error)")
        }
        guard json.objectValue != nil else {
            throw TokenizerError.malformed(file: file, field: "<root>", detail: "expected an object")
        }
        // A token is "text" or {"content": "text", ...} (AddedToken serialised).
        func token(_ key: String) throws -> String? {
            guard let value = json[key], !value.isNull else { return nil }
            if let text = value.stringValue ?? value["content"]?.stringValue { return text }
            throw TokenizerError.malformed(file: file, field: key, detail: "expected a string or {\"content\": ...}")
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let flag = value.boolValue else {
                throw TokenizerError.malformed(file: file, field: key, detail: "expected a boolean")
            }
            return flag
        }
        var config = TokenizerConfig()
        config.bosToken = try token("bos_token")
        config.eosToken = try token("eos_token")
        config.padToken = try token("pad_token")
        config.unknownToken = try token("unk_token")
        config.addBosToken = try flag("add_bos_token")
        config.addEosToken = try flag("add_eos_token")
        if let template = json["chat_template"] {
            if let text = template.stringValue {
                config.chatTemplate = text
            } else if let list = template.arrayValue {
                let named = list.first { $0["name"]?.stringValue == "default" } ?? list.first
                config.chatTemplate = named?["template"]?.stringValue
            }
        }
        return config
    }

    /// The post-processor with `add_bos_token`/`add_eos_token` applied, as transformers'
    /// Llama-style fast tokenizers rebuild their template: BOS first if asked, EOS last.
    func adjust(_ processor: PostProcessor, lookup: (String) -> Int?) throws -> PostProcessor {
        var result = processor
        let bos = bosToken.flatMap(lookup)
        let eos = eosToken.flatMap(lookup)
        if let addBosToken, let bos {
            let has = result.prefix.first == bos
            if addBosToken && !has { result.prefix.insert(bos, at: 0) }
            if !addBosToken && has { result.prefix.removeFirst() }
        }
        if let addEosToken, let eos {
            let has = result.suffix.last == eos
            if addEosToken && !has { result.suffix.append(eos) }
            if !addEosToken && has { result.suffix.removeLast() }
        }
        return result
    }
}
