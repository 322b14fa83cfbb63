import Foundation

/// Methods of strings. Strings are immutable: every method returns a new value.
enum StringMethods {
    private static func text(_ args: Arguments) throws -> String { try CoreMethods.receiverString(args) }

    static let all: [Builtin] = [
        Builtin("split", Signature(labelled: [("separator", .nil)]), doc: "Splits on separator, or on runs of whitespace.") { args in
            let s = try text(args)
            let parts: [String]
            if let separator = try args.optionalString("separator") {
                guard !separator.isEmpty else { throw HostError("empty separator") }
                parts = s.components(separatedBy: separator)
            } else if let ascii = asciiWords(s) {
                return .list(ListObject(ascii))
            } else {
                parts = s.split(whereSeparator: { $0.isWhitespace }).map(String.init)
            }
            return .list(ListObject(parts.map(Value.string)))
        },
        Builtin("lines", Signature(), doc: "The lines, without their newlines.") { args in
            .list(ListObject(try text(args).split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }))
        },
        Builtin("join", Signature(["values"]), doc: "The elements as strings, joined by this string.") { args in
            let separator = try text(args)
            var out = ""
            for (i, value) in try args.interpreter.elements(of: args[0], nil).enumerated() {
                if i > 0 { out += separator }
                if case .string(let s) = value { out += s } else { out += value.description }
            }
            return .string(out)
        },
        Builtin("strip", Signature(labelled: [("characters", .nil)]), doc: "Without leading and trailing whitespace (or characters).") { args in
            let set = try characterSet(args)
            return .string(try text(args).trimmingCharacters(in: set))
        },
        Builtin("lstrip", Signature(labelled: [("characters", .nil)]), doc: "Without leading whitespace (or characters).") { args in
            let set = try characterSet(args)
            let s = try text(args)
            return .string(String(s.unicodeScalars.drop(while: { set.contains($0) })))
        },
        Builtin("rstrip", Signature(labelled: [("characters", .nil)]), doc: "Without trailing whitespace (or characters).") { args in
            let set = try characterSet(args)
            var scalars = Array(try text(args).unicodeScalars)
            while let last = scalars.last, set.contains(last) {
                scalars.removeLast()
            }
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars)
            return .string(String(result))
        },
        Builtin("replace", Signature(["old", "new"]), doc: "Every occurrence of old replaced by new.") { args in
            let old = try args.string(0)
            guard !old.isEmpty else { throw HostError("cannot replace an empty string") }
            return .string(try text(args).replacingOccurrences(of: old, with: try args.string(1)))
        },
        Builtin("upper", Signature(), doc: "In upper case.") { args in .string(try text(args).uppercased()) },
        Builtin("lower", Signature(), doc: "In lower case.") { args in .string(try text(args).lowercased()) },
        Builtin("startswith", Signature(["prefix"]), doc: "True when the string starts with prefix.") { args in
            .bool(try text(args).hasPrefix(try args.string(0)))
        },
        Builtin("endswith", Signature(["suffix"]), doc: "True when the string ends with suffix.") { args in
            .bool(try text(args).hasSuffix(try args.string(0)))
        },
        Builtin("contains", Signature(["part"]), doc: "True when part occurs in the string.") { args in
            let part = try args.string(0)
            let s = try text(args)
            return .bool(part.isEmpty || s.contains(part))
        },
        Builtin("find", Signature(["part"]), doc: "The character index of the first occurrence of part, or -1.") { args in
            let s = try text(args)
            guard let range = s.range(of: try args.string(0)) else { return .int(-1) }
            return .int(s.distance(from: s.startIndex, to: range.lowerBound))
        },
        Builtin("count", Signature(["part"]), doc: "The number of non-overlapping occurrences of part.") { args in
            let part = try args.string(0)
            guard !part.isEmpty else { throw HostError("cannot count an empty string") }
            return .int(try text(args).components(separatedBy: part).count - 1)
        },
        Builtin("isdigit", Signature(), doc: "True when every character is a decimal digit.") { args in
            let s = try text(args)
            return .bool(!s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber })
        },
        Builtin("isalpha", Signature(), doc: "True when every character is a letter.") { args in
            let s = try text(args)
            return .bool(!s.isEmpty && s.allSatisfy(\.isLetter))
        },
        Builtin("isspace", Signature(), doc: "True when every character is whitespace.") { args in
            let s = try text(args)
            return .bool(!s.isEmpty && s.allSatisfy(\.isWhitespace))
        },
        Builtin("format", Signature(labelled: [], variadic: "values"),
                doc: "Replaces each {} (or {0}, {:spec}) with the next argument: '{} + {}'.format(1, 2).") { args in
            .string(try format(try text(args), args.rest))
        },
    ]

    /// Splits an ASCII string on runs of ASCII whitespace straight from its UTF-8 bytes;
    /// nil when the string has non-ASCII bytes (then Unicode whitespace rules apply).
    static func asciiWords(_ text: String) -> [Value]? {
        var copy = text
        return copy.withUTF8 { bytes -> [Value]? in
            var words: [Value] = []
            var i = 0
            let n = bytes.count
            @inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
            while i < n {
                while i < n && isSpace(bytes[i]) { i += 1 }
                let start = i
                while i < n && !isSpace(bytes[i]) {
                    if bytes[i] >= 128 { return nil }
                    i += 1
                }
                if i > start {
                    words.append(.string(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)))
                }
            }
            return words
        }
    }

    private static func characterSet(_ args: Arguments) throws -> CharacterSet {
        if let characters = try args.optionalString("characters") { return CharacterSet(charactersIn: characters) }
        return .whitespacesAndNewlines
    }

    /// `'{} and {1:.2f}'.format(a, b)`: `{}` takes the next argument, `{n}` argument n,
    /// an optional `:spec` formats it; `{{` and `}}` are literal braces.
    static func format(_ template: String, _ values: [Value]) throws -> String {
        var out = ""
        var next = 0
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            if c == "{" {
                if chars.first == "{" {
                    chars.removeFirst()
                    out.append("{")
                    continue
                }
                var field = ""
                while let d = chars.first, d != "}" { field.append(chars.removeFirst()) }
                guard chars.popFirst() == "}" else { throw HostError("unclosed '{' in format string") }
                let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let name = parts.first.map(String.init) ?? ""
                let index: Int
                if name.isEmpty {
                    index = next
                    next += 1
                } else if let n = Int(name) {
                    index = n
                } else {
                    throw HostError("bad field '{\(field)}' in format string")
                }
                guard values.indices.contains(index) else { throw HostError("format needs argument \(index), got \(values.count)") }
                out += parts.count > 1 ? try Format.apply(String(parts[1]), to: values[index]) : values[index].description
            } else if c == "}" && chars.first == "}" {
                chars.removeFirst()
                out.append("}")
            } else {
                out.append(c)
            }
        }
        return out
    }
}
