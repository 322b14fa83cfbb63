/// Compiles resolved statements into Swift closures (closure compilation): each node
/// becomes a `Code` that reads locals straight from frame slots, so running a program
/// does no name lookups and no AST dispatch.
///
/// `break`, `continue` and `return` at statement level set `Frame.signal`, which blocks
/// check only after statements that can set it; inside an expression they throw
/// `ControlFlow` to the enclosing loop or call instead.
struct Compiler {
    unowned(unsafe) let interpreter: Interpreter
    let globals: GlobalScope
    let state: ExecutionState
    let prelude: Prelude
    /// The folder of the file being compiled, searched first by `import`.
    let directory: String
    /// The name of the function being compiled, for traces.
    var functionName = "<main>"

    init(interpreter: Interpreter, globals: GlobalScope, directory: String) {
        self.interpreter = interpreter
        self.globals = globals
        self.state = interpreter.state
        self.prelude = interpreter.prelude
        self.directory = directory
    }

    /// Compiles a top-level chunk into code run in a fresh frame.
    func compileChunk(_ statements: [Stmt]) -> Code {
        compileStatements(statements, statementLevel: true)
    }

    // MARK: Blocks

    func compileBlock(_ block: Block, statementLevel: Bool) -> Code {
        compileStatements(block.statements, statementLevel: statementLevel)
    }

    /// Compiles statements in order, with `fn` declarations hoisted to the front.
    func compileStatements(_ statements: [Stmt], statementLevel: Bool) -> Code {
        var ordered = statements.filter { if case .function = $0.kind { return true } else { return false } }
        ordered += statements.filter { if case .function = $0.kind { return false } else { return true } }
        var codes: [CodeBox] = ordered.map { CodeBox(run: compileStatement($0, statementLevel: statementLevel)) }
        var checks = ordered.map { statementLevel && Compiler.maySignal($0) }
        if case .function? = statements.last?.kind, ordered.count > 1 {
            codes.append(CodeBox(run: { _ in .nil }))
            checks.append(false)
        }
        switch codes.count {
        case 0:
            return { _ in .nil }
        case 1:
            return codes[0].run
        case 2 where !checks[0]:
            let a = codes[0].run, b = codes[1].run
            return { f in
                _ = try a(f)
                return try b(f)
            }
        case 2:
            let a = codes[0].run, b = codes[1].run
            return { f in
                let first = try a(f)
                if f.signal != .none { return first }
                return try b(f)
            }
        case 3 where !checks[0] && !checks[1]:
            let a = codes[0].run, b = codes[1].run, c = codes[2].run
            return { f in
                _ = try a(f)
                _ = try b(f)
                return try c(f)
            }
        default:
            let count = codes.count
            if !checks.contains(true) {
                return { f in
                    for i in 0..<(count - 1) { _ = try codes[i].run(f) }
                    return try codes[count - 1].run(f)
                }
            }
            return { f in
                var last = Value.nil
                for i in 0..<count {
                    last = try codes[i].run(f)
                    if checks[i] && f.signal != .none { return last }
                }
                return last
            }
        }
    }

    /// True when a statement can leave its block through `Frame.signal`.
    static func maySignal(_ statement: Stmt) -> Bool {
        switch statement.kind {
        case .breakLoop, .continueLoop, .returnValue:
            return true
        case .whileLoop(_, let body), .forLoop(_, _, let body):
            return body.statements.contains(where: maySignal)
        case .expression(let expression):
            return maySignal(expression)
        default:
            return false
        }
    }

    private static func maySignal(_ expression: Expr) -> Bool {
        switch expression.kind {
        case .ifElse(let branches, let elseBlock):
            return branches.contains { $0.1.statements.contains(where: maySignal) }
                || (elseBlock?.statements.contains(where: maySignal) ?? false)
        case .tryCatch(let body, _, let handler):
            return body.statements.contains(where: maySignal) || handler.statements.contains(where: maySignal)
        default:
            return false
        }
    }

    // MARK: Statements

