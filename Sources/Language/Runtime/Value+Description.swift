/// Printing: `description` is what `print` and `str` show (strings bare); `repr` is the
/// form inside containers and the REPL (strings quoted).
extension Value: CustomStringConvertible {
    public var description: String {
        if case .string(let s) = self { return s }
        return repr
    }

    /// The literal-like form: strings quoted and escaped.
    public var repr: String {
        var visited: Set<ObjectIdentifier> = []
        return repr(&visited)
    }

    private func repr(_ visited: inout Set<ObjectIdentifier>) -> String {
        switch self {
        case .nil: return "nil"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .float(let f): return Value.formatFloat(f)
        case .string(let s): return Value.quote(s)
        case .list(let list):
            let id = ObjectIdentifier(list)
            if visited.contains(id) { return "[...]" }
            visited.insert(id)
            defer { visited.remove(id) }
            var parts: [String] = []
            for item in list.items { parts.append(item.repr(&visited)) }
            return "[" + parts.joined(separator: ", ") + "]"
        case .tuple(let items):
            var parts: [String] = []
            for item in items { parts.append(item.repr(&visited)) }
            return "(" + parts.joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .dict(let dict):
            let id = ObjectIdentifier(dict)
            if visited.contains(id) { return "{...}" }
            visited.insert(id)
            defer { visited.remove(id) }
            var parts: [String] = []
            for (key, value) in dict.entries { parts.append(key.repr(&visited) + ": " + value.repr(&visited)) }
            return parts.isEmpty ? "{}" : "{" + parts.joined(separator: ", ") + "}"
        case .range(let r):
            return r.inclusive ? "\(r.lower)...\(r.upper &- 1)" : "\(r.lower)..<\(r.upper)"
        case .function(let f): return "<fn \(f.name)>"
        case .builtin(let b): return "<builtin \(b.name)>"
        case .module(let m): return "<module \(m.name)>"
        case .host(let object): return object.summary
        }
    }

    /// Shortest round-tripping form, always with a `.` or exponent: `1.0`, `0.1`, `1e+20`.
    static func formatFloat(_ f: Double) -> String {
        if f.isNaN { return "nan" }
        if f.isInfinite { return f < 0 ? "-inf" : "inf" }
        let text = String(f)
        return text
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 32 || scalar.value == 127 {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
