import Foundation

/// The embedding API's entry point (Wren's `WrenVM`): create one, register builtins and
/// host types, plug in sinks, then `run`, `runFile` or `evaluate` code. Top-level
/// bindings persist across calls, so a REPL is `evaluate` in a loop.
///
/// ```swift
/// let lfs = Interpreter()
/// lfs.output = { print($0, terminator: "") }
/// lfs.register(Builtin("double", Signature(["x"]), doc: "Twice x.") { args in
///     .int(try args.int(0) * 2)
/// })
/// let value = try lfs.run(source: "double(21)", name: "-e")   // .int(42)
/// ```
public final class Interpreter: @unchecked Sendable {
    /// Settings fixed at creation.
    public struct Options: Sendable {
        /// Stop with a `step limit reached` error after this many loop iterations and calls
        /// (for fuzzing); nil for no limit.
        public var stepLimit: Int?
        /// Deepest allowed call nesting before a `stack overflow` error.
        public var maxCallDepth: Int
        /// Run code on a thread with a large stack, so deep recursion is an error, not a crash.
        public var useLargeStack: Bool
        /// Creates options.
        public init(stepLimit: Int? = nil, maxCallDepth: Int = 2_000, useLargeStack: Bool = true) {
            self.stepLimit = stepLimit
            self.maxCallDepth = maxCallDepth
            self.useLargeStack = useLargeStack
        }
    }

    /// Receives everything `print` writes, newlines included.
    public var output: (String) -> Void = { text in FileHandle.standardOutput.write(Data(text.utf8)) }
    /// Receives rendered errors passed to `report(_:)`.
    public var errorOutput: (String) -> Void = { text in FileHandle.standardError.write(Data(text.utf8)) }
    /// Folders searched by `import` after the importing file's own folder: typically the
    /// project's `stdlib/` then each folder of `LFS_PATH` (see `defaultSearchPaths`).
    public var searchPaths: [String] = []
    /// The settings.
    public var options: Options
    /// Set it (from any thread or a signal handler) to stop the running program.
    public let interrupt: InterruptFlag
    /// The texts of every source run so far, for rendering diagnostics.
    public let sources = SourceManager()
    /// Script arguments, bound to the global `args` as a list of strings.
    public var args: [String] = [] {
        didSet { mainGlobals.set("args", .list(args.map(Value.string)), mutable: false) }
    }

    let mainGlobals = GlobalScope()
    let prelude = Prelude()
    let state: ExecutionState
    var hostTypes: [String: HostType] = [:]
    var modules: [String: ModuleObject] = [:]
    var loadingModules: Set<String> = []
    /// Nesting of run/evaluate/call: errors inside stay `RuntimeError`s until the outermost.
    var activeRuns = 0

    /// Creates an interpreter with the core library (print, len, range ...) registered.
    /// - Parameters:
    ///   - options: step limit, call depth, stack.
    ///   - interrupt: the flag that stops running code; pass one the host keeps globally.
    public init(options: Options = Options(), interrupt: InterruptFlag = InterruptFlag()) {
        self.options = options
        self.interrupt = interrupt
        self.state = ExecutionState(interrupt: interrupt, maxDepth: options.maxCallDepth)
        CoreLibrary.register(in: self)
        mainGlobals.set("args", .list([]), mutable: false)
    }

    deinit {
        // Functions hold their globals and globals hold functions: break the cycles.
        mainGlobals.clear()
        for module in modules.values { module.globals.clear() }
    }

