/// One piece of a string literal: literal text or an interpolated `{expr:spec}`.
public enum StringPart: Equatable, Sendable {
    /// Literal text, escapes already decoded.
    case text(String)
    /// The source text of an interpolated expression, where it starts, and its format spec.
    case interpolation(source: String, start: SourceLocation, format: String?)
}

/// The kinds of tokens the lexer produces.
public enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case int(Int64)
    case float(Double)
    case string([StringPart])
    case keyword(Keyword)
    case symbol(Symbol)
    case newline
    case eof
}

/// The reserved words of the language.
public enum Keyword: String, CaseIterable, Sendable {
    case `let`, `var`, `fn`, `return`, `if`, `else`, `while`, `for`, `in`, `break`, `continue`
    case `true`, `false`, `nil`, `and`, `or`, `not`, `try`, `catch`, `import`, `as`
}

/// Punctuation and operators, longest first where prefixes overlap.
public enum Symbol: String, CaseIterable, Sendable {
    case pipe = "|>"
    case halfOpenRange = "..<"
    case closedRange = "..."
    case doubleSlashAssign = "//="
    case starStar = "**"
    case doubleSlash = "//"
    case equalEqual = "=="
    case bangEqual = "!="
    case lessEqual = "<="
    case greaterEqual = ">="
    case plusAssign = "+="
    case minusAssign = "-="
    case starAssign = "*="
    case slashAssign = "/="
    case percentAssign = "%="
    case arrow = "->"
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", at = "@"
    case less = "<", greater = ">", assign = "="
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", colon = ":", semicolon = ";", dot = "."

    /// Symbols after which a newline does not end the statement (LANGUAGE.md: a line
    /// ending with a binary operator, `,` or `|>` continues).
    var continuesLine: Bool {
        switch self {
        case .rightParen, .rightBracket, .rightBrace, .semicolon, .leftBrace: return false
        case .leftParen, .leftBracket: return true
        default: return true
        }
    }
}

/// A token with its span.
public struct Token: Sendable {
    /// What the token is.
    public var kind: TokenKind
    /// Where it is.
    public var span: SourceSpan
    /// True when a newline (or the start of input) precedes this token.
    public var atLineStart: Bool
}

extension TokenKind {
    /// A short description for diagnostics ("'+'", "identifier 'x'", "end of input").
    var describe: String {
        switch self {
        case .identifier(let name): return "identifier '\(name)'"
        case .int(let value): return "number \(value)"
        case .float(let value): return "number \(value)"
        case .string: return "string"
        case .keyword(let keyword): return "'\(keyword.rawValue)'"
        case .symbol(let symbol): return "'\(symbol.rawValue)'"
        case .newline: return "end of line"
        case .eof: return "end of input"
        }
    }
}
