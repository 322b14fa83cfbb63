import Builtins
import Foundation
import Language

/// The REPL's engine over Language's `Interpreter`: evaluates chunks, renders errors
/// through the one `DiagnosticRenderer`, and answers completion from the live globals
/// and the host types' tables.
public final class InterpreterEngine: REPLEngine {
    /// The interpreter in use (replaced by ``reset()``).
    public private(set) var interpreter: Interpreter
    private let makeInterpreter: () -> Interpreter
    private let ansi: Bool

    /// Creates an engine.
    /// - Parameters:
    ///   - interpreter: the interpreter to start with (for `lfs -i`, the one that ran the file).
    ///   - ansi: whether rendered errors use colours (standard error is a terminal).
    ///   - makeInterpreter: creates a fresh, configured interpreter for `:reset`.
    public init(interpreter: Interpreter, ansi: Bool, makeInterpreter: @escaping () -> Interpreter)
    {
        self.interpreter = interpreter
        self.ansi = ansi
        self.makeInterpreter = makeInterpreter
    }

    /// Whether the input stops inside an open construct (see ``REPLEngine``).
    public func isIncomplete(_ source: String) -> Bool {
        interpreter.isIncomplete(source)
    }

    /// Runs one REPL input and returns what to print (see ``REPLEngine``).
    public func evaluate(_ source: String) -> EvaluationResult {
        do {
            guard let value = try interpreter.evaluate(source) else {
                return .completed(display: nil)
            }
            return .completed(display: Self.display(value))
        } catch {
            return .failed(message: interpreter.render(error, ansi: ansi))
        }
    }

    /// Runs a file in the session's scope (see ``REPLEngine``).
    public func load(path: String) -> EvaluationResult {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return .failed(message: "lfs: cannot read '\(path)'")
        }
        do {
            _ = try interpreter.evaluate(text, name: path)
            return .completed(display: nil)
        } catch {
            return .failed(message: interpreter.render(error, ansi: ansi))
        }
    }

    /// The user's bindings as `name = value` lines (see ``REPLEngine``).
    public func variableSummaries() -> [String] {
        interpreter.globalNames.filter { $0 != "args" && $0 != "_" }.compactMap { name in
            guard let value = interpreter.global(name) else { return nil }
            let text = Self.display(value) ?? "nil"
            let firstLine =
                text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init)
                ?? ""
            return "\(name) = \(firstLine)\(firstLine == text ? "" : " ...")"
        }
    }

    /// Documentation of a name, or an overview (see ``REPLEngine``).
    public func help(_ topic: String?) -> EvaluationResult {
        guard let topic else {
            return .completed(
                display: """
                    lfs: type code to run it; an expression's value is printed and bound to `_`.
                    help(x) documents a value, dir(x) lists its members.
                    """)
        }
        var captured = ""
        let previous = interpreter.output
        interpreter.output = { captured += $0 }
        defer { interpreter.output = previous }
        switch evaluate("help(\(topic))") {
        case .completed:
            return .completed(
                display: captured.hasSuffix("\n") ? String(captured.dropLast()) : captured)
        case .failed(let message): return .failed(message: message)
        }
    }

    /// Starts over with a fresh interpreter (see ``REPLEngine``).
    public func reset() {
        interpreter = makeInterpreter()
    }

    /// The REPL's form of a value: nothing for nil, else its printed representation
    /// (strings quoted; tensors summarised as PyTorch does).
    static func display(_ value: Value) -> String? {
        if case .nil = value { return nil }
        return value.repr
    }

    // MARK: Completion

    /// Globals and builtins, for completion (see ``CompletionProvider``).
    public func globalNames() -> [String] {
        interpreter.globalNames + interpreter.builtinNames
    }

    /// The language's keywords, for completion (see ``CompletionProvider``).
    public func keywords() -> [String] {
        Interpreter.keywords
    }

    /// Members of the value a dotted chain names (see ``CompletionProvider``).
    public func memberNames(of receiver: [String]) -> [String] {
        guard let value = resolve(receiver) else { return [] }
        switch value {
        case .host(let object): return object.hostType.memberNames
        case .module(let module): return module.memberNames
        default: return []
        }
    }

    /// Parameter names of the callable a dotted chain names (see ``CompletionProvider``).
    public func labels(of callee: [String]) -> [String] {
        if callee.count >= 2, case .host(let object)? = resolve(Array(callee.dropLast())),
            let method = object.hostType.method(named: callee[callee.count - 1])
        {
            return method.signature.names
        }
        switch resolve(callee) {
        case .builtin(let builtin)?: return builtin.signature.names
        case .function(let function)?: return function.parameterNames
        default: return []
        }
    }

    /// The value a dotted chain names, reading only globals, module members and host
    /// properties (never calling user code, so TAB has no side effects).
    func resolve(_ chain: [String]) -> Value? {
        guard let first = chain.first, var value = interpreter.global(first) else { return nil }
        for name in chain.dropFirst() {
            switch value {
            case .module(let module):
                guard let member = module.member(name) else { return nil }
                value = member
            case .host(let object):
                guard let property = object.hostType.property(named: name),
                    let member = try? property.get(object)
                else { return nil }
                value = member
            default:
                return nil
            }
        }
        return value
    }
}