    /// `stdlib` followed by the folders of the `LFS_PATH` environment variable.
    public static func defaultSearchPaths(stdlib: String?) -> [String] {
        var paths: [String] = []
        if let stdlib { paths.append(stdlib) }
        if let env = ProcessInfo.processInfo.environment["LFS_PATH"] {
            paths += env.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        return paths
    }

    // MARK: Registration

    /// Registers a builtin function, replacing an earlier one of the same name (so a host
    /// library can extend `save` or `load` and fall back to the previous version).
    public func register(_ builtin: Builtin) {
        prelude.set(builtin.name, .builtin(builtin))
    }

    /// The builtin currently registered under `name`, if any (to wrap it before replacing it).
    public func builtin(named name: String) -> Builtin? {
        if case .builtin(let b)? = prelude.value(named: name) { return b }
        return nil
    }

    /// Registers a host type, so `help("Name")` and completion know it.
    public func register(_ type: HostType) {
        hostTypes[type.name] = type
    }

    // MARK: Globals

    /// The value of a global of the main program (or a builtin), nil when unbound.
    public func global(_ name: String) -> Value? {
        mainGlobals.value(named: name) ?? prelude.value(named: name)
    }

    /// Binds a global of the main program, visible to code run afterwards.
    public func setGlobal(_ name: String, _ value: Value, mutable: Bool = true) {
        mainGlobals.set(name, value, mutable: mutable)
    }

    /// Reads or writes a global of the main program.
    public subscript(name: String) -> Value? {
        get { global(name) }
        set { mainGlobals.set(name, newValue ?? .nil) }
    }

    /// Names of the main program's globals that have values, in declaration order.
    public var globalNames: [String] {
        mainGlobals.names.filter { mainGlobals.value(named: $0) != nil }
    }

    /// Names of every builtin, sorted.
    public var builtinNames: [String] { prelude.names.sorted() }

    /// The reserved words, for completion.
    public static var keywords: [String] { Keyword.allCases.map(\.rawValue) }

    // MARK: Running

    /// Parses, resolves and runs `source` as a program named `name` (for diagnostics).
    /// Top-level bindings land in the main program's globals.
    /// - Returns: the value of the last expression statement, or `.nil`.
    /// - Throws: `ScriptError` with every syntax or resolution error, or the runtime error.
    @discardableResult
    public func run(source: String, name: String) throws(ScriptError) -> Value {
        modules = [:]
        return try execute(source, name: name, directory: ".")
    }

    /// Runs the file at `path`; its folder is searched first by `import`.
    /// - Throws: `ScriptError` (a missing file is an error with no span).
    @discardableResult
    public func runFile(path: String) throws(ScriptError) -> Value {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ScriptError(kind: .runtime, diagnostics: [.cannotReadFile(path)])
        }
        modules = [:]
        let directory = (path as NSString).deletingLastPathComponent
        return try execute(text, name: path, directory: directory.isEmpty ? "." : directory)
    }

    /// Evaluates one REPL chunk: bindings persist, and the value of a final expression
    /// statement is returned and bound to `_`.
    /// - Returns: the value, or nil when the chunk does not end in an expression.
    /// - Throws: `ScriptError`; check `isIncomplete` to ask for more input instead.
    public func evaluate(_ chunk: String, name: String = "<repl>") throws(ScriptError) -> Value? {
        var endsInExpression = false
        let value = try execute(chunk, name: name, directory: ".") { statements in
            if case .expression? = statements.last?.kind { endsInExpression = true }
        }
        guard endsInExpression else { return nil }
        mainGlobals.set("_", value)
        return value
    }

    /// Parses and resolves without running (`lfs --check`).
    /// - Returns: every diagnostic, empty when the program is well formed.
    public func check(source: String, name: String) -> [Diagnostic] {
        let id = sources.add(name: name, text: source)
        let parsed = Parser.parse(source, source: id)
        if !parsed.diagnostics.isEmpty { return parsed.diagnostics }
        var resolver = Resolver(globals: GlobalScope(), prelude: prelude.indexByName, allowRedeclaration: false)
        for name in mainGlobals.names { resolver.predeclare(name) }
        _ = resolver.resolveProgram(parsed.statements)
        return resolver.diagnostics
    }

    /// True when `source` ends inside an open bracket, block, string or after a continuing
    /// operator: the REPL should read another line.
    public func isIncomplete(_ source: String) -> Bool {
        let parsed = Parser.parse(source, source: SourceID(rawValue: -1))
        return parsed.incomplete
    }

    /// Calls a function value from Swift (a closure, a builtin, a bound method or a
    /// callable host object), for example a trailing block passed to a host method.
    /// - Throws: `ScriptError` when called from outside running code; inside a builtin the
    ///   error propagates to the script unchanged.
    @discardableResult
    public func call(_ callee: Value, _ positional: [Value] = [], labelled: [(String, Value)] = []) throws -> Value {
        if activeRuns > 0 {
            return try callValue(callee, positional, labelled: labelled, span: nil)
        }
        activeRuns += 1
        defer { activeRuns -= 1 }
        state.reset(stepLimit: options.stepLimit)
        do {
            return try callValue(callee, positional, labelled: labelled, span: nil)
        } catch let error as RuntimeError {
            throw scriptError(error)
        }
    }

    /// True for values `call` accepts.
    public func isCallable(_ value: Value) -> Bool {
        switch value {
        case .function, .builtin: return true
        case .host(let object): return object.hostType.call != nil
        default: return false
        }
    }

    // MARK: Rendering

    /// Renders an error as the user sees it: `file:line:col: error: message`, the line, a
    /// caret, the call trace and the hint.
    public func render(_ error: ScriptError, ansi: Bool = false) -> String {
        let renderer = DiagnosticRenderer(sources: sources, style: ansi ? .ansi : .plain)
        return error.diagnostics.map(renderer.render).joined()
    }

    /// Renders `error` to `errorOutput`.
    public func report(_ error: ScriptError, ansi: Bool = false) {
        errorOutput(render(error, ansi: ansi))
    }
}
