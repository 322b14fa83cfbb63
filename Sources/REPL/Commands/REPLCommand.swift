/// What a `:` command asks the session to do next.
public enum CommandOutcome: Equatable, Sendable {
    /// Show the prompt again.
    case proceed
    /// Leave the REPL.
    case quit
}

/// One `:` command of the REPL: declared once, read by the dispatcher, `:help` and
/// TAB completion.
public struct REPLCommand: Sendable {
    /// What the command's argument is, for completion.
    public enum Argument: Equatable, Sendable {
        /// No argument.
        case none
        /// A global name (`:help zeros`).
        case name
        /// A file path (`:load train.lfs`).
        case path
        /// An expression (`:time f(30)`).
        case expression
    }

    /// The name typed after `:`.
    public let name: String
    /// The argument in the usage line (`file`, `[name]`), empty for none.
    public let usage: String
    /// A one-line description for `:help`.
    public let summary: String
    /// What the argument is.
    public let argument: Argument
    /// Runs the command with the text after its name (trimmed).
    public let run: @Sendable (REPLSession, String) -> CommandOutcome

    /// Declares a command.
    public init(
        name: String, usage: String = "", summary: String, argument: Argument = .none,
        run: @escaping @Sendable (REPLSession, String) -> CommandOutcome
    ) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.argument = argument
        self.run = run
    }

    /// `:name usage`, as `:help` lists it.
    public var synopsis: String { usage.isEmpty ? ":\(name)" : ":\(name) \(usage)" }
}
