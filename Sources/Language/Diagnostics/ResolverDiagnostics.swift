// The resolver's messages, alphabetical (STYLE.md 18).
extension Diagnostic {
    static func assignmentToBuiltin(_ name: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "assignment-to-builtin", message: "cannot assign to builtin '\(name)'", span: span,
                   hint: "declare your own with 'var \(name) = ...'")
    }
    static func assignmentToConstant(_ name: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "assignment-to-let", message: "cannot assign to '\(name)': it is a 'let' constant", span: span,
                   hint: "declare it with 'var' to reassign it")
    }
    static func duplicateDeclaration(_ name: String, _ span: SourceSpan, previous: SourceSpan) -> Diagnostic {
        Diagnostic(id: "duplicate-declaration", message: "'\(name)' is already declared in this scope", span: span,
                   notes: [DiagnosticNote("previous declaration here", span: previous)])
    }
    static func duplicateParameter(_ name: String, _ span: SourceSpan, previous: SourceSpan) -> Diagnostic {
        Diagnostic(id: "duplicate-parameter", message: "duplicate parameter '\(name)'", span: span,
                   notes: [DiagnosticNote("first declared here", span: previous)])
    }
    static func importNotAtTopLevel(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "import-not-top-level", message: "'import' is only allowed at the top level of a file", span: span)
    }
    static func outsideLoop(_ keyword: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "\(keyword)-outside-loop", message: "'\(keyword)' outside a loop", span: span)
    }
    static func returnOutsideFunction(_ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "return-outside-function", message: "'return' outside a function", span: span)
    }
    static func undeclaredName(_ name: String, _ span: SourceSpan, hint: String?) -> Diagnostic {
        Diagnostic(id: "undeclared-name", message: "undeclared name '\(name)'", span: span, hint: hint)
    }
    static func usedBeforeDeclaration(_ name: String, _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "used-before-declaration", message: "'\(name)' is used before its declaration", span: span)
    }
}
