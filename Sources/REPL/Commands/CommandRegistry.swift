/// The REPL's `:` commands by name. Later features add theirs with one ``register(_:)``
/// each (`:graph`, `:profile`, `:mem`, `:chat`).
public final class CommandRegistry {
    private var commands: [String: REPLCommand] = [:]

    /// Creates a registry holding `commands`.
    public init(_ commands: [REPLCommand] = []) {
        for command in commands { register(command) }
    }

    /// Adds a command, replacing one of the same name.
    public func register(_ command: REPLCommand) {
        commands[command.name] = command
    }

    /// The command called `name`, or the only one whose name starts with it (`:q`).
    public func command(named name: String) -> REPLCommand? {
        if let command = commands[name] { return command }
        let matches = commands.values.filter { $0.name.hasPrefix(name) }
        return matches.count == 1 ? matches.first : nil
    }

    /// Every command name, sorted.
    public var names: [String] { commands.keys.sorted() }

    /// Every command, sorted by name.
    public var all: [REPLCommand] { names.compactMap { commands[$0] } }
}
