import Language

/// Every exit status lfs uses, decided here and nowhere else (Lox's sysexits,
/// argument-parser's `ExitCode`).
public enum ExitStatus: Int32, Sendable {
    /// The program ran to the end, or the REPL was left with Ctrl-D or `:quit`.
    case success = 0
    /// The program raised an error (syntax, resolution or run time).
    case programError = 1
    /// The command line was wrong: an unknown option, a missing or unreadable file.
    case badUsage = 2
    /// Ctrl-C stopped a script, or a second Ctrl-C within a second ended the process
    /// (128 + SIGINT, as shells report it).
    case interrupted = 130

    /// The status for a program that failed with an error of `kind`.
    public init(failure kind: ScriptError.Kind) {
        self = kind == .interrupted ? .interrupted : .programError
    }
}
