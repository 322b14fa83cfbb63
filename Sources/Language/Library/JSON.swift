import Foundation

/// JSON reading and writing for `load`/`save` (public, so a host library that replaces
/// `load` and `save` can fall back to these). Objects become insertion-ordered dicts,
/// integers stay ints, other numbers become floats.
public enum JSON {
    /// Parses JSON text into a value.
    /// - Throws: `HostError` naming the offset of the first problem.
    public static func parse(_ text: String) throws -> Value {
        var parser = Reader(Array(text.utf8))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.atEnd else { throw parser.failure("unexpected trailing characters") }
        return value
    }

    /// Serialises a value: dicts with string keys, lists, tuples, ranges, strings, finite
    /// numbers, bools and nil.
    /// - Parameter indent: spaces per level, or nil for one line.
    /// - Throws: `HostError` for values JSON cannot hold.
    public static func serialize(_ value: Value, indent: Int? = 2) throws -> String {
        var out = ""
        try write(value, into: &out, indent: indent, level: 0)
        return out
    }

    /// Reads a `.json` file (or a `.jsonl` file as a list of values).
    public static func load(path: String) throws -> Value {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HostError("cannot read '\(path)'")
        }
        if path.hasSuffix(".jsonl") {
            return .list(try text.split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }.map { try parse(String($0)) })
        }
        return try parse(text)
    }

    /// Writes a value to a `.json` file (or each element of a list to a `.jsonl` file).
    public static func save(_ value: Value, path: String) throws {
        var text: String
        if path.hasSuffix(".jsonl") {
            guard let items = Arguments.asList(value) else { throw HostError("a .jsonl file holds a list, got \(value.typeName)") }
            text = try items.map { try serialize($0, indent: nil) }.joined(separator: "\n") + "\n"
        } else {
            text = try serialize(value) + "\n"
        }
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw HostError("cannot write '\(path)'")
        }
    }

    private static func write(_ value: Value, into out: inout String, indent: Int?, level: Int) throws {
        guard level < 200 else { throw HostError("value nested too deeply for JSON") }
        let newline = indent == nil ? "" : "\n"
        let pad = { (l: Int) in String(repeating: " ", count: (indent ?? 0) * l) }
        func sequence(_ items: [Value]) throws {
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad(level + 1)
                try write(item, into: &out, indent: indent, level: level + 1)
                out += (i + 1 < items.count ? (indent == nil ? ", " : ",") : "") + newline
            }
            out += pad(level) + "]"
        }
        switch value {
        case .nil: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let f):
            guard f.isFinite else { throw HostError("JSON cannot hold \(f)") }
            out += Value.formatFloat(f)
        case .string(let s): out += escape(s)
        case .list(let list): try sequence(list.items)
        case .tuple(let items): try sequence(items)
        case .range(let r): try sequence((r.lower..<max(r.lower, r.upper)).prefix(Interpreter.maxMaterialized).map { .int($0) })
        case .dict(let dict):
            if dict.count == 0 {
                out += "{}"
                return
            }
            out += "{" + newline
            for (i, (key, item)) in dict.entries.enumerated() {
                guard case .string(let k) = key else { throw HostError("JSON object keys must be strings, got \(key.typeName)") }
                out += pad(level + 1) + escape(k) + ": "
                try write(item, into: &out, indent: indent, level: level + 1)
                out += (i + 1 < dict.count ? (indent == nil ? ", " : ",") : "") + newline
            }
            out += pad(level) + "}"
        default:
            throw HostError("JSON cannot hold a \(value.typeName)")
        }
    }

    private static func escape(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 32 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private struct Reader {
        let bytes: [UInt8]
        var i = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { i >= bytes.count }

        func failure(_ message: String) -> HostError { HostError("invalid JSON at offset \(i): \(message)") }

        mutating func skipWhitespace() {
            while i < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[i]) { i += 1 }
        }

        mutating func literal(_ word: String, _ value: Value) throws -> Value {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else { throw failure("unexpected character") }
            i += w.count
            return value
        }

        mutating func value(depth: Int) throws -> Value {
            guard depth < 500 else { throw failure("nested too deeply") }
            guard i < bytes.count else { throw failure("unexpected end") }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                let dict = DictObject()
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return .dict(dict)
                }
                while true {
                    skipWhitespace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                    let key = try string()
                    skipWhitespace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                    i += 1
                    skipWhitespace()
                    dict.set(.string(key), try value(depth: depth + 1))
                    skipWhitespace()
                    guard i < bytes.count else { throw failure("unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "}") {
                        i += 1
                        return .dict(dict)
                    } else {
                        throw failure("expected ',' or '}'")
                    }
                }
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipWhitespace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return .list(ListObject(items))
                }
                while true {
                    skipWhitespace()
                    items.append(try value(depth: depth + 1))
                    skipWhitespace()
                    guard i < bytes.count else { throw failure("unexpected end") }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "]") {
                        i += 1
                        return .list(ListObject(items))
                    } else {
                        throw failure("expected ',' or ']'")
                    }
                }
            case UInt8(ascii: "\""):
                return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .nil)
            default:
                return try number()
            }
        }

        mutating func number() throws -> Value {
            let start = i
            var isFloat = false
            while i < bytes.count {
                let c = bytes[i]
                if (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
                    i += 1
                } else if c == UInt8(ascii: ".") || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    isFloat = true
                    i += 1
                } else {
                    break
                }
            }
            guard i > start, let text = String(bytes: bytes[start..<i], encoding: .utf8) else { throw failure("unexpected character") }
            if !isFloat, let int = Int64(text) { return .int(int) }
            guard let double = Double(text) else { throw failure("bad number '\(text)'") }
            return .float(double)
        }

        mutating func string() throws -> String {
            i += 1
            var out: [UInt8] = []
            while i < bytes.count {
                let c = bytes[i]
                i += 1
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                guard c == UInt8(ascii: "\\") else {
                    out.append(c)
                    continue
                }
                guard i < bytes.count else { break }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if code >= 0xD800 && code < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let low = try hex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    out += Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8)
                default: out.append(e)
                }
            }
            throw failure("unterminated string")
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= bytes.count, let text = String(bytes: bytes[i..<i + 4], encoding: .utf8), let code = UInt32(text, radix: 16) else {
                throw failure("bad \\u escape")
            }
            i += 4
            return code
        }
    }
}
