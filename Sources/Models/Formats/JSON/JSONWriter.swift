/// Serialises `JSONValue`s the way the reference tools do.
///
/// `compact` matches Rust's `serde_json::to_string` (safetensors headers, tokenizer.json
/// pieces); `pretty` matches Python's `json.dumps(value, indent: 2)` as transformers writes
/// config.json (`ensure_ascii` on, floats in Python's shortest `repr`).
public enum JSONWriter {
    /// Compact JSON with no spaces; non-ASCII characters are written as UTF-8.
    public static func compact(_ value: JSONValue) -> String {
        var out = ""
        writeCompact(value, into: &out)
        return out
    }

    /// Python-style indented JSON. Object keys keep their order unless `sortKeys`.
    /// - Parameters:
    ///   - indent: spaces per level (transformers uses 2).
    ///   - sortKeys: sort object keys as `json.dumps(sort_keys=True)` does.
    ///   - asciiOnly: escape non-ASCII as `\uXXXX` (Python's `ensure_ascii=True`).
    public static func pretty(
        _ value: JSONValue, indent: Int = 2, sortKeys: Bool = false, asciiOnly: Bool = true
    ) -> String {
        var out = ""
        writePretty(value, level: 0, indent: indent, sortKeys: sortKeys, asciiOnly: asciiOnly, into: &out)
        return out
    }

    // MARK: - Implementation

    private static func writeCompact(_ value: JSONValue, into out: inout String) {
        switch value {
        case .array(let elements):
            out += "["
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                writeCompact(element, into: &out)
            }
            out += "]"
        case .object(let object):
            out += "{"
            for (i, pair) in object.pairs.enumerated() {
                if i > 0 { out += "," }
                writeString(pair.key, asciiOnly: false, into: &out)
                out += ":"
                writeCompact(pair.value, into: &out)
            }
            out += "}"
        default:
            writeScalar(value, asciiOnly: false, into: &out)
        }
    }

    private static func writePretty(
        _ value: JSONValue, level: Int, indent: Int, sortKeys: Bool, asciiOnly: Bool,
        into out: inout String
    ) {
        let inner = String(repeating: " ", count: (level + 1) * indent)
        let outer = String(repeating: " ", count: level * indent)
        switch value {
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, element) in elements.enumerated() {
                out += inner
                writePretty(element, level: level + 1, indent: indent, sortKeys: sortKeys, asciiOnly: asciiOnly, into: &out)
                out += i + 1 < elements.count ? ",\n" : "\n"
            }
            out += outer + "]"
        case .object(let object):
            if object.count == 0 { out += "{}"; return }
            var pairs = object.pairs
            if sortKeys { pairs.sort { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) } }
            out += "{\n"
            for (i, pair) in pairs.enumerated() {
                out += inner
                writeString(pair.key, asciiOnly: asciiOnly, into: &out)
                out += ": "
                writePretty(pair.value, level: level + 1, indent: indent, sortKeys: sortKeys, asciiOnly: asciiOnly, into: &out)
                out += i + 1 < pairs.count ? ",\n" : "\n"
            }
            out += outer + "}"
        default:
            writeScalar(value, asciiOnly: asciiOnly, into: &out)
        }
    }

    private static func writeScalar(_ value: JSONValue, asciiOnly: Bool, into out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += pythonRepr(d)
        case .string(let s): writeString(s, asciiOnly: asciiOnly, into: &out)
        case .array, .object: out += compact(value)
        }
    }

    /// Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from
    /// 1e16 on, and `NaN`/`Infinity` as `json.dumps` writes them.
    public static func pythonRepr(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        // Swift's description gives the shortest round-trip digits; re-layout them.
        let text = "\(value)"
        var mantissa = text
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let negative = mantissa.hasPrefix("-")
        if negative { mantissa.removeFirst() }
        var digits = mantissa.replacingOccurrences(".", with: "")
        var pointPosition = (mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count) + exponent
        // Strip leading zeros (0.001 -> digits 0001).
        while digits.count > 1, digits.hasPrefix("0") {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.count > 1, digits.hasSuffix("0") { digits.removeLast() }
        let decimalExponent = pointPosition - 1
        var result: String
        if decimalExponent < -4 || decimalExponent >= 16 {
            let first = digits.prefix(1)
            let rest = digits.dropFirst()
            result = String(first) + (rest.isEmpty ? "" : "." + rest)
            let sign = decimalExponent < 0 ? "-" : "+"
            let magnitude = abs(decimalExponent)
            result += "e" + sign + (magnitude < 10 ? "0" : "") + String(magnitude)
        } else if pointPosition <= 0 {
            result = "0." + String(repeating: "0", count: -pointPosition) + digits
        } else if pointPosition >= digits.count {
            result = digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
        } else {
            let split = digits.index(digits.startIndex, offsetBy: pointPosition)
            result = digits[..<split] + "." + digits[split...]
        }
        return negative ? "-" + result : result
    }

    private static func writeString(_ text: String, asciiOnly: Bool, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                    if scalar.value > 0xFFFF {
                        let v = scalar.value - 0x10000
                        out += hex4(0xD800 + (v >> 10)) + hex4(0xDC00 + (v & 0x3FF))
                    } else {
                        out += hex4(scalar.value)
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

extension String {
    /// `replacingOccurrences` without Foundation, for single-character patterns.
    fileprivate func replacingOccurrences(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self {
            if character == target { out += replacement } else { out.append(character) }
        }
        return out
    }
}
