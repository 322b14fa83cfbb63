import Foundation
import Testing
@testable import Models

/// One line of a tokenizer fixture: what the `tokenizers` library produced.
struct TokenizerCase {
    var text: String
    var ids: [Int]
    var idsPlain: [Int]
    var decoded: String
    var decodedSkip: String

    static func load(_ name: String) throws -> [TokenizerCase] {
        let json = try JSONParser.parse(TextFile.readBytes(formatsFixture("tokenizers/\(name)/expected.json")))
        return (json.arrayValue ?? []).map { item in
            TokenizerCase(
                text: item["text"]?.stringValue ?? "",
                ids: (item["ids"]?.arrayValue ?? []).compactMap(\.intValue),
                idsPlain: (item["ids_plain"]?.arrayValue ?? []).compactMap(\.intValue),
                decoded: item["decoded"]?.stringValue ?? "",
                decodedSkip: item["decoded_skip"]?.stringValue ?? "")
        }
    }
}

let tokenizerFixtureNames = ["gpt2", "gpt2_prefix", "llama3", "qwen2", "llama2", "mistral", "llama2_eos"]

@Suite struct TokenizerFixtureTests {
    @Test(arguments: tokenizerFixtureNames)
    func idsMatchTheLibrary(name: String) throws {
        let tokenizer = try Tokenizer.load(directory: formatsFixture("tokenizers/\(name)"))
        let cases = try TokenizerCase.load(name)
        #expect(cases.count > 40)
        for item in cases {
            #expect(tokenizer.encode(item.text, addSpecialTokens: false) == item.idsPlain, "\(name): \(item.text.debugDescription)")
            #expect(tokenizer.encode(item.text) == item.ids, "\(name): \(item.text.debugDescription)")
        }
    }

    @Test(arguments: tokenizerFixtureNames)
    func decodesMatchTheLibrary(name: String) throws {
        let tokenizer = try Tokenizer.load(directory: formatsFixture("tokenizers/\(name)"))
        for item in try TokenizerCase.load(name) {
            #expect(try tokenizer.decode(item.ids) == item.decoded, "\(name): \(item.text.debugDescription)")
            #expect(try tokenizer.decode(item.ids, skipSpecialTokens: true) == item.decodedSkip, "\(name): \(item.text.debugDescription)")
        }
    }
}

@Suite struct TokenizerBehaviourTests {
    @Test func specialTokenIDsComeFromTheConfig() throws {
        let llama3 = try Tokenizer.load(directory: formatsFixture("tokenizers/llama3"))
        #expect(llama3.bosTokenID == llama3.tokenID("<|begin_of_text|>"))
        #expect(llama3.eosTokenID == llama3.tokenID("<|eot_id|>"))
        #expect(llama3.config.chatTemplate?.contains("<|start_header_id|>") == true)
        #expect(llama3.specialTokenIDs.count == 5)
        let llama2 = try Tokenizer.load(directory: formatsFixture("tokenizers/llama2"))
        #expect(llama2.token(1) == "<s>")
        #expect(llama2.tokenID("<0x41>") != nil)
        #expect(llama2.vocabularySize == 700)
    }

