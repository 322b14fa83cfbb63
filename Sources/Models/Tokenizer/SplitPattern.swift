import Foundation

/// The regular expressions of the byte-level BPE pre-tokenizers, as hand-written scanners.
///
/// The `tokenizers` library runs these patterns with Oniguruma. Each scanner below walks
/// the alternatives in the pattern's order with the same greedy/backtracking outcome, over
/// Unicode general categories (`\p{L}`, `\p{N}`) and the White_Space property (`\s`).
/// A pattern not recognised falls back to `NSRegularExpression` (ICU), which is slower.
enum SplitPattern: Sendable {
    /// GPT-2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama 3 (`digitRun` 3) and Qwen2 (`digitRun` 1):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3(digitRun: Int)
    /// A literal string.
    case literal([Unicode.Scalar])
    /// Any other regular expression.
    case regex(NSRegularExpressionBox)

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The scanner for a regex pattern string.
    /// - Throws: `TokenizerError.malformed` if the fallback regex does not compile.
    static func regex(_ pattern: String, file: String, field: String) throws -> SplitPattern {
        switch pattern {
        case gpt2Pattern: return .gpt2
        case llama3Pattern: return .llama3(digitRun: 3)
        case qwen2Pattern: return .llama3(digitRun: 1)
        default:
            do {
                return .regex(NSRegularExpressionBox(try NSRegularExpression(pattern: pattern)))
            } catch {
                throw TokenizerError.malformed(file: file, field: field, detail: "invalid regex \(pattern)")
            }
        }
    }

    /// The matches in `text`, as scalar index ranges, in order, non-overlapping.
    func matches(in text: [Unicode.Scalar]) -> [Range<Int>] {
        switch self {
        case .gpt2: return Self.scan(text, Self.gpt2Match)
        case .llama3(let digits): return Self.scan(text) { Self.llama3Match($0, $1, digitRun: digits) }
        case .literal(let needle): return Self.literalMatches(needle, in: text)
        case .regex(let box): return box.matches(in: text)
        }
    }

    private static func scan(_ text: [Unicode.Scalar], _ match: ([Unicode.Scalar], Int) -> Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var position = 0
        while position < text.count {
            let end = match(text, position)
            if end > position {
                ranges.append(position..<end)
                position = end
            } else {
                position += 1  // no alternative matched here: the scalar stays in a gap
            }
        }
        return ranges
    }

    // MARK: - Character classes

