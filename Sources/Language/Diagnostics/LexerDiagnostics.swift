// The lexer's messages, alphabetical (STYLE.md 18).
extension Diagnostic {
    static func emptyInterpolation(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "empty-interpolation", message: "empty interpolation '{}' in string", span: span,
                   hint: "write '{{' for a literal brace")
    }
    static func integerTooLarge(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "integer-too-large", message: "integer literal does not fit in 64 bits", span: span)
    }
    static func invalidEscape(_ text: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "invalid-escape", message: "invalid escape sequence '\(text)' in string", span: span,
                   hint: "use a raw string '...' for backslashes, or write '\\\\'")
    }
    static func invalidNumber(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "invalid-number", message: "invalid number literal", span: span)
    }
    static func unexpectedCharacter(_ text: String, _ span: SourceSpan) -> Diagnostic {
        let shown = text.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 }
            ? text : text.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
        return Diagnostic(id: "unexpected-character", message: "unexpected character '\(shown)'", span: span)
    }
    static func unterminatedInterpolation(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "unterminated-interpolation", message: "unterminated interpolation in string", span: span,
                   hint: "close it with '}', or write '{{' for a literal brace")
    }
    static func unterminatedString(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "unterminated-string", message: "unterminated string", span: span)
    }
}
