/// Runs before execution (and alone for `lfs --check`): binds every name to a frame slot,
/// a global or a prelude entry, and reports undeclared names, assignments to `let`,
/// duplicate declarations and parameters, `break`/`continue` outside a loop, `return`
/// outside a function and `import` below the top level (jlox's resolver).
struct Resolver {
    private struct Local {
        let slot: Int
        let mutable: Bool
        let span: SourceSpan
    }

    private struct Scope {
        var names: [String: Local] = [:]
    }

    /// One function being resolved (or the top-level chunk, whose outermost scope is the
    /// module's globals).
    private final class Context {
        var scopes: [Scope] = []
        var nextSlot = 0
        var loopDepth = 0
        let isTopLevel: Bool
        init(isTopLevel: Bool) { self.isTopLevel = isTopLevel }
    }

    private let globals: GlobalScope
    private let prelude: [String: Int]
    private let allowRedeclaration: Bool
    private var contexts: [Context] = []
    private(set) var diagnostics: [Diagnostic] = []
    /// Globals whose declaration has been resolved so far in top-level code.
    private var initializedGlobals: Set<Int> = []
    /// Where each global was declared in this chunk (for duplicate reports).
    private var globalDeclarations: [String: SourceSpan] = [:]

    /// - Parameters:
    ///   - globals: the module's global scope; new top-level names are declared in it.
    ///   - prelude: builtin names and their indices.
    ///   - allowRedeclaration: REPL mode, where a chunk may redeclare an earlier global.
    init(globals: GlobalScope, prelude: [String: Int], allowRedeclaration: Bool) {
        self.globals = globals
        self.prelude = prelude
        self.allowRedeclaration = allowRedeclaration
        for name in globals.names {
            if let i = globals.index(of: name), globals.values[i] != nil { initializedGlobals.insert(i) }
        }
    }

    /// Declares an existing, initialised global (for `check` against a session's names).
    mutating func predeclare(_ name: String) {
        initializedGlobals.insert(globals.declare(name, mutable: true))
    }

    /// Resolves a top-level chunk and returns the size of its frame.
    mutating func resolveProgram(_ statements: [Stmt]) -> Int {
        let context = Context(isTopLevel: true)
        contexts = [context]
        context.scopes = [Scope()]
        declareGlobals(statements)
        for statement in statements { resolve(statement) }
        return context.nextSlot
    }

    // MARK: Declarations

    private mutating func declareGlobals(_ statements: [Stmt]) {
        for statement in statements {
            switch statement.kind {
            case .declaration(let mutable, let pattern, _):
                for binding in pattern.bindings { declareGlobal(binding, mutable: mutable) }
            case .function(let function):
                if let binding = function.binding {
                    declareGlobal(binding, mutable: false)
                    if let i = globals.index(of: binding.name) { initializedGlobals.insert(i) }
                }
            case .importModule(_, let binding):
                declareGlobal(binding, mutable: false)
            default:
                break
            }
        }
    }

    private mutating func declareGlobal(_ binding: Binding, mutable: Bool) {
        if let previous = globalDeclarations[binding.name], !allowRedeclaration {
            diagnostics.append(.duplicateDeclaration(binding.name, binding.span, previous: previous))
        }
        globalDeclarations[binding.name] = binding.span
        let index = globals.declare(binding.name, mutable: mutable)
        binding.resolution = .global(index: index)
    }

    private var context: Context { contexts[contexts.count - 1] }

    private var atGlobalScope: Bool { contexts.count == 1 && context.scopes.count == 1 }

    /// Declares a local in the innermost scope, or marks a pre-declared global initialised.
    private mutating func declare(_ binding: Binding, mutable: Bool) {
        if atGlobalScope {
            if case .global(let index) = binding.resolution { initializedGlobals.insert(index) }
            return
        }
        let context = self.context
        if let previous = context.scopes[context.scopes.count - 1].names[binding.name] {
            diagnostics.append(.duplicateDeclaration(binding.name, binding.span, previous: previous.span))
            binding.resolution = .local(slot: previous.slot)
            return
        }
        let slot = context.nextSlot
        context.nextSlot += 1
        context.scopes[context.scopes.count - 1].names[binding.name] = Local(slot: slot, mutable: mutable, span: binding.span)
        binding.resolution = .local(slot: slot)
    }

    private mutating func withScope(_ body: (inout Resolver) -> Void) {
        context.scopes.append(Scope())
        body(&self)
        context.scopes.removeLast()
    }

    // MARK: Lookup

    private enum Found {
        case local(Resolution, mutable: Bool)
        case global(Int, mutable: Bool)
        case prelude(Int)
        case missing
    }

    private func lookup(_ name: String) -> Found {
        for (depth, context) in contexts.reversed().enumerated() {
            let scopes = context.isTopLevel ? Array(context.scopes.dropFirst()) : context.scopes
            for scope in scopes.reversed() {
                if let local = scope.names[name] {
                    let resolution: Resolution = depth == 0 ? .local(slot: local.slot) : .captured(depth: depth, slot: local.slot)
                    return .local(resolution, mutable: local.mutable)
                }
            }
        }
        if let index = globals.index(of: name) { return .global(index, mutable: globals.mutable[index]) }
        if let index = prelude[name] { return .prelude(index) }
        return .missing
    }

    /// Every name visible here, for "did you mean" hints.
    private func visibleNames() -> [String] {
        var names = globals.names + Array(prelude.keys)
        for context in contexts {
            for scope in context.scopes { names += scope.names.keys }
        }
        return names
    }

