import Foundation

// Parsing, resolving, compiling and running chunks and modules.
extension Interpreter {
    /// Parses, resolves, compiles and runs a chunk into the main globals.
    func execute(_ text: String, name: String, directory: String, inspect: ([Stmt]) -> Void = { _ in }) throws(ScriptError) -> Value {
        let id = sources.add(name: name, text: text)
        let parsed = Parser.parse(text, source: id)
        if !parsed.diagnostics.isEmpty {
            throw ScriptError(kind: .syntax, diagnostics: parsed.diagnostics, isIncomplete: parsed.incomplete)
        }
        inspect(parsed.statements)
        var resolver = Resolver(globals: mainGlobals, prelude: prelude.indexByName, allowRedeclaration: false)
        let frameSize = resolver.resolveProgram(parsed.statements)
        if !resolver.diagnostics.isEmpty {
            throw ScriptError(kind: .resolution, diagnostics: Interpreter.sorted(resolver.diagnostics))
        }
        let code = Compiler(interpreter: self, globals: mainGlobals, directory: directory).compileChunk(parsed.statements)
        return try runTopLevel { try code(Frame.make(size: frameSize, parent: nil)) }
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.sorted { a, b in
            guard let x = a.span, let y = b.span else { return false }
            return x.start < y.start
        }
    }

    /// Runs top-level code: resets the step budget, uses the large stack, and turns a
    /// runtime error into a `ScriptError`.
    func runTopLevel(_ body: @escaping () throws -> Value) throws(ScriptError) -> Value {
        let nested = activeRuns > 0
        if !nested { state.reset(stepLimit: options.stepLimit) }
        activeRuns += 1
        defer { activeRuns -= 1 }
        let work: () -> Result<Value, ScriptError> = { [self] in
            do {
                return .success(try body())
            } catch let error as RuntimeError {
                return .failure(scriptError(error))
            } catch let control as ControlFlow {
                return .success(control.value)
            } catch {
                return .failure(ScriptError(kind: .runtime, diagnostics: [.hostError(Interpreter.message(of: error), nil, hint: nil)]))
            }
        }
        let result = (options.useLargeStack && !nested) ? LargeStack.run(work) : work()
        return try result.get()
    }

    func scriptError(_ error: RuntimeError) -> ScriptError {
        let kind: ScriptError.Kind
        switch error.kind {
        case .error: kind = .runtime
        case .interrupted: kind = .interrupted
        case .stepLimit: kind = .stepLimit
        }
        return ScriptError(kind: kind, diagnostics: [error.finished()])
    }

    // MARK: Imports

    /// Loads `name.lfs` from `directory`, then each search path, once per run.
    func importModule(_ name: String, from directory: String, span: SourceSpan) throws -> ModuleObject {
        let folders = [directory] + searchPaths
        let manager = FileManager.default
        guard let path = folders.map({ ($0 as NSString).appendingPathComponent(name + ".lfs") })
            .first(where: { manager.fileExists(atPath: $0) })
        else {
            throw RuntimeError(.moduleNotFound(name, folders, span))
        }
        let key = (path as NSString).standardizingPath
        if let module = modules[key] { return module }
        if loadingModules.contains(key) { throw RuntimeError(.importCycle(name, span)) }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(.moduleUnreadable(path, span))
        }
        loadingModules.insert(key)
        defer { loadingModules.remove(key) }
        let id = sources.add(name: path, text: text)
        let parsed = Parser.parse(text, source: id)
        if let first = parsed.diagnostics.first {
            throw RuntimeError(first.withNote("while importing '\(name)'", span: span))
        }
        let globals = GlobalScope()
        var resolver = Resolver(globals: globals, prelude: prelude.indexByName, allowRedeclaration: false)
        let frameSize = resolver.resolveProgram(parsed.statements)
        if let first = Interpreter.sorted(resolver.diagnostics).first {
            throw RuntimeError(first.withNote("while importing '\(name)'", span: span))
        }
        let folder = (path as NSString).deletingLastPathComponent
        let code = Compiler(interpreter: self, globals: globals, directory: folder).compileChunk(parsed.statements)
        do {
            _ = try code(Frame.make(size: frameSize, parent: nil))
        } catch var error as RuntimeError {
            error.leaving("<module \(name)>", calledAt: span)
            throw error
        }
        let module = ModuleObject(name: name, path: path, globals: globals)
        modules[key] = module
        return module
    }
}

/// Runs work on a thread with a large stack, so deep (bounded) recursion in scripts
/// cannot overflow the host's stack.
enum LargeStack {
    private final class Box<T>: @unchecked Sendable {
        var value: T?
        let work: () -> T
        init(_ work: @escaping () -> T) { self.work = work }
    }

    static func run<T>(_ work: @escaping () -> T) -> T {
        let box = Box(work)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            box.value = box.work()
            done.signal()
        }
        thread.stackSize = 1 << 29
        thread.start()
        done.wait()
        guard let value = box.value else { return work() }
        return value
    }
}

extension Diagnostic {
    func withNote(_ message: String, span: SourceSpan) -> Diagnostic {
        var copy = self
        copy.notes.append(DiagnosticNote(message, span: span))
        return copy
    }
}
