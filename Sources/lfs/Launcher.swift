import Foundation
import REPL
import Tensors

/// The version of lfs.
let lfsVersion = "0.1.0"

/// Turns the command line into an action and its exit status.
enum Launcher {
    /// Runs what `words` (the arguments after the program name) ask for.
    static func main(_ words: [String]) -> ExitStatus {
        TensorRuntime.configure()
        let invocation: Invocation
        do {
            invocation = try InvocationParser.parse(words)
        } catch {
            let message = (error as? UsageError)?.message ?? "\(error)"
            Output.error("lfs: \(message)\nTry 'lfs --help' for usage.\n")
            return .badUsage
        }
        switch invocation.action {
        case .version:
            let chosen = OpenBLASRuntime.wasCoreChosenByLFS ? " (chosen by lfs)" : ""
            Output.write("lfs \(lfsVersion)\n")
            Output.write(
                "OpenBLAS core: \(OpenBLASRuntime.coreName)\(chosen), threads: \(OpenBLASRuntime.threadCount)\n"
            )
            return .success
        case .help:
            Output.write(InvocationParser.usage + "\n")
            return .success
        case .subcommand(let name, let arguments):
            guard let subcommand = Subcommands.named(name) else { return .badUsage }
            return subcommand.run(arguments)
        case .check(let files):
            return Runner.check(files)
        case .runFile(let path):
            return Runner.runFile(
                path, arguments: invocation.scriptArguments,
                staysInteractive: invocation.staysInteractive, profiles: invocation.profiles)
        case .runCode(let code):
            return Runner.runCode(
                code, arguments: invocation.scriptArguments,
                staysInteractive: invocation.staysInteractive, profiles: invocation.profiles)
        case .repl:
            return Runner.repl(Runner.makeInterpreter(arguments: invocation.scriptArguments))
        }
    }
}

/// Unbuffered writes to standard output and error, shared by the interpreter's sinks and
/// lfs's own messages so their order is kept.
enum Output {
    static func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
