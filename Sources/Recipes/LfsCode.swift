import Foundation

/// Writing lfs source text: literals and calls whose labelled arguments wrap at a width.
enum LfsCode {
    /// A string literal: `"text"` with `\`, `"`, braces (interpolation) and control
    /// characters escaped.
    static func string(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default: out.append(character)
            }
        }
        return out + "\""
    }

    /// A float literal that stays a float (`3.0`, `5e-05`).
    static func float(_ value: Double) -> String {
        let text = String(value)
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// A recipe value as an lfs literal.
    static func literal(_ value: RecipeValue) -> String {
        switch value {
        case .string(let text): return string(text)
        case .int(let number): return String(number)
        case .float(let number): return float(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "nil"
        }
    }

    /// `"all"` for the word all, else the comma-separated names as a list literal
    /// (`["q_proj", "v_proj"]`), or a single string for one name.
    static func names(_ text: String) -> String {
        let parts = splitNames(text)
        if parts.count == 1 { return string(parts[0]) }
        return "[" + parts.map(string).joined(separator: ", ") + "]"
    }

    /// LLaMA-Factory's `split_arg`: comma-separated, each trimmed, empty ones dropped.
    static func splitNames(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
            !$0.isEmpty
        }
    }

    /// `callee(positional, label: value, ...)` on one line, or, with several groups, each
    /// group of arguments on its own indented line below.
    static func call(_ prefix: String, _ callee: String, groups: [[String]]) -> String {
        if groups.count == 1 {
            return prefix + callee + "(" + groups[0].joined(separator: ", ") + ")"
        }
        let lines = groups.map { "    " + $0.joined(separator: ", ") }
        return prefix + callee + "(\n" + lines.joined(separator: ",\n") + "\n)"
    }

    /// `label: value` items.
    static func labelled(_ pairs: [(String, String)]) -> [String] {
        pairs.map { "\($0.0): \($0.1)" }
    }
}
