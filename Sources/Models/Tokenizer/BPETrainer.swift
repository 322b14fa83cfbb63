/// Trains a byte-level BPE tokenizer (Llama 3-style regex split, GPT-2 byte alphabet) and
/// writes it as a tokenizer.json that the Hugging Face `tokenizers` library loads.
///
/// The algorithm is the classic one (and the library's `BpeTrainer` in outline): count the
/// pre-tokenized words, start from the 256 byte characters, then repeatedly merge the most
/// frequent adjacent pair (ties broken by the smaller pair of ids) until the vocabulary is
/// full or no pair occurs `minimumFrequency` times. Pair counts are updated incrementally,
/// only in the words that hold the merged pair.
public struct BPETrainer: Sendable {
    /// The vocabulary size to reach, special tokens and the 256 bytes included.
    public var vocabularySize: Int
    /// A pair must occur at least this often to be merged.
    public var minimumFrequency: Int
    /// Tokens given the first ids, as added special tokens (`<|endoftext|>`, `<|im_start|>` ...).
    public var specialTokens: [String]

    /// A trainer.
    public init(vocabularySize: Int, minimumFrequency: Int = 2, specialTokens: [String] = []) {
        self.vocabularySize = vocabularySize
        self.minimumFrequency = minimumFrequency
        self.specialTokens = specialTokens
    }

    private static let preTokenizer = PreTokenizer.sequence([
        .split(.llama3(digitRun: 3), .isolated, invert: false),
        .byteLevel(addPrefixSpace: false, useRegex: false),
    ])

    /// The tokenizer.json text for `texts`.
    public func trainJSON(_ texts: [String]) -> String {
        // Word counts over byte-level pieces.
        var wordCounts: [String: Int] = [:]
        for text in texts {
            let pieces = Self.preTokenizer.apply([PreToken(scalars: Array(text.unicodeScalars), atStart: true)])
            for piece in pieces {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: piece.scalars)
                wordCounts[String(view), default: 0] += 1
            }
        }
        var tokens: [String] = specialTokens
        var ids: [String: Int] = [:]
        for (i, token) in tokens.enumerated() { ids[token] = i }
        for scalar in ByteLevelAlphabet.characters.sorted(by: { $0.value < $1.value }) {
            let token = String(scalar)
            if ids[token] == nil {
                ids[token] = tokens.count
                tokens.append(token)
            }
        }
        // Words as id arrays, sorted for determinism.
        let sortedWords = wordCounts.keys.sorted()
        var words: [[Int]] = sortedWords.map { word in word.unicodeScalars.compactMap { ids[String($0)] } }
        let counts = sortedWords.map { wordCounts[$0] ?? 0 }
        var pairCounts: [UInt64: Int] = [:]
        var pairWords: [UInt64: Set<Int>] = [:]
        func key(_ a: Int, _ b: Int) -> UInt64 { UInt64(a) << 32 | UInt64(b) }
        func account(_ word: Int, _ sign: Int) {
            let symbols = words[word]
            guard symbols.count > 1 else { return }
            for i in 0..<(symbols.count - 1) {
                let pair = key(symbols[i], symbols[i + 1])
                pairCounts[pair, default: 0] += sign * counts[word]
                if sign > 0 { pairWords[pair, default: []].insert(word) }
            }
        }
        for word in words.indices { account(word, 1) }
        var merges: [(String, String)] = []
        while tokens.count < vocabularySize {
            var best: UInt64 = 0
            var bestCount = 0
            for (pair, count) in pairCounts where count > bestCount || (count == bestCount && count > 0 && pair < best) {
                best = pair
                bestCount = count
            }
            guard bestCount >= max(1, minimumFrequency) else { break }
            let left = Int(best >> 32)
            let right = Int(best & 0xFFFF_FFFF)
            let merged = tokens[left] + tokens[right]
            let newID: Int
            if let existing = ids[merged] {
                newID = existing
            } else {
                newID = tokens.count
                ids[merged] = newID
                tokens.append(merged)
            }
            merges.append((tokens[left], tokens[right]))
            for word in (pairWords[best] ?? []).sorted() {
                account(word, -1)
                var symbols = words[word]
                var i = 0
                while i < symbols.count - 1 {
                    if symbols[i] == left && symbols[i + 1] == right {
                        symbols[i] = newID
                        symbols.remove(at: i + 1)
                    }
                    i += 1
                }
                words[word] = symbols
                account(word, 1)
            }
            pairCounts[best] = nil
            pairWords[best] = nil
        }
        return Self.json(tokens: tokens, specialCount: specialTokens.count, merges: merges)
    }

    /// Trains and returns the tokenizer (with tokenizer_config settings from `config`).
    /// - Throws: `TokenizerError` (only if the generated file were inconsistent).
    public func train(_ texts: [String], config: TokenizerConfig = TokenizerConfig()) throws -> Tokenizer {
        try Tokenizer(json: Array(trainJSON(texts).utf8), config: config, file: "<trained>")
    }

    private static func json(tokens: [String], specialCount: Int, merges: [(String, String)]) -> String {
        let byteLevel: [(String, JSONValue)] = [
            ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(true)), ("use_regex", .bool(false)),
        ]
        let added = tokens.prefix(specialCount).enumerated().map { id, token in
            JSONValue.object(JSONObject([
                ("id", .int(Int64(id))), ("content", .string(token)), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(true)),
            ]))
        }
        let vocab = JSONObject(tokens.enumerated().map { ($1, JSONValue.int(Int64($0))) })
        let root = JSONObject([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null), ("added_tokens", .array(added)),
            ("normalizer", .null),
            ("pre_tokenizer", .object(JSONObject([
                ("type", .string("Sequence")),
                ("pretokenizers", .array([
                    .object(JSONObject([
                        ("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(SplitPattern.llama3Pattern))]))),
                        ("behavior", .string("Isolated")), ("invert", .bool(false)),
                    ])),
                    .object(JSONObject([("type", .string("ByteLevel"))] + byteLevel)),
                ])),
            ]))),
            ("post_processor", .object(JSONObject([("type", .string("ByteLevel"))] + byteLevel))),
            ("decoder", .object(JSONObject([("type", .string("ByteLevel"))] + byteLevel))),
            ("model", .object(JSONObject([
                ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null), ("continuing_subword_prefix", .null),
                ("end_of_word_suffix", .null), ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)),
                ("ignore_merges", .bool(false)), ("vocab", .object(vocab)),
                ("merges", .array(merges.map { .array([.string($0.0), .string($0.1)]) })),
            ]))),
        ])
        return JSONWriter.pretty(.object(root), asciiOnly: false) + "\n"
    }
}
