/// An error a builtin or host method throws: a message, and optionally a hint. The
/// interpreter attaches the span of the call (STYLE.md 20). Any other Swift error works
/// too: its `LocalizedError.errorDescription` or `description` becomes the message.
public struct HostError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The message, one line.
    public var message: String
    /// A hint such as "did you mean 'alpha'?".
    public var hint: String?
    /// Creates an error.
    public init(_ message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
    /// The message.
    public var description: String { message }
}

/// The parameters of a builtin: positional names, labelled names with defaults, and an
/// optional variadic tail. Positional arguments fill positional parameters, then the
/// variadic tail if any, else labelled parameters in order; labels may name any parameter.
public struct Signature: Sendable, CustomStringConvertible {
    /// A labelled parameter and its default.
    public struct Labelled: Sendable {
        /// The label.
        public var name: String
        /// The value used when the argument is absent.
        public var defaultValue: Value
        /// Creates one.
        public init(_ name: String, _ defaultValue: Value) {
            self.name = name
            self.defaultValue = defaultValue
        }
    }
    /// Required positional parameters.
    public let positional: [String]
    /// Labelled parameters with defaults.
    public let labelled: [Labelled]
    /// Name of the variadic tail (`*values`), if any.
    public let variadic: String?
    /// Every parameter name, positional first.
    public let names: [String]

    /// Creates a signature.
    public init(_ positional: [String] = [], labelled: [(String, Value)] = [], variadic: String? = nil) {
        self.positional = positional
        self.labelled = labelled.map { Labelled($0.0, $0.1) }
        self.variadic = variadic
        self.names = positional + labelled.map(\.0)
    }

    /// `(x, y, *rest, rank: 8)`, as `help` prints it.
    public var description: String {
        var parts = positional
        if let variadic { parts.append("*" + variadic) }
        parts += labelled.map { "\($0.name): \($0.defaultValue.repr)" }
        return "(" + parts.joined(separator: ", ") + ")"
    }
}

/// A native function, declared once: name, signature, one-line doc and body. Arity and
/// label checks, `help`, `dir`, completion of labels and argument errors all read this
/// declaration (STYLE.md 13).
public final class Builtin: @unchecked Sendable {
    /// The name scripts call it by.
    public let name: String
    /// Its parameters.
    public let signature: Signature
    /// One line of documentation.
    public let doc: String
    let body: (Arguments) throws -> Value

    /// Declares a builtin.
    /// - Parameters:
    ///   - name: the name in scripts.
    ///   - signature: parameters; arguments are bound and checked against it before `body` runs.
    ///   - doc: one line for `help`.
    ///   - body: the implementation, reading typed arguments from `Arguments`.
    public init(_ name: String, _ signature: Signature = Signature(), doc: String, _ body: @escaping (Arguments) throws -> Value) {
        self.name = name
        self.signature = signature
        self.doc = doc
        self.body = body
    }

    /// `name(params)  doc`, as `help` prints it.
    public var helpText: String { "\(name)\(signature)\n    \(doc)" }
}
