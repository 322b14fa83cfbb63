/// A Hugging Face tokenizer loaded from tokenizer.json (and tokenizer_config.json),
/// giving the same ids as the `tokenizers` library.
///
/// Pipeline (as the library's `TokenizerImpl::encode`): split out added tokens that
/// match the raw text; normalize the rest; split out added tokens that match normalized
/// text; pre-tokenize; BPE each piece; add the post-processor's special tokens.
public final class Tokenizer: Sendable {
    /// The tokenizer.json path (or display name).
    public let file: String
    /// tokenizer.json's `added_tokens`.
    public let addedTokens: [AddedToken]
    /// tokenizer_config.json's settings (empty if there is none).
    public let config: TokenizerConfig
    /// The tokenizer.json bytes this tokenizer was built from (what `save` writes back).
    public let json: [UInt8]
    let model: BPEModel
    let normalizer: Normalizer?
    let preTokenizer: PreTokenizer?
    let postProcessor: PostProcessor
    let decoder: TokenDecoder?
    private let rawMatcher: AddedTokenMatcher
    private let normalizedMatcher: AddedTokenMatcher
    private let addedByID: [Int: AddedToken]
    private let addedByContent: [String: Int]

    /// Loads `tokenizer.json` and, if present, `tokenizer_config.json` from a folder.
    /// - Throws: `TokenizerError` naming the file and the field.
    public static func load(directory: String) throws -> Tokenizer {
        let folder = directory.hasSuffix("/") ? directory : directory + "/"
        let configPath = folder + "tokenizer_config.json"
        return try Tokenizer(
            path: folder + "tokenizer.json", configPath: TextFile.exists(configPath) ? configPath : nil)
    }

    /// Loads a tokenizer.json file, with an optional tokenizer_config.json.
    /// - Throws: `TokenizerError` naming the file and the field.
    public convenience init(path: String, configPath: String? = nil) throws {
        let bytes: [UInt8]
        do {
            bytes = try TextFile.readBytes(path)
        } catch let error as FileIOError {
            throw TokenizerError.io(file: path, detail: error.detail)
        }
        let config = try configPath.map { try TokenizerConfig.load($0) } ?? TokenizerConfig()
        try self.init(json: bytes, config: config, file: path)
    }

    /// Builds a tokenizer from tokenizer.json bytes.
    /// - Throws: `TokenizerError` naming `file` and the field.
    public init(json bytes: [UInt8], config: TokenizerConfig = TokenizerConfig(), file: String = "tokenizer.json") throws {
        let reader = TokenizerJSONReader(file: file)
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            throw TokenizerError.malformed(file: file, field: "<root>", detail: "not valid JSON: \(error)")
        }
        guard root.objectValue != nil else {
            throw TokenizerError.malformed(file: file, field: "<root>", detail: "expected an object")
        }
        self.file = file
        self.config = config
        self.json = bytes
        model = try Self.parseModel(root["model"], reader)
        normalizer = try root["normalizer"].flatMap { $0.isNull ? nil : try Normalizer.parse($0, reader, field: "normalizer") }
        preTokenizer = try root["pre_tokenizer"].flatMap {
            $0.isNull ? nil : try PreTokenizer.parse($0, reader, field: "pre_tokenizer")
        }
        decoder = try root["decoder"].flatMap { $0.isNull ? nil : try TokenDecoder.parse($0, reader, field: "decoder") }
        var added: [AddedToken] = []
        for (i, item) in (root["added_tokens"]?.arrayValue ?? []).enumerated() {
            let field = "added_tokens[\(i)]"
            added.append(AddedToken(
                id: try reader.int(item, "id", field: field),
                content: try reader.string(item, "content", field: field),
                singleWord: item["single_word"]?.boolValue ?? false,
                leftStrip: item["lstrip"]?.boolValue ?? false,
                rightStrip: item["rstrip"]?.boolValue ?? false,
                normalized: item["normalized"]?.boolValue ?? false,
                special: item["special"]?.boolValue ?? false))
        }
        addedTokens = added
        addedByID = Dictionary(added.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        addedByContent = Dictionary(added.map { ($0.content, $0.id) }, uniquingKeysWith: { first, _ in first })
        rawMatcher = AddedTokenMatcher(added.filter { !$0.normalized })
        let normalizer = self.normalizer
        normalizedMatcher = AddedTokenMatcher(added.filter(\.normalized)) { normalizer?.apply($0.content) ?? $0.content }
        let parsed = try PostProcessor.parse(root["post_processor"], reader, field: "post_processor")
        postProcessor = try config.adjust(parsed, lookup: { [model, addedByContent] in addedByContent[$0] ?? model.vocabulary[$0] })
    }

