import Builtins
import Foundation
import Language
import REPL

/// `lfs graph script.lfs [-o out.svg] [--value name] [--expand] [--depth N] [--backward]
/// [-- args...]`: runs a script, then renders the graph of one of its values: the
/// global `name`, or by default the last tensor `backward()` was called on. The
/// format follows the output's extension; the default output is the script's name
/// with `.svg`.
enum GraphSubcommand {
    static let subcommand = Subcommand(
        name: "graph",
        summary: "run a script and render the graph of a value: graph script.lfs -o out.svg [--value name]",
        run: run)

    static let usage =
        "usage: lfs graph script.lfs [-o out.svg] [--value name] [--expand] [--depth N] "
        + "[--backward] [-- args...]\n"

    struct Options: Equatable {
        var script = ""
        var output: String?
        var value: String?
        var expand = false
        var depth: Int?
        var backward = false
        var arguments: [String] = []
    }

    /// Parses the words after `graph`; nil with a message on a usage mistake.
    static func parse(_ words: [String]) -> Result<Options, UsageError> {
        var options = Options()
        var index = 0
        func next(_ flag: String) -> Result<String, UsageError> {
            index += 1
            guard index < words.count else { return .failure(UsageError("\(flag) needs a value")) }
            return .success(words[index])
        }
        while index < words.count {
            let word = words[index]
            switch word {
            case "-o", "--output":
                switch next(word) {
                case .success(let value): options.output = value
                case .failure(let error): return .failure(error)
                }
            case "--value":
                switch next(word) {
                case .success(let value): options.value = value
                case .failure(let error): return .failure(error)
                }
            case "--depth":
                switch next(word) {
                case .success(let value):
                    guard let depth = Int(value), depth >= 0 else {
                        return .failure(UsageError("--depth needs a whole number, got '\(value)'"))
                    }
                    options.depth = depth
                case .failure(let error): return .failure(error)
                }
            case "--expand": options.expand = true
            case "--backward": options.backward = true
            case "--":
                options.arguments = Array(words[(index + 1)...])
                index = words.count
                continue
            default:
                if word.hasPrefix("-") || !options.script.isEmpty {
                    return .failure(UsageError("unexpected '\(word)'"))
                }
                options.script = word
            }
            index += 1
        }
        guard !options.script.isEmpty else { return .failure(UsageError("no script given")) }
        return .success(options)
    }

    /// A usage mistake's message.
    struct UsageError: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static func run(_ words: [String]) -> ExitStatus {
        let options: Options
        switch parse(words) {
        case .success(let parsed): options = parsed
        case .failure(let error):
            Output.error("lfs graph: \(error.message)\n" + usage)
            return .badUsage
        }
        guard Runner.isReadableFile(options.script) else {
            Output.error("lfs: cannot open '\(options.script)': no such file\n")
            return .badUsage
        }
        let interpreter = Runner.makeInterpreter(arguments: options.arguments)
        let status = Runner.execute(interpreter) { () throws(ScriptError) -> Value in
            try interpreter.runFile(path: options.script)
        }
        guard status == .success else { return status }
        return render(options, interpreter: interpreter)
    }

    /// Draws the chosen value of a finished script.
    static func render(_ options: Options, interpreter: Interpreter) -> ExitStatus {
        let value: Value
        if let name = options.value {
            guard let global = interpreter.global(name) else {
                Output.error("lfs graph: the script defines no value '\(name)'\n")
                return .programError
            }
            value = global
        } else if let tensor = GraphBuiltins.lastBackward {
            value = .host(TensorValue(tensor))
        } else {
            Output.error(
                "lfs graph: the script called backward() on no tensor; name a value with --value\n")
            return .programError
        }
        let output = options.output ?? defaultOutput(for: options.script)
        guard let graph = interpreter.builtin(named: "graph") else {
            Output.error("lfs graph: the graph builtin is not installed\n")
            return .programError
        }
        var labelled: [(String, Value)] = [
            ("file", .string(output)), ("expand", .bool(options.expand)),
            ("backward", .bool(options.backward)),
        ]
        if let depth = options.depth { labelled.append(("depth", .int(Int64(depth)))) }
        do {
            _ = try interpreter.call(.builtin(graph), [value], labelled: labelled)
        } catch {
            Output.error("lfs graph: \(error)\n")
            return .programError
        }
        Output.write(output + "\n")
        return .success
    }

    /// `dir/train.lfs` → `dir/train.svg`.
    static func defaultOutput(for script: String) -> String {
        let base = script.hasSuffix(".lfs") ? String(script.dropLast(4)) : script
        return base + ".svg"
    }
}
