/// Turns source text into tokens (clox's scanner). Never fails: problems become
/// diagnostics and lexing continues. Newlines become `.newline` tokens only where they
/// end a statement: not inside `(` or `[`, not after a binary operator, `,` or `|>`,
/// and not before a line that starts with `.member` or `|>`.
struct Lexer {
    private let chars: [Unicode.Scalar]
    private let source: SourceID
    private var index = 0
    private var line: Int
    private var column: Int
    private var brackets: [Symbol] = []
    private(set) var tokens: [Token] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// True when input ended inside a bracket, a string or after a continuing operator.
    private(set) var endsIncomplete = false
    private var sawNewline = true

    init(_ text: String, source: SourceID, start: SourceLocation = SourceLocation(line: 1, column: 1)) {
        self.chars = Array(text.unicodeScalars)
        self.source = source
        self.line = start.line
        self.column = start.column
    }

    /// Lexes the whole input.
    static func tokenize(_ text: String, source: SourceID, start: SourceLocation = .init(line: 1, column: 1))
        -> (tokens: [Token], diagnostics: [Diagnostic], incomplete: Bool)
    {
        var lexer = Lexer(text, source: source, start: start)
        lexer.run()
        return (lexer.tokens, lexer.diagnostics, lexer.endsIncomplete)
    }