    private static func parseModel(_ json: JSONValue?, _ reader: TokenizerJSONReader) throws -> BPEModel {
        guard let json, json.objectValue != nil else {
            throw TokenizerError.malformed(file: reader.file, field: "model", detail: "expected an object")
        }
        let type = json["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else {
            throw TokenizerError.unsupported(file: reader.file, field: "model.type", detail: "model \(type) (only BPE)")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = json[key]?.stringValue, !value.isEmpty {
                throw TokenizerError.unsupported(file: reader.file, field: "model.\(key)", detail: "'\(value)'")
            }
        }
        guard let vocabObject = json["vocab"]?.objectValue else {
            throw TokenizerError.malformed(file: reader.file, field: "model.vocab", detail: "expected an object of token: id")
        }
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(vocabObject.count)
        for (token, value) in vocabObject.pairs {
            guard let id = value.intValue else {
                throw TokenizerError.malformed(file: reader.file, field: "model.vocab.\(token)", detail: "expected an integer id")
            }
            vocabulary[token] = id
        }
        // Merges come as "a b" strings (older files) or ["a", "b"] pairs (tokenizers >= 0.20).
        var merges: [(String, String)] = []
        for (i, item) in (json["merges"]?.arrayValue ?? []).enumerated() {
            if let text = item.stringValue {
                let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw TokenizerError.malformed(file: reader.file, field: "model.merges[\(i)]", detail: "'\(text)' is not 'a b'")
                }
                merges.append((String(parts[0]), String(parts[1])))
            } else if let pair = item.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                merges.append((a, b))
            } else {
                throw TokenizerError.malformed(file: reader.file, field: "model.merges[\(i)]", detail: "expected \"a b\" or [\"a\", \"b\"]")
            }
        }
        return try BPEModel(
            vocabulary: vocabulary, merges: merges, unknownToken: json["unk_token"]?.stringValue,
            fuseUnknown: json["fuse_unk"]?.boolValue ?? false, byteFallback: json["byte_fallback"]?.boolValue ?? false,
            ignoreMerges: json["ignore_merges"]?.boolValue ?? false, file: reader.file)
    }

    // MARK: - Encoding

    /// The ids of `text`.
    /// - Parameter addSpecialTokens: add the post-processor's tokens (BOS, EOS) around them.
    public func encode(_ text: String, addSpecialTokens: Bool = true) -> [Int] {
        var ids: [Int] = []
        for piece in rawMatcher.split(text, atStart: true) {
            switch piece {
            case .token(let id):
                ids.append(id)
            case .text(let raw, let atStart):
                let normalized = normalizer?.apply(raw) ?? raw
                for inner in normalizedMatcher.split(normalized, atStart: atStart) {
                    switch inner {
                    case .token(let id): ids.append(id)
                    case .text(let segment, let segmentAtStart): encodeSegment(segment, atStart: segmentAtStart, into: &ids)
                    }
                }
            }
        }
        if addSpecialTokens { return postProcessor.prefix + ids + postProcessor.suffix }
        return ids
    }

    private func encodeSegment(_ segment: String, atStart: Bool, into ids: inout [Int]) {
        if segment.isEmpty { return }
        let start = PreToken(scalars: Array(segment.unicodeScalars), atStart: atStart)
        let pieces = preTokenizer?.apply([start]) ?? [start]
        for piece in pieces where !piece.scalars.isEmpty {
            ids += model.encode(piece.scalars)
        }
    }

    // MARK: - Decoding

    /// The text of `ids`.
    /// - Parameter skipSpecialTokens: leave out added tokens marked special.
    /// - Throws: `TokenizerError.unknownID` for an id outside the vocabulary.
    public func decode(_ ids: [Int], skipSpecialTokens: Bool = false) throws -> String {
        var tokens: [String] = []
        tokens.reserveCapacity(ids.count)
        for id in ids {
            if let added = addedByID[id] {
                if skipSpecialTokens && added.special { continue }
                tokens.append(added.content)
            } else if id >= 0, id < model.tokens.count, let token = model.tokens[id] {
                tokens.append(token)
            } else {
                throw TokenizerError.unknownID(id)
            }
        }
        guard let decoder else { return tokens.joined(separator: " ") }
        return decoder.decodeChain(tokens).joined()
    }

    // MARK: - Vocabulary

    /// The id of a token string (added tokens included), or nil.
    public func tokenID(_ token: String) -> Int? { addedByContent[token] ?? model.vocabulary[token] }

    /// The token string of an id, or nil.
    public func token(_ id: Int) -> String? {
        if let added = addedByID[id] { return added.content }
        return id >= 0 && id < model.tokens.count ? model.tokens[id] : nil
    }

    /// One past the largest id (vocabulary plus added tokens).
    public var vocabularySize: Int { max(model.tokens.count, (addedByID.keys.max() ?? -1) + 1) }

    /// The ids of added tokens marked special.
    public var specialTokenIDs: Set<Int> { Set(addedTokens.filter(\.special).map(\.id)) }

    /// The BOS id from tokenizer_config.json's `bos_token`, or nil.
    public var bosTokenID: Int? { config.bosToken.flatMap(tokenID) }
    /// The EOS id from tokenizer_config.json's `eos_token`, or nil.
    public var eosTokenID: Int? { config.eosToken.flatMap(tokenID) }
    /// The padding id from tokenizer_config.json's `pad_token`, or nil.
    public var padTokenID: Int? { config.padToken.flatMap(tokenID) }
}
