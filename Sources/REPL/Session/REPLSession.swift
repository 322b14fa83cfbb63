/// The read-eval-print loop: reads lines, asks for more while the input is unfinished,
/// runs `:` commands, prints values and errors. It is just another client of the
/// interpreter (Lua's `lua.c`): everything it knows comes through ``REPLEngine``.
public final class REPLSession {
    /// The prompt for a new input.
    public static let prompt = "lfs> "
    /// The prompt while an input is unfinished (an open bracket or block).
    public static let continuationPrompt = "...> "

    /// The interpreter behind the session.
    public let engine: REPLEngine
    /// Where lines come from.
    public let reader: LineReader
    /// The `:` commands.
    public let commands: CommandRegistry
    private let writeOutput: (String) -> Void
    private let writeError: (String) -> Void
    /// Whether any input failed (a non-interactive session then exits with status 1).
    public private(set) var hadError = false

    /// Creates a session.
    /// - Parameters:
    ///   - engine: the interpreter.
    ///   - reader: the line source (``ReadlineReader`` or ``PlainLineReader``).
    ///   - commands: the `:` commands; ``StandardCommands/registry()`` by default.
    ///   - output: writes text to standard output (no newline added).
    ///   - errors: writes text to standard error (no newline added).
    public init(
        engine: REPLEngine, reader: LineReader,
        commands: CommandRegistry = StandardCommands.registry(),
        output: @escaping (String) -> Void, errors: @escaping (String) -> Void
    ) {
        self.engine = engine
        self.reader = reader
        self.commands = commands
        self.writeOutput = output
        self.writeError = errors
    }

    /// Runs until Ctrl-D, the end of input or `:quit`.
    /// - Returns: success, or ``ExitStatus/programError`` when a non-interactive session
    ///   saw an error.
    public func run() -> ExitStatus {
        var pending: [String] = []
        while true {
            let prompt = pending.isEmpty ? Self.prompt : Self.continuationPrompt
            _ = InterruptController.takePending()  // a Ctrl-C that came after the last input
            switch reader.readLine(prompt: prompt) {
            case .end:
                if !pending.isEmpty { execute(pending.joined(separator: "\n")) }
                if reader.isInteractive { writeOutput("\n") }
                return reader.isInteractive || !hadError ? .success : .programError
            case .cancelled:
                pending = []
            case .line(let line):
                reader.addHistory(line)
                if pending.isEmpty, let outcome = runCommand(line) {
                    if outcome == .quit {
                        return reader.isInteractive || !hadError ? .success : .programError
                    }
                    continue
                }
                if pending.isEmpty && line.allSatisfy(\.isWhitespace) { continue }
                pending.append(line)
                let source = pending.joined(separator: "\n")
                if engine.isIncomplete(source) { continue }
                pending = []
                execute(source)
            }
        }
    }

    /// Runs one complete input and shows its result.
    public func execute(_ source: String) {
        InterruptController.beginComputation()
        let result = engine.evaluate(source)
        InterruptController.endComputation()
        // The terminal echoed `^C` where the cursor was; start the report on a new line.
        if InterruptController.takePending() && reader.isInteractive { writeOutput("\n") }
        show(result)
    }

    /// Prints a value, or reports an error.
    public func show(_ result: EvaluationResult) {
        switch result {
        case .completed(let display?):
            writeLine(display)
        case .completed(nil):
            break
        case .failed(let message):
            hadError = true
            writeError(message.hasSuffix("\n") ? message : message + "\n")
        }
    }

    /// Writes a line to standard output.
    public func writeLine(_ text: String) {
        writeOutput(text + "\n")
    }

    /// Writes a line to standard error (usage mistakes in `:` commands).
    public func writeErrorLine(_ text: String) {
        hadError = true
        writeError(text + "\n")
    }

    /// Runs `line` as a `:` command if it is one.
    /// - Returns: the command's outcome, or nil when the line is not a command.
    func runCommand(_ line: String) -> CommandOutcome? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.first == ":" else { return nil }
        let body = trimmed.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace })
        let argument = body.dropFirst(name.count).trimmingWhitespace()
        guard let command = commands.command(named: name) else {
            writeErrorLine("unknown command ':\(name)' (try :help)")
            return .proceed
        }
        InterruptController.beginComputation()
        defer { InterruptController.endComputation() }
        return command.run(self, argument)
    }
}

extension Substring {
    /// The text without leading and trailing white space.
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
