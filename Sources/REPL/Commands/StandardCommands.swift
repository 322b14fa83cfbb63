import Foundation

/// The REPL's own `:` commands: help, load, time, vars, reset, quit.
public enum StandardCommands {
    /// A registry holding the standard commands; add more with `register`.
    public static func registry() -> CommandRegistry {
        CommandRegistry([
            help, load, time, vars, reset, quit, GraphCommand.command, ChatCommand.command,
            ProfileCommand.command, MemoryCommand.command,
        ])
    }

    static let help = REPLCommand(
        name: "help", usage: "[name]", summary: "show help on a name, or list the commands",
        argument: .name
    ) { session, argument in
        if argument.isEmpty {
            session.show(session.engine.help(nil))
            session.writeLine("\nCommands:")
            for command in session.commands.all {
                let synopsis = command.synopsis.padding(toLength: 18, withPad: " ", startingAt: 0)
                session.writeLine("  \(synopsis) \(command.summary)")
            }
        } else if argument.hasPrefix(":") {
            let name = String(argument.dropFirst())
            guard let command = session.commands.command(named: name) else {
                session.writeErrorLine("unknown command ':\(name)' (try :help)")
                return .proceed
            }
            session.writeLine("\(command.synopsis)\n  \(command.summary)")
        } else {
            session.show(session.engine.help(argument))
        }
        return .proceed
    }

    static let load = REPLCommand(
        name: "load", usage: "file", summary: "run a file here, keeping its bindings",
        argument: .path
    ) { session, argument in
        let path = unquoted(argument)
        guard !path.isEmpty else {
            session.writeErrorLine("usage: :load file")
            return .proceed
        }
        session.show(session.engine.load(path: path))
        return .proceed
    }

    static let time = REPLCommand(
        name: "time", usage: "expr", summary: "run an expression and show how long it took",
        argument: .expression
    ) { session, argument in
        guard !argument.isEmpty else {
            session.writeErrorLine("usage: :time expr")
            return .proceed
        }
        let clock = ContinuousClock()
        let start = clock.now
        let result = session.engine.evaluate(argument)
        let elapsed = clock.now - start
        session.show(result)
        session.writeLine("time: \(format(elapsed))")
        return .proceed
    }

    static let vars = REPLCommand(name: "vars", summary: "list your bindings") { session, _ in
        let lines = session.engine.variableSummaries()
        session.writeLine(lines.isEmpty ? "(no bindings)" : lines.joined(separator: "\n"))
        return .proceed
    }

    static let reset = REPLCommand(
        name: "reset", summary: "forget every binding made in this session"
    ) { session, _ in
        session.engine.reset()
        session.writeLine("(bindings cleared)")
        return .proceed
    }

    static let quit = REPLCommand(name: "quit", summary: "leave the REPL (or Ctrl-D)") { _, _ in
        .quit
    }

    /// A path argument without surrounding quotes.
    static func unquoted(_ text: String) -> String {
        for quote in ["\"", "'"]
        where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// A duration as people read it: `850 µs`, `12.3 ms`, `4.56 s`.
    static func format(_ duration: Duration) -> String {
        let seconds =
            Double(duration.components.seconds)
            + Double(duration.components.attoseconds) / 1e18
        if seconds < 1e-3 { return String(format: "%.0f µs", seconds * 1e6) }
        if seconds < 1 { return String(format: "%.1f ms", seconds * 1e3) }
        return String(format: "%.2f s", seconds)
    }
}
