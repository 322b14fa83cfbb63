import Foundation

/// Format specs in interpolation, `"{x:.4f}"`: Python's mini-language
/// `[[fill]align][sign][#][0][width][,][.precision][type]` with types
/// `d f e g % s x o b` (and `F E G X`).
enum Format {
    struct Spec {
        var fill: Character = " "
        var align: Character?
        var sign: Character = "-"
        var alternate = false
        var width = 0
        var grouping = false
        var precision: Int?
        var type: Character?
    }

    static func parse(_ text: String) throws -> Spec {
        var spec = Spec()
        var chars = Array(text)[...]
        let aligns: Set<Character> = ["<", ">", "^", "="]
        if chars.count >= 2, aligns.contains(chars[chars.startIndex + 1]) {
            spec.fill = chars.removeFirst()
            spec.align = chars.removeFirst()
        } else if let first = chars.first, aligns.contains(first) {
            spec.align = chars.removeFirst()
        }
        if let first = chars.first, first == "+" || first == "-" || first == " " {
            spec.sign = chars.removeFirst()
        }
        if chars.first == "#" {
            chars.removeFirst()
            spec.alternate = true
        }
        if chars.first == "0" {
            chars.removeFirst()
            if spec.align == nil {
                spec.fill = "0"
                spec.align = "="
            }
        }
        var width = ""
        while let c = chars.first, c.isASCII, c.isNumber { width.append(chars.removeFirst()) }
        spec.width = min(Int(width) ?? 0, 10_000)
        if chars.first == "," || chars.first == "_" {
            chars.removeFirst()
            spec.grouping = true
        }
        if chars.first == "." {
            chars.removeFirst()
            var digits = ""
            while let c = chars.first, c.isASCII, c.isNumber { digits.append(chars.removeFirst()) }
            guard let precision = Int(digits) else { throw HostError("invalid format spec '\(text)': missing precision after '.'") }
            spec.precision = min(precision, 100)
        }
        if let c = chars.first {
            guard "dfFeEgGsxXob%".contains(c) else { throw HostError("invalid format spec '\(text)': unknown type '\(c)'") }
            spec.type = chars.removeFirst()
        }
        guard chars.isEmpty else { throw HostError("invalid format spec '\(text)'") }
        return spec
    }

    /// Formats `value` by `specText`.
    /// - Throws: `HostError` for a malformed spec or a type the spec cannot format.
    static func apply(_ specText: String, to value: Value) throws -> String {
        let spec = try parse(specText)
        var body: String
        var negative = false
        var numeric = true
        switch value {
        case .int(let i):
            negative = i < 0
            let magnitude = i.magnitude
            switch spec.type {
            case nil, "d": body = group(String(magnitude), spec)
            case "x": body = (spec.alternate ? "0x" : "") + String(magnitude, radix: 16)
            case "X": body = (spec.alternate ? "0X" : "") + String(magnitude, radix: 16).uppercased()
            case "o": body = (spec.alternate ? "0o" : "") + String(magnitude, radix: 8)
            case "b": body = (spec.alternate ? "0b" : "") + String(magnitude, radix: 2)
            case "s": throw HostError("format type 's' needs a string, got int")
            default: body = try floating(Double(i).magnitude, spec)
            }
        case .float(let f):
            negative = f < 0 || (f == 0 && f.sign == .minus)
            switch spec.type {
            case "d", "x", "X", "o", "b", "s":
                throw HostError("format type '\(spec.type.map(String.init) ?? "")' needs an int, got float")
            default: body = try floating(f.magnitude, spec)
            }
        default:
            numeric = false
            if let type = spec.type, type != "s" {
                throw HostError("format type '\(type)' needs a number, got \(value.typeName)")
            }
            body = value.description
            if let precision = spec.precision { body = String(body.prefix(precision)) }
        }
        var prefix = ""
        if numeric {
            if negative { prefix = "-" } else if spec.sign == "+" { prefix = "+" } else if spec.sign == " " { prefix = " " }
        }
        let length = prefix.count + body.count
        guard spec.width > length else { return prefix + body }
        let padding = spec.width - length
        let pad = String(repeating: spec.fill, count: padding)
        switch spec.align ?? (numeric ? ">" : "<") {
        case "<": return prefix + body + pad
        case "^":
            let left = String(repeating: spec.fill, count: padding / 2)
            let right = String(repeating: spec.fill, count: padding - padding / 2)
            return left + prefix + body + right
        case "=": return prefix + pad + body
        default: return pad + prefix + body
        }
    }

    private static func floating(_ magnitude: Double, _ spec: Spec) throws -> String {
        if magnitude.isNaN { return "nan" }
        if magnitude.isInfinite { return "inf" }
        let precision = spec.precision ?? 6
        switch spec.type {
        case "f", "F":
            return group(String(format: "%.\(precision)f", magnitude), spec)
        case "e", "E":
            let text = String(format: "%.\(precision)e", magnitude)
            return spec.type == "E" ? text.uppercased() : text
        case "g", "G":
            let text = String(format: "%.\(max(precision, 1))g", magnitude)
            return spec.type == "G" ? text.uppercased() : text
        case "%":
            return group(String(format: "%.\(precision)f", magnitude * 100), spec) + "%"
        default:
            if let p = spec.precision { return String(format: "%.\(max(p, 1))g", magnitude) }
            return group(Value.formatFloat(magnitude), spec)
        }
    }

    /// Inserts thousands separators into the integer part when the spec asks for them.
    private static func group(_ text: String, _ spec: Spec) -> String {
        guard spec.grouping else { return text }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let integer = Array(parts[0])
        guard integer.allSatisfy(\.isNumber) else { return text }
        var grouped = ""
        for (i, c) in integer.enumerated() {
            if i > 0 && (integer.count - i) % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return parts.count > 1 ? grouped + "." + parts[1] : grouped
    }
}
