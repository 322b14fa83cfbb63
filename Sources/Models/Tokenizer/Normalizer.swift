import Foundation

/// The tokenizer.json normalizers lfs implements (`normalizer` field).
indirect enum Normalizer: Sendable {
    case sequence([Normalizer])
    /// Prepends a string to non-empty text (Llama 2's `▁`).
    case prepend(String)
    /// Replaces every occurrence of a literal string.
    case replace(pattern: String, content: String)
    case nfc, nfd, nfkc, nfkd
    case lowercase
    /// Strips whitespace on the left and/or right.
    case strip(left: Bool, right: Bool)

    /// The normalized text.
    func apply(_ text: String) -> String {
        switch self {
        case .sequence(let steps): return steps.reduce(text) { $1.apply($0) }
        case .prepend(let prefix): return text.isEmpty ? text : prefix + text
        case .replace(let pattern, let content):
            return pattern.isEmpty ? text : text.replacingOccurrences(of: pattern, with: content)
        case .nfc: return text.precomposedStringWithCanonicalMapping
        case .nfd: return text.decomposedStringWithCanonicalMapping
        case .nfkc: return text.precomposedStringWithCompatibilityMapping
        case .nfkd: return text.decomposedStringWithCompatibilityMapping
        case .lowercase: return text.lowercased()
        case .strip(let left, let right):
            var scalars = Array(text.unicodeScalars)
            if right { while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() } }
            if left { while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() } }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            return String(view)
        }
    }

    /// Parses a `normalizer` object.
    static func parse(_ json: JSONValue, _ reader: TokenizerJSONReader, field: String) throws -> Normalizer {
        let type = try reader.string(json, "type", field: field)
        switch type {
        case "Sequence":
            let items = try reader.array(json, "normalizers", field: field)
            return .sequence(try items.enumerated().map { try parse($1, reader, field: "\(field).normalizers[\($0)]") })
        case "Prepend": return .prepend(try reader.string(json, "prepend", field: field))
        case "Replace":
            return .replace(
                pattern: try reader.stringPattern(json, field: field),
                content: try reader.string(json, "content", field: field))
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Lowercase": return .lowercase
        case "Strip":
            return .strip(
                left: json["strip_left"]?.boolValue ?? true, right: json["strip_right"]?.boolValue ?? true)
        default:
            throw TokenizerError.unsupported(file: reader.file, field: field + ".type", detail: "normalizer \(type)")
        }
    }
}
