/// Generation from and to text, through the model's tokenizer.
extension CausalLM {
    /// The tokens that end generation by default: the tokenizer's EOS and the config's
    /// `eos_token_id` (one or several).
    public var defaultStopTokens: [Int] {
        var ids = config.eosTokenIDs?.ids ?? []
        if let eos = tokenizer?.eosTokenID, !ids.contains(eos) { ids.append(eos) }
        return ids
    }

    /// The model's tokenizer.
    /// - Throws: `ModelError.notAModel` when the folder had no tokenizer.json.
    public func requireTokenizer() throws -> Tokenizer {
        guard let tokenizer else {
            throw ModelError.notAModel(
                path: sourceDirectory ?? "model", reason: "no tokenizer.json to encode text with")
        }
        return tokenizer
    }

    /// Continues `prompt` and returns the new text (special tokens left out).
    /// - Parameters:
    ///   - prompt: the text to continue; encoded with the tokenizer's special tokens
    ///     (BOS when its config adds one).
    ///   - options: decoding settings; the default stop tokens are added to its own.
    ///   - onText: receives each new piece of text as it is produced; return false to stop.
    /// - Returns: the generated text, cut before a stop string.
    /// - Throws: `ModelError`, `GenerationError`, tokenizer errors.
    public func generate(
        _ prompt: String, options: GenerationOptions = GenerationOptions(),
        onText: ((String) -> Bool)? = nil
    ) throws -> String {
        let tokenizer = try requireTokenizer()
        return try generate(
            ids: tokenizer.encode(prompt, addSpecialTokens: true), options: options,
            onText: onText)
    }

    /// Generates after prompt ids and returns the new text.
    /// - Parameters:
    ///   - ids: the prompt's token ids.
    ///   - options: decoding settings; the default stop tokens are added to its own.
    ///   - onText: receives each new piece of text; return false to stop.
    /// - Throws: `ModelError`, `GenerationError`, tokenizer errors.
    public func generate(
        ids: [Int], options: GenerationOptions = GenerationOptions(),
        onText: ((String) -> Bool)? = nil
    ) throws -> String {
        let tokenizer = try requireTokenizer()
        var settings = options
        for id in defaultStopTokens where !settings.stopTokens.contains(id) {
            settings.stopTokens.append(id)
        }
        let decode: ([Int]) -> String = { tokens in
            (try? tokenizer.decode(tokens, skipSpecialTokens: true)) ?? ""
        }
        var stream = TextStream(stopStrings: options.stopStrings)
        var produced: [Int] = []
        let tokens = try Generator(model: self).generate(
            prompts: [ids], options: settings, decode: decode
        ) { _, token in
            produced.append(token)
            guard let onText else { return true }
            let piece = stream.advance(to: decode(produced))
            return piece.isEmpty ? true : onText(piece)
        }
        return TextStream.cut(decode(tokens.first ?? []), at: options.stopStrings)
    }
}

/// Turns the growing decoded text of a generation into new pieces to print, holding
/// back an incomplete UTF-8 character (decoded as U+FFFD) and text that may be the
/// start of a stop string.
struct TextStream {
    /// The strings that end generation.
    let stopStrings: [String]
    /// How much of the text has been handed out.
    private(set) var emitted = 0

    init(stopStrings: [String]) { self.stopStrings = stopStrings }

    /// The new piece of `text` that is safe to show.
    mutating func advance(to text: String) -> String {
        var visible = TextStream.cut(text, at: stopStrings)
        if visible.last == "\u{FFFD}" { visible.removeLast() }
        // Hold back a suffix that could grow into a stop string.
        var holdBack = 0
        for stop in stopStrings {
            for length in stride(from: min(stop.count - 1, visible.count), to: 0, by: -1)
            where visible.hasSuffix(String(stop.prefix(length))) {
                holdBack = max(holdBack, length)
                break
            }
        }
        let end = visible.count - holdBack
        guard end > emitted else { return "" }
        let piece = String(visible.dropFirst(emitted).prefix(end - emitted))
        emitted = end
        return piece
    }

    /// `text` up to the first occurrence of any stop string.
    static func cut(_ text: String, at stopStrings: [String]) -> String {
        var end = text.endIndex
        for stop in stopStrings where !stop.isEmpty {
            if let range = text.range(of: stop), range.lowerBound < end { end = range.lowerBound }
        }
        return String(text[..<end])
    }
}