    private mutating func resolveUse(_ ref: NameRef) {
        switch lookup(ref.name) {
        case .local(let resolution, _):
            ref.resolution = resolution
        case .global(let index, _):
            ref.resolution = .global(index: index)
            if contexts.count == 1 && !initializedGlobals.contains(index) {
                diagnostics.append(.usedBeforeDeclaration(ref.name, ref.span))
            }
        case .prelude(let index):
            ref.resolution = .prelude(index: index)
        case .missing:
            diagnostics.append(.undeclaredName(ref.name, ref.span, hint: Suggestions.didYouMean(ref.name, in: visibleNames())))
        }
    }

    private mutating func resolveAssignment(_ ref: NameRef) {
        resolveUse(ref)
        switch lookup(ref.name) {
        case .local(_, let mutable), .global(_, let mutable):
            if !mutable { diagnostics.append(.assignmentToConstant(ref.name, ref.span)) }
        case .prelude:
            diagnostics.append(.assignmentToBuiltin(ref.name, ref.span))
        case .missing:
            break
        }
    }

    // MARK: Statements

    private mutating func resolve(_ statement: Stmt) {
        switch statement.kind {
        case .expression(let expression):
            resolve(expression)
        case .declaration(let mutable, let pattern, let value):
            resolve(value)
            for binding in pattern.bindings { declare(binding, mutable: mutable) }
        case .function(let function):
            if let binding = function.binding, !atGlobalScope, binding.resolution == .unresolved {
                declare(binding, mutable: false)
            }
            resolveFunction(function)
        case .assign(let targets, _, let value):
            resolve(value)
            for target in targets {
                switch target.kind {
                case .name(let ref): resolveAssignment(ref)
                default: resolve(target)
                }
            }
        case .whileLoop(let condition, let body):
            resolve(condition)
            context.loopDepth += 1
            resolveBlock(body)
            context.loopDepth -= 1
        case .forLoop(let pattern, let sequence, let body):
            resolve(sequence)
            context.loopDepth += 1
            withScope { resolver in
                for binding in pattern.bindings { resolver.declare(binding, mutable: true) }
                resolver.resolveBlock(body)
            }
            context.loopDepth -= 1
        case .breakLoop:
            if context.loopDepth == 0 { diagnostics.append(.outsideLoop("break", statement.span)) }
        case .continueLoop:
            if context.loopDepth == 0 { diagnostics.append(.outsideLoop("continue", statement.span)) }
        case .returnValue(let value):
            if context.isTopLevel { diagnostics.append(.returnOutsideFunction(statement.span)) }
            if let value { resolve(value) }
        case .importModule(_, let binding):
            if !atGlobalScope {
                diagnostics.append(.importNotAtTopLevel(statement.span))
                declare(binding, mutable: false)
            } else if case .global(let index) = binding.resolution {
                initializedGlobals.insert(index)
            }
        }
    }

    /// Resolves a block in a new scope; `fn` declarations are hoisted to its start.
    private mutating func resolveBlock(_ block: Block) {
        withScope { resolver in resolver.resolveStatements(block.statements) }
    }

    private mutating func resolveStatements(_ statements: [Stmt]) {
        if !atGlobalScope {
            for statement in statements {
                if case .function(let function) = statement.kind, let binding = function.binding {
                    declare(binding, mutable: false)
                }
            }
        }
        for statement in statements { resolve(statement) }
    }

    private mutating func resolveFunction(_ function: FunctionDecl) {
        let inner = Context(isTopLevel: false)
        contexts.append(inner)
        inner.scopes = [Scope()]
        // Parameter i lives in slot i; a default runs in the callee's frame and sees the
        // parameters before it.
        for parameter in function.parameters {
            if let value = parameter.defaultValue { resolve(value) }
            let binding = parameter.binding
            let slot = inner.nextSlot
            inner.nextSlot += 1
            binding.resolution = .local(slot: slot)
            if let previous = inner.scopes[0].names[binding.name] {
                diagnostics.append(.duplicateParameter(binding.name, binding.span, previous: previous.span))
            } else {
                inner.scopes[0].names[binding.name] = Local(slot: slot, mutable: true, span: binding.span)
            }
        }
        resolveStatements(function.body.statements)
        function.frameSize = inner.nextSlot
        contexts.removeLast()
    }

    // MARK: Expressions

    private mutating func resolve(_ expression: Expr) {
        switch expression.kind {
        case .literal:
            break
        case .interpolated(let pieces):
            for case .expression(let inner, _) in pieces { resolve(inner) }
        case .name(let ref):
            resolveUse(ref)
        case .list(let items), .tuple(let items):
            for item in items { resolve(item) }
        case .dict(let entries):
            for (key, value) in entries {
                resolve(key)
                resolve(value)
            }
        case .unary(_, let operand):
            resolve(operand)
        case .binary(_, let left, let right), .and(let left, let right), .or(let left, let right),
            .notIn(let left, let right), .range(let left, let right, _):
            resolve(left)
            resolve(right)
        case .call(let callee, let arguments):
            resolve(callee)
            for argument in arguments { resolve(argument.value) }
        case .member(let object, _, _):
            resolve(object)
        case .index(let object, let items):
            resolve(object)
            for item in items {
                switch item {
                case .expression(let e): resolve(e)
                case .slice(let a, let b, let c):
                    for part in [a, b, c] { if let part { resolve(part) } }
                case .ellipsis: break
                }
            }
        case .function(let function):
            resolveFunction(function)
        case .ifElse(let branches, let elseBlock):
            for (condition, body) in branches {
                resolve(condition)
                resolveBlock(body)
            }
            if let elseBlock { resolveBlock(elseBlock) }
        case .tryCatch(let body, let binding, let handler):
            resolveBlock(body)
            withScope { resolver in
                if let binding { resolver.declare(binding, mutable: true) }
                resolver.resolveStatements(handler.statements)
            }
        }
    }
}