    @Test func byteLevelRoundTripsArbitraryText() throws {
        let tokenizer = try Tokenizer.load(directory: formatsFixture("tokenizers/llama3"))
        var generator = SeededGenerator(seed: 99)
        let pool: [Unicode.Scalar] = Array("ab Z09 \n\t!?'sé日😀\u{00a0}".unicodeScalars)
        for _ in 0..<300 {
            var view = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...24, using: &generator) {
                view.append(pool.randomElement(using: &generator) ?? "a")
            }
            let text = String(view)
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(try tokenizer.decode(ids) == text, "\(text.debugDescription)")
        }
    }

    @Test func unknownIDIsAnError() throws {
        let tokenizer = try Tokenizer.load(directory: formatsFixture("tokenizers/gpt2"))
        #expect(throws: TokenizerError.unknownID(100_000)) { try tokenizer.decode([1, 100_000]) }
        #expect(throws: TokenizerError.unknownID(-1)) { try tokenizer.decode([-1]) }
    }

    @Test func malformedFilesNameTheField() throws {
        func load(_ text: String) throws -> Tokenizer { try Tokenizer(json: Array(text.utf8), file: "t.json") }
        #expect(throws: TokenizerError.malformed(file: "t.json", field: "model", detail: "expected an object")) {
            try load("{}")
        }
        #expect(throws: TokenizerError.unsupported(file: "t.json", field: "model.type", detail: "model WordPiece (only BPE)")) {
            try load(#"{"model": {"type": "WordPiece", "vocab": {}}}"#)
        }
        #expect(throws: TokenizerError.malformed(file: "t.json", field: "model.merges[0]", detail: "'a b' uses tokens not in the vocabulary")) {
            try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}}"#)
        }
        #expect(throws: TokenizerError.malformed(file: "t.json", field: "model.merges[0]", detail: "expected \"a b\" or [\"a\", \"b\"]")) {
            try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": [1]}}"#)
        }
        #expect(throws: TokenizerError.unsupported(file: "t.json", field: "normalizer.type", detail: "normalizer BertNormalizer")) {
            try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "normalizer": {"type": "BertNormalizer"}}"#)
        }
        #expect(throws: TokenizerError.malformed(file: "t.json", field: "added_tokens[0].content", detail: "expected a string")) {
            try load(#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}, "added_tokens": [{"id": 1}]}"#)
        }
        #expect(throws: TokenizerError.self) { try load("{not json") }
        #expect(throws: TokenizerError.io(file: "/nonexistent/tokenizer.json", detail: "cannot open: No such file or directory")) {
            try Tokenizer.load(directory: "/nonexistent")
        }
    }

    @Test func mergesInBothFormsGiveTheSameIDs() throws {
        // gpt2_prefix's file uses "a b" strings, gpt2's ["a", "b"] pairs, from one training run.
        let strings = try JSONParser.parse(TextFile.readBytes(formatsFixture("tokenizers/gpt2_prefix/tokenizer.json")))
        let pairs = try JSONParser.parse(TextFile.readBytes(formatsFixture("tokenizers/gpt2/tokenizer.json")))
        #expect(strings["model"]?["merges"]?.arrayValue?.first?.stringValue != nil)
        #expect(pairs["model"]?["merges"]?.arrayValue?.first?.arrayValue != nil)
        let a = try Tokenizer.load(directory: formatsFixture("tokenizers/gpt2"))
        let b = try Tokenizer.load(directory: formatsFixture("tokenizers/gpt2_prefix"))
        let text = " The quick brown dog didn't care"
        #expect(a.encode(text) == b.encode(text))
    }

    @Test func splitScannersMatchTheirPatterns() {
        func pieces(_ pattern: SplitPattern, _ text: String) -> [String] {
            let scalars = Array(text.unicodeScalars)
            return pattern.matches(in: scalars).map { range in
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[range])
                return String(view)
            }
        }
        #expect(pieces(.gpt2, "I'm  here!! 123abc\n\n x") == ["I", "'m", " ", " here", "!!", " 123", "abc", "\n\n", " x"])
        #expect(pieces(.llama3(digitRun: 3), "HELLO'S 12345 \t!?\n\nok") == ["HELLO", "'S", " ", "123", "45", " ", "\t", "!?\n\n", "ok"])
        #expect(pieces(.llama3(digitRun: 1), "a 42") == ["a", " ", "4", "2"])
        #expect(pieces(.literal(Array(" ".unicodeScalars)), "a b") == [" "])
    }
}

@Suite struct TokenizerMergeTests {
    /// The O(n log n) merge used for long words gives the same ids as the quadratic one.
    @Test func heapMergeEqualsQuadraticMerge() throws {
        let tokenizer = try Tokenizer.load(directory: formatsFixture("tokenizers/llama2"))
        var generator = SeededGenerator(seed: 5)
        let words = ["▁the", "▁quick", "▁brown", "▁fox", "▁didn", "'t", "▁care", "Hello", "▁world", "!", "▁1", "2", "3"]
        for _ in 0..<50 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &generator) { text += words.randomElement(using: &generator) ?? "" }
            let symbols = text.unicodeScalars.compactMap { tokenizer.tokenID(String($0)) }
            #expect(tokenizer.model.mergeWithHeap(symbols) == tokenizer.model.mergeQuadratic(symbols), "\(text)")
        }
    }
}

@Suite struct TokenizerTrainerTests {
    static let corpus = [
        "The quick brown fox jumps over the lazy dog. The dog didn't care.",
        "Hello world! Hello, world? hello WORLD... I'm here, you're there.",
        "def forward(self, x):\n    return self.linear(x) + 1\n",
        "Numbers: 0 1 12 123 1234 and café naïve 日本語 😀",
    ]

    @Test func trainedTokenizerRoundTripsAndCompresses() throws {
        let trainer = BPETrainer(vocabularySize: 400, minimumFrequency: 2, specialTokens: ["<|endoftext|>", "<|im_start|>"])
        let texts = Array(repeating: Self.corpus, count: 10).flatMap { $0 }
        let json = trainer.trainJSON(texts)
        #expect(json == trainer.trainJSON(texts))  // deterministic
        let tokenizer = try trainer.train(texts)
        #expect(tokenizer.vocabularySize <= 400)
        #expect(tokenizer.vocabularySize > 258)
        #expect(tokenizer.tokenID("<|endoftext|>") == 0)
        #expect(tokenizer.specialTokenIDs == [0, 1])
        #expect(tokenizer.encode("<|im_start|>", addSpecialTokens: false) == [1])
        for text in Self.corpus + ["unseen words ÿ 🚀 \t\n"] {
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(try tokenizer.decode(ids) == text)
            #expect(ids.count <= text.utf8.count)
        }
        #expect(tokenizer.encode(" world", addSpecialTokens: false).count == 1)
        #expect(tokenizer.encode(Self.corpus[0], addSpecialTokens: false).count < Self.corpus[0].utf8.count / 2)
        if let dump = ProcessInfo.processInfo.environment["LFS_DUMP_TRAINED_TOKENIZER"] {
            // For checking by hand that the `tokenizers` library loads it and agrees.
            try TextFile.write(json, to: dump)
        }
    }
}
