/// What the command line asks lfs to do, parsed by hand: options come first and stop at
/// the script's name, and every word after it belongs to the script (`args`), as with
/// `python` and `lua`. swift-argument-parser would try to parse the script's own
/// `--flags` and exits with 64 on usage errors, so it is left to subcommands, whose
/// arguments are lfs's own.
struct Invocation: Equatable {
    /// The main thing to do.
    enum Action: Equatable {
        /// Start the REPL.
        case repl
        /// Run a file.
        case runFile(String)
        /// Run the code given with `-e`.
        case runCode(String)
        /// Parse and resolve files without running them.
        case check([String])
        /// Print the version.
        case version
        /// Print the usage.
        case help
        /// Run a subcommand (`lfs train recipe.yaml`) with the words after its name.
        case subcommand(String, [String])
    }

    var action = Action.repl
    /// Whether to stay in the REPL after running (`-i`).
    var staysInteractive = false
    /// The words after the script (bound to `args`).
    var scriptArguments: [String] = []
    /// Whether to print the op profile when the program ends (`--profile`).
    var profiles = false
}

/// A mistake on the command line; lfs prints it with a pointer to `--help` and exits 2.
struct UsageError: Error, Equatable {
    var message: String
}

/// One top-level option: its spellings, help line and effect. Adding an option (say
/// `--profile`) is one entry in ``InvocationParser/options``.
struct OptionSpec: Sendable {
    var names: [String]
    /// The value's placeholder (`code`) for options that take one, nil for flags.
    var valueName: String?
    var help: String
    var apply: @Sendable (inout Invocation, String?) -> Void
}

/// Parses `CommandLine.arguments.dropFirst()` into an ``Invocation``.
enum InvocationParser {
    static let options: [OptionSpec] = [
        OptionSpec(names: ["-e"], valueName: "code", help: "run code given on the command line") {
            invocation, code in invocation.action = .runCode(code ?? "")
        },
        OptionSpec(names: ["-i"], help: "stay in the REPL after running, with the bindings") {
            invocation, _ in invocation.staysInteractive = true
        },
        OptionSpec(names: ["--check"], help: "parse and resolve the files without running them") {
            invocation, _ in invocation.action = .check([])
        },
        OptionSpec(names: ["--profile"], help: "print time per op (to stderr) when the program ends") {
            invocation, _ in invocation.profiles = true
        },
        OptionSpec(names: ["--version"], help: "print the version and the OpenBLAS core") {
            invocation, _ in invocation.action = .version
        },
        OptionSpec(names: ["-h", "--help"], help: "print this help") { invocation, _ in
            invocation.action = .help
        },
    ]

    /// Parses the words after the program name.
    /// - Throws: ``UsageError`` for an unknown option, a missing value or missing files.
    static func parse(_ words: [String]) throws -> Invocation {
        var invocation = Invocation()
        if let first = words.first, Subcommands.named(first) != nil {
            invocation.action = .subcommand(first, Array(words.dropFirst()))
            return invocation
        }
        var index = 0
        while index < words.count {
            let word = words[index]
            if word == "--" {
                index += 1
                break
            }
            guard word.hasPrefix("-"), word != "-" else { break }
            guard let option = options.first(where: { $0.names.contains(word) }) else {
                throw UsageError(message: "unknown option '\(word)'")
            }
            var value: String?
            if let valueName = option.valueName {
                guard index + 1 < words.count else {
                    throw UsageError(message: "option '\(word)' needs a \(valueName)")
                }
                value = words[index + 1]
                index += 1
            }
            option.apply(&invocation, value)
            index += 1
        }
        let rest = Array(words[index...])
        switch invocation.action {
        case .version, .help, .subcommand:
            break
        case .runCode:
            invocation.scriptArguments = rest
        case .check:
            guard !rest.isEmpty else { throw UsageError(message: "--check needs a file") }
            invocation.action = .check(rest)
        case .repl, .runFile:
            if let file = rest.first {
                invocation.action = .runFile(file)
                invocation.scriptArguments = Array(rest.dropFirst())
            }
        }
        return invocation
    }

    /// The text of `lfs --help`, generated from the option and subcommand tables.
    static var usage: String {
        var lines = [
            "usage: lfs [options] [file.lfs [args...]]",
            "       lfs <subcommand> [args...]",
            "",
            "With no file, lfs starts the REPL. Words after the file are bound to `args`.",
            "",
            "Options:",
        ]
        for option in options {
            var synopsis = option.names.joined(separator: ", ")
            if let valueName = option.valueName { synopsis += " \(valueName)" }
            lines.append(
                "  " + synopsis.padding(toLength: 16, withPad: " ", startingAt: 0) + option.help)
        }
        if !Subcommands.all.isEmpty {
            lines += ["", "Subcommands:"]
            for subcommand in Subcommands.all {
                lines.append(
                    "  " + subcommand.name.padding(toLength: 16, withPad: " ", startingAt: 0)
                        + subcommand.summary)
            }
        }
        lines += [
            "",
            "Environment: LFS_HISTORY (REPL history file, default ~/.lfs_history),",
            "LFS_STDLIB (the stdlib folder), LFS_PATH (more folders for `import`).",
            "Exit status: 0 success, 1 error in the program, 2 bad usage.",
        ]
        return lines.joined(separator: "\n")
    }
}
