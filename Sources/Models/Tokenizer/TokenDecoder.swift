/// tokenizer.json's `decoder`: turns token strings back into text.
indirect enum TokenDecoder: Sendable {
    case sequence([TokenDecoder])
    /// Byte-level characters back to bytes, decoded as UTF-8 (lossy), joined.
    case byteLevel
    /// SentencePiece marker back to spaces; in the first token the markers are dropped
    /// unless `prepend` is "never" (the library's `Metaspace::decode_chain`).
    case metaspace(replacement: Unicode.Scalar, prepend: String)
    case replace(pattern: String, content: String)
    /// `<0xAB>` tokens back to bytes (invalid UTF-8 runs become one U+FFFD per byte).
    case byteFallback
    /// Joins all tokens into one.
    case fuse
    /// Removes up to `start`/`stop` copies of `content` at each token's ends.
    case strip(content: Unicode.Scalar, start: Int, stop: Int)

    /// One decoding step over the token list (the library's `decode_chain`).
    func decodeChain(_ tokens: [String]) -> [String] {
        switch self {
        case .sequence(let steps):
            return steps.reduce(tokens) { $1.decodeChain($0) }
        case .byteLevel:
            var bytes: [UInt8] = []
            for token in tokens {
                var tokenBytes: [UInt8] = []
                var mappable = true
                for scalar in token.unicodeScalars {
                    guard let byte = ByteLevelAlphabet.byte(of: scalar) else { mappable = false; break }
                    tokenBytes.append(byte)
                }
                bytes += mappable ? tokenBytes : Array(token.utf8)
            }
            return [String(decoding: bytes, as: UTF8.self)]
        case .metaspace(let replacement, let prepend):
            return tokens.enumerated().map { index, token in
                // As the library: the first token loses every marker, not only a leading one.
                let dropMarkers = index == 0 && prepend != "never"
                let scalars = token.unicodeScalars.compactMap { $0 == replacement ? (dropMarkers ? nil : " ") : $0 }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return String(view)
            }
        case .replace(let pattern, let content):
            return tokens.map { $0.replacingAll(pattern, with: content) }
        case .byteFallback:
            var out: [String] = []
            var pending: [UInt8] = []
            func flush() {
                guard !pending.isEmpty else { return }
                if let text = String(validating: pending, as: UTF8.self) {
                    out.append(text)
                } else {
                    out += Array(repeating: "\u{FFFD}", count: pending.count)
                }
                pending = []
            }
            for token in tokens {
                if let byte = Self.byteToken(token) {
                    pending.append(byte)
                } else {
                    flush()
                    out.append(token)
                }
            }
            flush()
            return out
        case .fuse:
            return [tokens.joined()]
        case .strip(let content, let start, let stop):
            return tokens.map { token in
                var scalars = Array(token.unicodeScalars)
                var removed = 0
                while removed < start, scalars.first == content { scalars.removeFirst(); removed += 1 }
                removed = 0
                while removed < stop, scalars.last == content { scalars.removeLast(); removed += 1 }
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars)
                return String(view)
            }
        }
    }

    /// The byte of a `<0xAB>` token.
    static func byteToken(_ token: String) -> UInt8? {
        let utf8 = Array(token.utf8)
        guard utf8.count == 6, token.hasPrefix("<0x"), token.hasSuffix(">") else { return nil }
        return UInt8(String(decoding: utf8[3..<5], as: UTF8.self), radix: 16)
    }

    /// Parses a `decoder` object.
    static func parse(_ json: JSONValue, _ reader: TokenizerJSONReader, field: String) throws -> TokenDecoder {
        let type = try reader.string(json, "type", field: field)
        switch type {
        case "Sequence":
            let items = try reader.array(json, "decoders", field: field)
            return .sequence(try items.enumerated().map { try parse($1, reader, field: "\(field).decoders[\($0)]") })
        case "ByteLevel": return .byteLevel
        case "Metaspace":
            let replacement = try reader.string(json, "replacement", field: field)
            guard let scalar = replacement.unicodeScalars.first else {
                throw TokenizerError.malformed(file: reader.file, field: field + ".replacement", detail: "empty")
            }
            let prepend = json["prepend_scheme"]?.stringValue
                ?? ((json["add_prefix_space"]?.boolValue ?? true) ? "always" : "never")
            return .metaspace(replacement: scalar, prepend: prepend)
        case "Replace":
            return .replace(pattern: try reader.stringPattern(json, field: field), content: try reader.string(json, "content", field: field))
        case "ByteFallback": return .byteFallback
        case "Fuse": return .fuse
        case "Strip":
            let content = try reader.string(json, "content", field: field)
            guard let scalar = content.unicodeScalars.first else {
                throw TokenizerError.malformed(file: reader.file, field: field + ".content", detail: "empty")
            }
            return .strip(content: scalar, start: try reader.int(json, "start", field: field), stop: try reader.int(json, "stop", field: field))
        default:
            throw TokenizerError.unsupported(file: reader.file, field: field + ".type", detail: "decoder \(type)")
        }
    }
}

extension String {
    /// Replaces every occurrence of a literal (non-empty) string.
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        let source = Array(utf8)
        let needle = Array(target.utf8)
        let substitute = Array(replacement.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(source.count)
        var i = 0
        while i < source.count {
            if source[i] == needle[0], i + needle.count <= source.count, source[i..<(i + needle.count)].elementsEqual(needle) {
                out += substitute
                i += needle.count
            } else {
                out.append(source[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
