/// Every exit status lfs uses, decided here and nowhere else (Lox's sysexits,
/// argument-parser's `ExitCode`).
public enum ExitStatus: Int32, Sendable {
    /// The program ran to the end, or the REPL was left with Ctrl-D or `:quit`.
    case success = 0
    /// The program raised an error (syntax, resolution or run time).
    case programError = 1
    /// The command line was wrong: an unknown option, a missing file.
    case badUsage = 2
    /// A second Ctrl-C within a second while a computation ran (128 + SIGINT, as shells do).
    case interrupted = 130
}
