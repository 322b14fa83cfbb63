/// One entry of tokenizer.json's `added_tokens`.
public struct AddedToken: Equatable, Sendable {
    public var id: Int
    public var content: String
    /// Only match when not inside a word.
    public var singleWord: Bool
    /// Swallow whitespace on the left.
    public var leftStrip: Bool
    /// Swallow whitespace on the right.
    public var rightStrip: Bool
    /// Match against the normalized text (else the raw text).
    public var normalized: Bool
    /// A control token (`skip_special_tokens` drops it).
    public var special: Bool
}

/// Splits text around added tokens as the `tokenizers` library's `AddedVocabulary` does:
/// leftmost-longest matches, `single_word` matches skipped when a word character touches
/// them, `lstrip`/`rstrip` extending a match over whitespace.
struct AddedTokenMatcher: Sendable {
    private let tokens: [AddedToken]
    /// Token bytes grouped by first byte, longest first.
    private let byFirstByte: [UInt8: [(bytes: [UInt8], index: Int)]]

    init(_ tokens: [AddedToken], content: (AddedToken) -> String = { $0.content }) {
        self.tokens = tokens
        var table: [UInt8: [(bytes: [UInt8], index: Int)]] = [:]
        for (index, token) in tokens.enumerated() {
            let bytes = Array(content(token).utf8)
            guard let first = bytes.first else { continue }
            table[first, default: []].append((bytes, index))
        }
        for key in table.keys { table[key]?.sort { $0.bytes.count > $1.bytes.count } }
        byFirstByte = table
    }

    var isEmpty: Bool { byFirstByte.isEmpty }

    /// A piece of the input: either plain text or an added token.
    enum Piece: Equatable {
        case text(String, atStart: Bool)
        case token(Int)
    }

    /// The pieces of `text` (`atStart`: whether `text` begins the whole input).
    func split(_ text: String, atStart: Bool) -> [Piece] {
        if isEmpty { return [.text(text, atStart: atStart)] }
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var consumed = 0  // end of the last emitted match
        var position = 0
        while position < bytes.count {
            guard let candidates = byFirstByte[bytes[position]],
                let match = candidates.first(where: { candidate in
                    position + candidate.bytes.count <= bytes.count
                        && bytes[position..<(position + candidate.bytes.count)].elementsEqual(candidate.bytes)
                })
            else {
                position += 1
                continue
            }
            let token = tokens[match.index]
            var start = position
            var stop = position + match.bytes.count
            position = stop
            if token.singleWord {
                let before = start == 0 ? nil : Self.lastScalar(bytes[..<start])
                let after = stop == bytes.count ? nil : Self.firstScalar(bytes[stop...])
                if before.map(Self.isWordCharacter) == true || after.map(Self.isWordCharacter) == true { continue }
            }
            if token.leftStrip {
                var newStart = start
                while newStart > consumed, let scalar = Self.lastScalar(bytes[consumed..<newStart]), scalar.properties.isWhitespace {
                    newStart -= String(scalar).utf8.count
                }
                start = max(newStart, consumed)
            }
            if token.rightStrip {
                while stop < bytes.count, let scalar = Self.firstScalar(bytes[stop...]), scalar.properties.isWhitespace {
                    stop += String(scalar).utf8.count
                }
                position = stop
            }
            if start > consumed {
                pieces.append(.text(String(decoding: bytes[consumed..<start], as: UTF8.self), atStart: atStart && consumed == 0))
            }
            pieces.append(.token(token.id))
            consumed = stop
        }
        if consumed < bytes.count {
            pieces.append(.text(String(decoding: bytes[consumed...], as: UTF8.self), atStart: atStart && consumed == 0))
        }
        return pieces
    }

    private static func isWordCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func lastScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        var start = bytes.endIndex
        while start > bytes.startIndex {
            start -= 1
            if bytes[start] & 0xC0 != 0x80 { break }
        }
        return String(decoding: bytes[start...], as: UTF8.self).unicodeScalars.first
    }

    private static func firstScalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        String(decoding: bytes.prefix(4), as: UTF8.self).unicodeScalars.first
    }
}