    func compileStatement(_ statement: Stmt, statementLevel: Bool) -> Code {
        switch statement.kind {
        case .expression(let expression):
            if statementLevel {
                switch expression.kind {
                case .ifElse(let branches, let elseBlock):
                    return compileIf(branches, elseBlock, statementLevel: true)
                case .tryCatch(let body, let binding, let handler):
                    return compileTry(body, binding, handler, statementLevel: true)
                default:
                    break
                }
            }
            return compile(expression)
        case .declaration(_, let pattern, let value):
            let valueCode = compile(value)
            let bind = compilePattern(pattern)
            return { f in
                try bind(f, try valueCode(f))
                return .nil
            }
        case .function(let function):
            let make = compileFunction(function)
            guard let binding = function.binding else { return make }
            let store = storer(binding.resolution)
            return { f in
                try store(f, try make(f))
                return .nil
            }
        case .assign(let targets, let op, let value):
            return compileAssignment(targets, op, value, span: statement.span)
        case .whileLoop(let condition, let body):
            return compileWhile(condition, body, span: statement.span)
        case .forLoop(let pattern, let sequence, let body):
            return compileFor(pattern, sequence, body, span: statement.span)
        case .breakLoop:
            if statementLevel {
                return { f in
                    f.signal = .breakLoop
                    return .nil
                }
            }
            return { _ in throw ControlFlow(signal: .breakLoop, value: .nil) }
        case .continueLoop:
            if statementLevel {
                return { f in
                    f.signal = .continueLoop
                    return .nil
                }
            }
            return { _ in throw ControlFlow(signal: .continueLoop, value: .nil) }
        case .returnValue(let value):
            var valueCode: Code = { _ in .nil }
            if let value { valueCode = compile(value) }
            if statementLevel {
                return { f in
                    f.returnValue = try valueCode(f)
                    f.signal = .returned
                    return .nil
                }
            }
            return { f in throw ControlFlow(signal: .returned, value: try valueCode(f)) }
        case .importModule(let name, let binding):
            let store = storer(binding.resolution)
            let directory = self.directory
            let span = statement.span
            return { [unowned(unsafe) interpreter] f in
                let module = try interpreter.importModule(name, from: directory, span: span)
                try store(f, .module(module))
                return .nil
            }
        }
    }

    // MARK: Functions

    func compileFunction(_ function: FunctionDecl) -> Code {
        var inner = self
        inner.functionName = function.name ?? "<fn>"
        let defaults: [Code?] = function.parameters.map { parameter in parameter.defaultValue.map { inner.compile($0) } }
        let compiled = CompiledFunction(
            name: function.name ?? "<fn>", parameterNames: function.parameters.map(\.binding.name),
            positionalCount: function.positionalCount, defaults: defaults, frameSize: function.frameSize,
            span: function.span)
        compiled.body = inner.compileBlock(function.body, statementLevel: true)
        return { f in .function(FunctionObject(code: compiled, parent: f)) }
    }

    // MARK: Storage

    /// Code that stores into a resolved binding.
    func storer(_ resolution: Resolution) -> (Frame, Value) throws -> Void {
        switch resolution {
        case .local(let slot):
            return { f, v in f[slot] = v }
        case .captured(let depth, let slot):
            return { f, v in f.ancestor(depth)[slot] = v }
        case .global(let index):
            let globals = self.globals
            return { _, v in globals.values[index] = v }
        case .prelude, .unresolved:
            return { _, _ in throw RuntimeError(.internalError("store to an unresolved name")) }
        }
    }

    /// Code that binds a value to a destructuring pattern.
    func compilePattern(_ pattern: Pattern) -> (Frame, Value) throws -> Void {
        switch pattern {
        case .name(let binding):
            return storer(binding.resolution)
        case .wildcard:
            return { _, _ in }
        case .tuple(let items, let span):
            let binders = items.map { BinderBox(bind: compilePattern($0)) }
            let count = items.count
            return { f, value in
                let elements: [Value]
                switch value {
                case .tuple(let t): elements = t
                case .list(let l): elements = l.items
                default: throw RuntimeError(.cannotDestructure(value.typeName, count, span))
                }
                guard elements.count == count else {
                    throw RuntimeError(.destructureCount(expected: count, got: elements.count, span))
                }
                for i in 0..<count { try binders[i].bind(f, elements[i]) }
            }
        }
    }
}
