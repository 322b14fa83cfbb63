#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one read from the user gave.
public enum LineInput: Equatable, Sendable {
    /// A line, without its newline.
    case line(String)
    /// Ctrl-C at the prompt: drop whatever was typed.
    case cancelled
    /// Ctrl-D on an empty line, or the end of piped input.
    case end
}

/// Where the REPL gets its lines: GNU readline on a terminal, plain lines otherwise.
public protocol LineReader: AnyObject {
    /// Shows `prompt` (when interactive) and reads one line.
    func readLine(prompt: String) -> LineInput
    /// Records an entered line in the history (no-op without history).
    func addHistory(_ line: String)
    /// Whether the reader talks to a terminal (prompts, colours, completion).
    var isInteractive: Bool { get }
}

/// Reads plain lines from standard input with no prompt and no line editing, for piped
/// input and CI, where readline would echo prompts and escape codes into the output.
public final class PlainLineReader: LineReader {
    /// Creates a reader of standard input.
    public init() {}

    /// Reads one line (see ``LineReader``).
    public func readLine(prompt: String) -> LineInput {
        guard let line = Swift.readLine(strippingNewline: true) else { return .end }
        return .line(line)
    }

    /// Records an entered line (see ``LineReader``).
    public func addHistory(_ line: String) {}

    /// Whether this reader talks to a terminal (see ``LineReader``).
    public var isInteractive: Bool { false }
}

/// Terminal checks used to pick a reader and decide on colours.
public enum Terminal {
    /// Whether standard input is a terminal.
    public static var isInputInteractive: Bool { isatty(0) == 1 }
    /// Whether standard output is a terminal.
    public static var isOutputInteractive: Bool { isatty(1) == 1 }
    /// Whether standard error is a terminal.
    public static var isErrorInteractive: Bool { isatty(2) == 1 }
}
