import Builtins
import Foundation
import Language
import REPL

/// Runs files, `-e` code, `--check` and the REPL on a configured interpreter.
enum Runner {
    /// An interpreter with the whole vocabulary, the stdlib on the import path, the
    /// shared interrupt flag and `args` bound.
    static func makeInterpreter(arguments: [String]) -> Interpreter {
        let interpreter = Interpreter(interrupt: SharedInterrupt.flag)
        Library.install(into: interpreter)
        interpreter.searchPaths = Interpreter.defaultSearchPaths(stdlib: StdlibLocator.locate())
        interpreter.args = arguments
        interpreter.output = Output.write
        interpreter.errorOutput = Output.error
        return interpreter
    }

    /// `lfs file.lfs [args...]`, and `lfs -i file.lfs`.
    static func runFile(
        _ path: String, arguments: [String], staysInteractive: Bool, profiles: Bool = false
    ) -> ExitStatus {
        guard isReadableFile(path) else {
            Output.error("lfs: cannot open '\(path)': no such file\n")
            return .badUsage
        }
        let interpreter = makeInterpreter(arguments: arguments)
        let status = ProfileOption.run(enabled: profiles) {
            execute(interpreter) { () throws(ScriptError) -> Value in try interpreter.runFile(path: path) }
        }
        return staysInteractive ? repl(interpreter) : status
    }

    /// `lfs -e 'code' [args...]`, and `lfs -i -e 'code'`.
    static func runCode(
        _ code: String, arguments: [String], staysInteractive: Bool, profiles: Bool = false
    ) -> ExitStatus {
        let interpreter = makeInterpreter(arguments: arguments)
        let status = ProfileOption.run(enabled: profiles) {
            execute(interpreter) { () throws(ScriptError) -> Value in try interpreter.run(source: code, name: "-e") }
        }
        return staysInteractive ? repl(interpreter) : status
    }

    /// Runs a program with Ctrl-C armed; reports its error.
    static func execute(_ interpreter: Interpreter, _ body: () throws(ScriptError) -> Value)
        -> ExitStatus
    {
        SharedInterrupt.install()
        InterruptController.beginComputation()
        defer { InterruptController.endComputation() }
        do {
            _ = try body()
            return .success
        } catch {
            interpreter.report(error, ansi: Terminal.isErrorInteractive)
            return ExitStatus(failure: error.kind)
        }
    }

    /// `lfs --check files...`: parses and resolves each file, reporting every error.
    static func check(_ files: [String]) -> ExitStatus {
        let interpreter = makeInterpreter(arguments: [])
        var failed = false
        for path in files {
            guard isReadableFile(path),
                let text = try? String(contentsOfFile: path, encoding: .utf8)
            else {
                Output.error("lfs: cannot open '\(path)': no such file\n")
                return .badUsage
            }
            let diagnostics = interpreter.check(source: text, name: path)
            if !diagnostics.isEmpty {
                failed = true
                let error = ScriptError(kind: .resolution, diagnostics: diagnostics)
                interpreter.report(error, ansi: Terminal.isErrorInteractive)
            }
        }
        return failed ? .programError : .success
    }

    /// The REPL on `interpreter`: readline on a terminal, plain lines otherwise.
    static func repl(_ interpreter: Interpreter) -> ExitStatus {
        SharedInterrupt.install()
        let arguments = interpreter.args
        let engine = InterpreterEngine(
            interpreter: interpreter, ansi: Terminal.isErrorInteractive,
            makeInterpreter: { makeInterpreter(arguments: arguments) })
        let commands = StandardCommands.registry()
        let reader: LineReader
        if Terminal.isInputInteractive {
            reader = ReadlineReader(
                historyPath: HistoryFile.path(),
                completer: Completer(provider: engine, commands: commands))
            Output.write("lfs \(lfsVersion). :help for help, Ctrl-D to leave.\n")
        } else {
            reader = PlainLineReader()
        }
        let session = REPLSession(
            engine: engine, reader: reader, commands: commands, output: Output.write,
            errors: Output.error)
        return session.run()
    }

    static func isReadableFile(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
            && !isFolder.boolValue
            && FileManager.default.isReadableFile(atPath: path)
    }
}