    @inline(__always)
    static func isLetter(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return (v | 0x20) >= 0x61 && (v | 0x20) <= 0x7A }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    @inline(__always)
    static func isNumber(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v >= 0x30 && v <= 0x39 }
        switch s.properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return true
        default: return false
        }
    }

    @inline(__always)
    static func isSpace(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x80 { return v == 0x20 || (v >= 0x09 && v <= 0x0D) }
        return s.properties.isWhitespace
    }

    @inline(__always)
    static func isNewline(_ s: Unicode.Scalar) -> Bool { s.value == 0x0A || s.value == 0x0D }

    @inline(__always)
    static func isOther(_ s: Unicode.Scalar) -> Bool { !isSpace(s) && !isLetter(s) && !isNumber(s) }

    // MARK: - Shared alternatives

    /// `'s|'t|'re|'ve|'m|'ll|'d`, optionally case-insensitive; the end or `start`.
    private static func contraction(_ t: [Unicode.Scalar], _ i: Int, ignoreCase: Bool) -> Int {
        guard t[i] == "'", i + 1 < t.count else { return i }
        func lower(_ s: Unicode.Scalar) -> Unicode.Scalar {
            ignoreCase && s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 0x20) ?? s : s
        }
        let a = lower(t[i + 1])
        if a == "s" || a == "t" || a == "m" || a == "d" { return i + 2 }
        guard i + 2 < t.count else { return i }
        let b = lower(t[i + 2])
        if (a == "r" && b == "e") || (a == "v" && b == "e") || (a == "l" && b == "l") { return i + 3 }
        return i
    }

    /// The end of the run of scalars from `i` satisfying `predicate`.
    @inline(__always)
    private static func run(_ t: [Unicode.Scalar], from i: Int, _ predicate: (Unicode.Scalar) -> Bool) -> Int {
        var j = i
        while j < t.count, predicate(t[j]) { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace scalar: the run, less its last scalar when a
    /// non-space follows and the run is longer than one.
    private static func whitespace(_ t: [Unicode.Scalar], _ i: Int) -> Int {
        let end = run(t, from: i, isSpace)
        if end < t.count, end - i > 1 { return end - 1 }
        return end
    }

    // MARK: - GPT-2

    private static func gpt2Match(_ t: [Unicode.Scalar], _ i: Int) -> Int {
        let contracted = contraction(t, i, ignoreCase: false)
        if contracted > i { return contracted }
        // ` ?X+` for X in letters, numbers, others (not space/letter/number).
        let start = (t[i] == " " && i + 1 < t.count) ? i + 1 : i
        let first = t[start]
        if isLetter(first) { return run(t, from: start, isLetter) }
        if isNumber(first) { return run(t, from: start, isNumber) }
        if isOther(first) { return run(t, from: start, isOther) }
        return whitespace(t, i)
    }

    // MARK: - Llama 3 / Qwen2

    private static func llama3Match(_ t: [Unicode.Scalar], _ i: Int, digitRun: Int) -> Int {
        let contracted = contraction(t, i, ignoreCase: true)
        if contracted > i { return contracted }
        let s = t[i]
        // [^\r\n\p{L}\p{N}]?\p{L}+
        if isLetter(s) { return run(t, from: i, isLetter) }
        if !isNewline(s), !isNumber(s), i + 1 < t.count, isLetter(t[i + 1]) {
            return run(t, from: i + 1, isLetter)
        }
        // \p{N}{1,digitRun}
        if isNumber(s) {
            var j = i
            while j < t.count, j - i < digitRun, isNumber(t[j]) { j += 1 }
            return j
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let start = (s == " " && i + 1 < t.count && isOther(t[i + 1])) ? i + 1 : i
        if isOther(t[start]) {
            let end = run(t, from: start, isOther)
            return run(t, from: end, isNewline)
        }
        // \s*[\r\n]+ : up to and including the last newline of the whitespace run.
        let end = run(t, from: i, isSpace)
        var lastNewline = -1
        for j in i..<end where isNewline(t[j]) { lastNewline = j }
        if lastNewline >= 0 { return lastNewline + 1 }
        return whitespace(t, i)
    }

    // MARK: - Literal

    private static func literalMatches(_ needle: [Unicode.Scalar], in text: [Unicode.Scalar]) -> [Range<Int>] {
        guard !needle.isEmpty, needle.count <= text.count else { return [] }
        var ranges: [Range<Int>] = []
        var i = 0
        while i + needle.count <= text.count {
            if text[i] == needle[0], Array(text[i..<(i + needle.count)]) == needle {
                ranges.append(i..<(i + needle.count))
                i += needle.count
            } else {
                i += 1
            }
        }
        return ranges
    }
}

/// An `NSRegularExpression` that may be shared across threads (it is immutable once made).
final class NSRegularExpressionBox: @unchecked Sendable {
    let expression: NSRegularExpression

    init(_ expression: NSRegularExpression) { self.expression = expression }

    /// Matches as scalar index ranges.
    func matches(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var string = String.UnicodeScalarView()
        string.append(contentsOf: text)
        let value = String(string)
        let utf16 = Array(value.utf16)
        // Map UTF-16 offsets back to scalar indices.
        var scalarIndexOfUTF16 = [Int](repeating: 0, count: utf16.count + 1)
        var position = 0
        for (index, scalar) in text.enumerated() {
            let width = scalar.value > 0xFFFF ? 2 : 1
            for k in 0..<width { scalarIndexOfUTF16[position + k] = index }
            position += width
        }
        scalarIndexOfUTF16[utf16.count] = text.count
        let results = expression.matches(in: value, range: NSRange(location: 0, length: utf16.count))
        return results.compactMap { result in
            let range = result.range
            guard range.location != NSNotFound, range.length > 0 else { return nil }
            return scalarIndexOfUTF16[range.location]..<scalarIndexOfUTF16[range.location + range.length]
        }
    }
}
