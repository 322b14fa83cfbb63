/// A piece of text on its way through the pre-tokenizers.
struct PreToken {
    /// The text, as scalars.
    var scalars: [Unicode.Scalar]
    /// Whether the piece starts at the very start of the input (Metaspace's "first").
    var atStart: Bool
}

/// How `Split` treats the pattern's matches (tokenizers' `SplitDelimiterBehavior`).
enum SplitBehavior: String, Sendable {
    case removed = "Removed", isolated = "Isolated", mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext", contiguous = "Contiguous"
}

/// The tokenizer.json pre-tokenizers lfs implements (`pre_tokenizer` field).
indirect enum PreTokenizer: Sendable {
    case sequence([PreTokenizer])
    /// GPT-2's byte-level step: optional prefix space, optional GPT-2 split, bytes to chars.
    case byteLevel(addPrefixSpace: Bool, useRegex: Bool)
    case split(SplitPattern, SplitBehavior, invert: Bool)
    /// SentencePiece's space marker; `prepend` is "always", "first" or "never".
    case metaspace(replacement: Unicode.Scalar, prepend: String, split: Bool)
    /// Splits digits off (one by one when `individual`).
    case digits(individual: Bool)

    /// Applies the step to every piece.
    func apply(_ pieces: [PreToken]) -> [PreToken] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(pieces) { $1.apply($0) }
        case .byteLevel(let addPrefixSpace, let useRegex):
            return pieces.flatMap { piece -> [PreToken] in
                var piece = piece
                if addPrefixSpace, piece.scalars.first != " " { piece.scalars.insert(" ", at: 0) }
                let parts = useRegex ? Self.split(piece, SplitPattern.gpt2, .isolated, invert: false) : [piece]
                return parts.map { part in
                    // Each scalar's UTF-8 bytes, each byte as its byte-level character.
                    var mapped: [Unicode.Scalar] = []
                    mapped.reserveCapacity(part.scalars.count + 4)
                    for scalar in part.scalars {
                        if scalar.value < 0x80 {
                            mapped.append(ByteLevelAlphabet.characters[Int(scalar.value)])
                        } else {
                            UTF8.encode(scalar) { mapped.append(ByteLevelAlphabet.characters[Int($0)]) }
                        }
                    }
                    return PreToken(scalars: mapped, atStart: part.atStart)
                }
            }
        case .split(let pattern, let behavior, let invert):
            return pieces.flatMap { Self.split($0, pattern, behavior, invert: invert) }
        case .metaspace(let replacement, let prepend, let split):
            return pieces.flatMap { piece -> [PreToken] in
                var scalars = piece.scalars.map { $0 == " " ? replacement : $0 }
                let shouldPrepend = prepend == "always" || (prepend == "first" && piece.atStart)
                if shouldPrepend, scalars.first != replacement { scalars.insert(replacement, at: 0) }
                let replaced = PreToken(scalars: scalars, atStart: piece.atStart)
                return split ? Self.split(replaced, .literal([replacement]), .mergedWithNext, invert: false) : [replaced]
            }
        case .digits(let individual):
            return pieces.flatMap { piece -> [PreToken] in
                var ranges: [Range<Int>] = []
                var i = 0
                while i < piece.scalars.count {
                    guard SplitPattern.isNumber(piece.scalars[i]) else { i += 1; continue }
                    var j = i + 1
                    if !individual { while j < piece.scalars.count, SplitPattern.isNumber(piece.scalars[j]) { j += 1 } }
                    ranges.append(i..<j)
                    i = j
                }
                return Self.pieces(piece, matches: ranges, behavior: .isolated)
            }
        }
    }

    /// Splits one piece by a pattern.
    static func split(_ piece: PreToken, _ pattern: SplitPattern, _ behavior: SplitBehavior, invert: Bool) -> [PreToken] {
        var matches = pattern.matches(in: piece.scalars)
        if invert {
            // The gaps become the matches.
            var gaps: [Range<Int>] = []
            var cursor = 0
            for match in matches {
                if match.lowerBound > cursor { gaps.append(cursor..<match.lowerBound) }
                cursor = match.upperBound
            }
            if cursor < piece.scalars.count { gaps.append(cursor..<piece.scalars.count) }
            matches = gaps
        }
        return pieces(piece, matches: matches, behavior: behavior)
    }

    /// Cuts a piece at matches as `behavior` says; empty pieces are dropped.
    static func pieces(_ piece: PreToken, matches: [Range<Int>], behavior: SplitBehavior) -> [PreToken] {
        // Each segment: (range, isMatch).
        var segments: [(Range<Int>, Bool)] = []
        var cursor = 0
        for match in matches {
            if match.lowerBound > cursor { segments.append((cursor..<match.lowerBound, false)) }
            segments.append((match, true))
            cursor = match.upperBound
        }
        if cursor < piece.scalars.count { segments.append((cursor..<piece.scalars.count, false)) }
        var ranges: [Range<Int>] = []
        switch behavior {
        case .removed:
            ranges = segments.filter { !$0.1 }.map(\.0)
        case .isolated:
            ranges = segments.map(\.0)
        case .mergedWithPrevious:
            for (range, isMatch) in segments {
                if isMatch, let last = ranges.last, last.upperBound == range.lowerBound, !ranges.isEmpty {
                    ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    ranges.append(range)
                }
            }
        case .mergedWithNext:
            var pendingStart: Int?
            for (range, isMatch) in segments {
                if isMatch {
                    if let start = pendingStart { ranges.append(start..<range.lowerBound) }
                    pendingStart = range.lowerBound
                } else {
                    ranges.append((pendingStart ?? range.lowerBound)..<range.upperBound)
                    pendingStart = nil
                }
            }
            if let start = pendingStart { ranges.append(start..<piece.scalars.count) }
        case .contiguous:
            for (range, isMatch) in segments {
                if isMatch, let last = ranges.last, last.upperBound == range.lowerBound,
                    let previous = segments.first(where: { $0.0.upperBound == range.lowerBound }), previous.1
                {
                    ranges[ranges.count - 1] = last.lowerBound..<range.upperBound
                } else {
                    ranges.append(range)
                }
            }
        }
        return ranges.filter { !$0.isEmpty }.map { range in
            PreToken(scalars: Array(piece.scalars[range]), atStart: piece.atStart && range.lowerBound == 0)
        }
    }

    /// Parses a `pre_tokenizer` object.
    static func parse(_ json: JSONValue, _ reader: TokenizerJSONReader, field: String) throws -> PreTokenizer {
        let type = try reader.string(json, "type", field: field)
        switch type {
        case "Sequence":
            let items = try reader.array(json, "pretokenizers", field: field)
            return .sequence(try items.enumerated().map { try parse($1, reader, field: "\(field).pretokenizers[\($0)]") })
        case "ByteLevel":
            return .byteLevel(
                addPrefixSpace: json["add_prefix_space"]?.boolValue ?? true,
                useRegex: json["use_regex"]?.boolValue ?? true)
        case "Split":
            let behaviorName = try reader.string(json, "behavior", field: field)
            guard let behavior = SplitBehavior(rawValue: behaviorName) else {
                throw TokenizerError.malformed(file: reader.file, field: field + ".behavior", detail: "unknown \(behaviorName)")
            }
            let pattern: SplitPattern
            if let regex = json["pattern"]?["Regex"]?.stringValue {
                pattern = try SplitPattern.regex(regex, file: reader.file, field: field + ".pattern")
            } else {
                pattern = .literal(Array(try reader.stringPattern(json, field: field).unicodeScalars))
            }
            return .split(pattern, behavior, invert: json["invert"]?.boolValue ?? false)
        case "Metaspace":
            let replacement = try reader.string(json, "replacement", field: field)
            guard let scalar = replacement.unicodeScalars.first, replacement.unicodeScalars.count == 1 else {
                throw TokenizerError.malformed(file: reader.file, field: field + ".replacement", detail: "must be one character")
            }
            // Older files say add_prefix_space instead of prepend_scheme.
            let prepend = json["prepend_scheme"]?.stringValue
                ?? ((json["add_prefix_space"]?.boolValue ?? true) ? "always" : "never")
            return .metaspace(replacement: scalar, prepend: prepend, split: json["split"]?.boolValue ?? true)
        case "Digits":
            return .digits(individual: json["individual_digits"]?.boolValue ?? false)
        case "WhitespaceSplit":
            return .split(.regex(NSRegularExpressionBox(try reader.compile(#"\S+"#, field: field))), .isolated, invert: false)
                .invertedWhitespace
        default:
            throw TokenizerError.unsupported(file: reader.file, field: field + ".type", detail: "pre-tokenizer \(type)")
        }
    }

    /// For WhitespaceSplit: keep only the `\S+` matches.
    private var invertedWhitespace: PreTokenizer {
        if case .split(let pattern, _, _) = self { return .split(pattern, .removed, invert: true) }
        return self
    }
}