    private var location: SourceLocation { SourceLocation(line: line, column: column) }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        let i = index + offset
        return i < chars.count ? chars[i] : nil
    }

    @discardableResult
    private mutating func advance() -> Unicode.Scalar {
        let c = chars[index]
        index += 1
        if c == "\n" {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return c
    }

    private mutating func emit(_ kind: TokenKind, from start: SourceLocation) {
        tokens.append(Token(kind: kind, span: SourceSpan(source: source, start: start, end: location), atLineStart: sawNewline))
        sawNewline = false
    }

    private mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    private func span(_ start: SourceLocation) -> SourceSpan {
        SourceSpan(source: source, start: start, end: location)
    }

    mutating func run() {
        while let c = peek() {
            let start = location
            switch c {
            case " ", "\t", "\r":
                advance()
            case "\n":
                advance()
                handleNewline(at: start)
            case "#":
                while let d = peek(), d != "\n" { advance() }
            case "\\" where peek(1) == "\n":
                advance()
                advance()
            case "\"":
                lexString(start)
            case "'":
                lexRawString(start)
            case "0"..."9":
                lexNumber(start)
            default:
                if Lexer.isIdentifierStart(c) {
                    lexIdentifier(start)
                } else {
                    lexSymbol(start)
                }
            }
        }
        if !brackets.isEmpty { endsIncomplete = true }
        if let last = tokens.last, Lexer.continues(last.kind) { endsIncomplete = true }
        // End of input is reported right after the last token, where the caret helps.
        let end = tokens.last(where: { $0.kind != .newline })?.span.end ?? location
        let endSpan = SourceSpan(source: source, start: end, end: end)
        if let last = tokens.last, last.kind != .newline, !Lexer.continues(last.kind) {
            tokens.append(Token(kind: .newline, span: endSpan, atLineStart: false))
        }
        tokens.append(Token(kind: .eof, span: endSpan, atLineStart: true))
    }

    private static func continues(_ kind: TokenKind) -> Bool {
        switch kind {
        case .symbol(let s): return s.continuesLine && s != .leftBrace
        case .keyword(.and), .keyword(.or), .keyword(.not): return true
        default: return false
        }
    }

    private mutating func handleNewline(at start: SourceLocation) {
        if let top = brackets.last, top != .leftBrace { return }
        guard let last = tokens.last else { return }
        if last.kind == .newline || Lexer.continues(last.kind) { return }
        if nextLineContinues() { return }
        tokens.append(Token(kind: .newline, span: span(start), atLineStart: false))
        sawNewline = true
    }

    /// True when the next non-blank, non-comment line starts with `.name` or `|>`.
    private func nextLineContinues() -> Bool {
        var i = index
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                i += 1
            } else if c == "#" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else {
                break
            }
        }
        guard i < chars.count else { return false }
        if chars[i] == "|", i + 1 < chars.count, chars[i + 1] == ">" { return true }
        if chars[i] == ".", i + 1 < chars.count, Lexer.isIdentifierStart(chars[i + 1]) { return true }
        return false
    }

    static func isIdentifierStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || c.properties.isAlphabetic
    }

    static func isIdentifierPart(_ c: Unicode.Scalar) -> Bool {
        isIdentifierStart(c) || ("0"..."9").contains(c)
    }

    private mutating func lexIdentifier(_ start: SourceLocation) {
        var text = String.UnicodeScalarView()
        while let c = peek(), Lexer.isIdentifierPart(c) { text.append(advance()) }
        let word = String(text)
        if let keyword = Keyword(rawValue: word) {
            emit(.keyword(keyword), from: start)
        } else {
            emit(.identifier(word), from: start)
        }
    }

    // MARK: Numbers

    private mutating func lexNumber(_ start: SourceLocation) {
        if peek() == "0", let p = peek(1), p == "x" || p == "b" || p == "o" {
            advance()
            advance()
            let radix = p == "x" ? 16 : p == "b" ? 2 : 8
            var digits = ""
            while let c = peek(), Lexer.isIdentifierPart(c) {
                advance()
                if c != "_" { digits.unicodeScalars.append(c) }
            }
            if let value = Int64(digits, radix: radix) {
                emit(.int(value), from: start)
            } else {
                report(.invalidNumber(span(start)))
                emit(.int(0), from: start)
            }
            return
        }
        var text = ""
        var isFloat = false
        func digits(_ lexer: inout Lexer, into text: inout String) {
            while let c = lexer.peek(), ("0"..."9").contains(c) || c == "_" {
                lexer.advance()
                if c != "_" { text.unicodeScalars.append(c) }
            }
        }
        digits(&self, into: &text)
        if peek() == ".", let d = peek(1), ("0"..."9").contains(d) {
            isFloat = true
            text.unicodeScalars.append(advance())
            digits(&self, into: &text)
        }
        if let e = peek(), e == "e" || e == "E" {
            let sign = peek(1)
            let hasSign = sign == "+" || sign == "-"
            if let d = peek(hasSign ? 2 : 1), ("0"..."9").contains(d) {
                isFloat = true
                text.unicodeScalars.append(advance())
                if hasSign { text.unicodeScalars.append(advance()) }
                digits(&self, into: &text)
            }
        }
        if let c = peek(), Lexer.isIdentifierStart(c) {
            while let c = peek(), Lexer.isIdentifierPart(c) { advance() }
            report(.invalidNumber(span(start)))
            emit(.int(0), from: start)
            return
        }
        if isFloat {
            emit(.float(Double(text) ?? 0), from: start)
        } else if let value = Int64(text) {
            emit(.int(value), from: start)
        } else {
            report(.integerTooLarge(span(start)))
            emit(.int(0), from: start)
        }
    }

    // MARK: Symbols

    private mutating func lexSymbol(_ start: SourceLocation) {
        for symbol in Symbol.allCases {
            let scalars = Array(symbol.rawValue.unicodeScalars)
            var matches = true
            for (k, s) in scalars.enumerated() where peek(k) != s {
                matches = false
                break
            }
            guard matches else { continue }
            for _ in scalars { advance() }
            trackBrackets(symbol, start)
            emit(.symbol(symbol), from: start)
            return
        }
        let c = advance()
        report(.unexpectedCharacter(String(c), span(start)))
    }

    private mutating func trackBrackets(_ symbol: Symbol, _ start: SourceLocation) {
        switch symbol {
        case .leftParen, .leftBracket, .leftBrace:
            brackets.append(symbol)
        case .rightParen, .rightBracket, .rightBrace:
            if !brackets.isEmpty { brackets.removeLast() }
        default:
            break
        }
    }

    // MARK: Strings

    private mutating func lexRawString(_ start: SourceLocation) {
        advance()
        var text = String.UnicodeScalarView()
        while let c = peek(), c != "'", c != "\n" { text.append(advance()) }
        if peek() == "'" {
            advance()
        } else {
            report(.unterminatedString(span(start)))
        }
        emit(.string([.text(String(text))]), from: start)
    }

    private mutating func lexString(_ start: SourceLocation) {
        let multiline = peek(1) == "\"" && peek(2) == "\""
        advance()
        if multiline {
            advance()
            advance()
            if peek() == "\n" { advance() }
        }
        var parts: [StringPart] = []
        var text = String.UnicodeScalarView()
        var closed = false
        while let c = peek() {
            if c == "\"" {
                if !multiline {
                    advance()
                    closed = true
                    break
                }
                if peek(1) == "\"" && peek(2) == "\"" {
                    advance()
                    advance()
                    advance()
                    closed = true
                    break
                }
                text.append(advance())
            } else if c == "\n" && !multiline {
                break
            } else if c == "\\" {
                lexEscape(into: &text)
            } else if c == "{" {
                if peek(1) == "{" {
                    advance()
                    advance()
                    text.append("{")
                    continue
                }
                if !text.isEmpty { parts.append(.text(String(text))) }
                text = String.UnicodeScalarView()
                if let part = lexInterpolation() { parts.append(part) }
            } else if c == "}" && peek(1) == "}" {
                advance()
                advance()
                text.append("}")
            } else {
                text.append(advance())
            }
        }
        if !text.isEmpty || parts.isEmpty { parts.append(.text(String(text))) }
        if !closed {
            report(.unterminatedString(span(start)))
            if multiline && peek() == nil { endsIncomplete = true }
        }
        if multiline { parts = Lexer.dedent(parts) }
        emit(.string(parts), from: start)
    }

    private mutating func lexEscape(into text: inout String.UnicodeScalarView) {
        let start = location
        advance()
        guard let e = peek() else { return }
        advance()
        switch e {
        case "n": text.append("\n")
        case "t": text.append("\t")
        case "r": text.append("\r")
        case "0": text.append("\0")
        case "\"", "\\", "'", "{", "}": text.append(e)
        case "\n": break
        case "u":
            guard peek() == "{" else {
                report(.invalidEscape("\\u", span(start)))
                return
            }
            advance()
            var hex = ""
            while let h = peek(), h != "}", h != "\"", h != "\n" { hex.unicodeScalars.append(advance()) }
            if peek() == "}" { advance() }
            if let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code) {
                text.append(scalar)
            } else {
                report(.invalidEscape("\\u{\(hex)}", span(start)))
            }
        default:
            report(.invalidEscape("\\\(e)", span(start)))
        }
    }

    /// Lexes `{expr}` or `{expr:spec}` after the `{`, keeping the raw expression text for the
    /// parser, which lexes it again from its location.
    private mutating func lexInterpolation() -> StringPart? {
        let braceStart = location
        advance()
        let exprStart = location
        var expr = String.UnicodeScalarView()
        var depth = 0
        var format: String?
        while let c = peek() {
            if c == "\n" && depth == 0 { break }
            if c == "\"" {
                // A nested string: copy it verbatim, honouring escapes.
                expr.append(advance())
                while let d = peek(), d != "\"", d != "\n" {
                    if d == "\\", peek(1) != nil { expr.append(advance()) }
                    expr.append(advance())
                }
                if peek() == "\"" { expr.append(advance()) }
                continue
            }
            if depth == 0 && (c == "}" || c == ":") { break }
            if c == "(" || c == "[" || c == "{" { depth += 1 }
            if c == ")" || c == "]" || c == "}" { depth -= 1 }
            expr.append(advance())
        }
        if peek() == ":" {
            advance()
            var spec = String.UnicodeScalarView()
            while let c = peek(), c != "}", c != "\n", c != "\"" { spec.append(advance()) }
            format = String(spec)
        }
        guard peek() == "}" else {
            report(.unterminatedInterpolation(span(braceStart)))
            if peek() == nil { endsIncomplete = true }
            return nil
        }
        advance()
        let source = String(expr)
        if source.allSatisfy({ $0 == " " }) {
            report(.emptyInterpolation(span(braceStart)))
            return nil
        }
        return .interpolation(source: source, start: exprStart, format: format)
    }

    /// Strips a multi-line string's indentation: when the closing `"""` stands on its own
    /// line, that line is dropped and its indentation removed from every line (Swift's rule).
    static func dedent(_ parts: [StringPart]) -> [StringPart] {
        guard case .text(let last)? = parts.last else { return parts }
        guard let newline = last.lastIndex(of: "\n") else {
            if parts.count == 1, last.allSatisfy({ $0 == " " || $0 == "\t" }) { return [.text("")] }
            return parts
        }
        let tail = last[last.index(after: newline)...]
        guard tail.allSatisfy({ $0 == " " || $0 == "\t" }) else { return parts }
        let indent = tail.count
        var result = parts
        result[result.count - 1] = .text(String(last[..<newline]))
        var atLineStart = true
        for (k, part) in result.enumerated() {
            guard case .text(let text) = part else {
                atLineStart = false
                continue
            }
            var out = ""
            var skipping = atLineStart ? indent : 0
            for ch in text {
                if skipping > 0, ch == " " || ch == "\t" {
                    skipping -= 1
                    continue
                }
                skipping = 0
                out.append(ch)
                if ch == "\n" { skipping = indent }
            }
            atLineStart = text.hasSuffix("\n")
            result[k] = .text(out)
        }
        return result
    }
}
