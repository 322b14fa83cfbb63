/// How serious a diagnostic is.
public enum Severity: String, Sendable {
    case error, warning, note
}

/// One entry of a call trace: the function that was running and the span of the call
/// (or of the failing operation, for the innermost entry).
public struct TraceEntry: Hashable, Sendable {
    /// The function's name (`<main>` for top-level code, `<fn>` for anonymous ones).
    public var function: String
    /// Where in that function execution was.
    public var span: SourceSpan
    /// Creates an entry.
    public init(function: String, span: SourceSpan) {
        self.function = function
        self.span = span
    }
}

/// A secondary message attached to a diagnostic, with an optional span.
public struct DiagnosticNote: Hashable, Sendable {
    /// The note text.
    public var message: String
    /// Where it points, if anywhere.
    public var span: SourceSpan?
    /// Creates a note.
    public init(_ message: String, span: SourceSpan? = nil) {
        self.message = message
        self.span = span
    }
}

/// The one diagnostic type of the language (swift-syntax): every syntax, resolution and
/// runtime error a user can cause is one of these, rendered by `DiagnosticRenderer`.
public struct Diagnostic: Error, Hashable, Sendable, CustomStringConvertible {
    /// Error, warning or note.
    public var severity: Severity
    /// A stable identifier (`undeclared-name`, `type-mismatch` ...), for tests and tools.
    public var id: String
    /// The message, one line, no trailing period.
    public var message: String
    /// The primary span, if the error has a location.
    public var span: SourceSpan?
    /// Secondary notes.
    public var notes: [DiagnosticNote]
    /// A hint such as "did you mean 'alpha'?".
    public var hint: String?
    /// The call trace, outermost first (rendered innermost last).
    public var trace: [TraceEntry]

    /// Creates a diagnostic.
    public init(
        _ severity: Severity = .error, id: String, message: String, span: SourceSpan?,
        notes: [DiagnosticNote] = [], hint: String? = nil, trace: [TraceEntry] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.span = span
        self.notes = notes
        self.hint = hint
        self.trace = trace
    }

    /// `line:col: message`, the form conformance tests expect.
    public var description: String {
        guard let span else { return message }
        return "\(span.start.line):\(span.start.column): \(message)"
    }
}

/// Everything that went wrong in one run, check or evaluation: one or more diagnostics.
/// Thrown by `Interpreter.run`, `evaluate` and friends.
public struct ScriptError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public enum Kind: Sendable, Equatable {
        /// Lexer or parser errors.
        case syntax
        /// Resolver errors (caught before running).
        case resolution
        /// An error raised while running.
        case runtime
        /// The host's interrupt flag stopped the program.
        case interrupted
        /// The step limit was reached.
        case stepLimit
    }
    /// The kind of failure.
    public var kind: Kind
    /// The diagnostics, in source order for static errors; one for runtime errors.
    public var diagnostics: [Diagnostic]
    /// True when a syntax error happened at end of input inside an open construct: the
    /// REPL should read another line (`...>`) instead of reporting.
    public var isIncomplete: Bool

    /// Creates an error.
    public init(kind: Kind, diagnostics: [Diagnostic], isIncomplete: Bool = false) {
        self.kind = kind
        self.diagnostics = diagnostics
        self.isIncomplete = isIncomplete
    }

    /// The diagnostics as `line:col: message` lines.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
