// The parser's messages, alphabetical (STYLE.md 18).
extension Diagnostic {
    static func expected(_ what: String, found token: Token) -> Diagnostic {
        Diagnostic(id: "expected", message: "expected \(what), found \(token.kind.describe)", span: token.span)
    }
    static func invalidAssignmentTarget(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "invalid-assignment-target", message: "cannot assign to this expression", span: span,
                   hint: "assign to a name, an element 'xs[i]' or a property 'x.p'")
    }
    static func nestingTooDeep(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "nesting-too-deep", message: "expression or block nested too deeply", span: span,
                   hint: "split it into smaller functions or variables")
    }
    static func positionalAfterLabelled(_ name: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "positional-after-labelled",
                   message: "parameter '\(name)' follows a labelled parameter and needs a default", span: span,
                   hint: "write '\(name): value', or move it before the labelled parameters")
    }
    static func positionalArgumentAfterLabelled(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "positional-argument-after-labelled",
                   message: "positional argument after a labelled one", span: span,
                   hint: "put positional arguments first")
    }
    static func unclosed(_ what: String, opened: SourceSpan, found token: Token) -> Diagnostic {
        Diagnostic(id: "unclosed", message: "expected a match for \(what), found \(token.kind.describe)",
                   span: token.span, notes: [DiagnosticNote("\(what) opened here", span: opened)])
    }
    static func unmatchedBrace(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "unmatched-brace", message: "unmatched '}'", span: span)
    }
}
