import Foundation

// Calling closures, builtins, methods and callable host objects.
extension Interpreter {
    /// Runs a closure's body in a prepared frame: the step and depth checks, `return`,
    /// and the trace entry when an error leaves it.
    @inline(__always)
    func invoke(_ function: FunctionObject, _ frame: Frame, _ span: SourceSpan?) throws -> Value {
        let state = self.state
        if let span { try state.tick(span) }
        state.depth += 1
        defer { state.depth -= 1 }
        if state.depth > state.maxDepth {
            throw RuntimeError(.stackOverflow(state.maxDepth, span ?? function.code.span))
        }
        do {
            let value = try function.code.body(frame)
            if frame.signal == .returned { return frame.returnValue }
            return value
        } catch let control as ControlFlow {
            return control.value
        } catch var error as RuntimeError {
            if let span { error.leaving(function.code.name, calledAt: span) }
            throw error
        }
    }

    /// Calls any callable value with positional and labelled arguments.
    func callValue(_ callee: Value, _ positional: [Value], labelled: [(String, Value)], span: SourceSpan?) throws -> Value {
        switch callee {
        case .function(let function):
            let frame = try bindFunction(function, positional, labelled, span)
            return try invoke(function, frame, span)
        case .builtin(let builtin):
            return try callBuiltin(builtin, receiver: .nil, positional, labelled: labelled, span: span)
        case .host(let object):
            if let bound = object as? BoundMethod {
                return try callBuiltin(bound.method, receiver: bound.receiver, positional, labelled: labelled, span: span)
            }
            guard let call = object.hostType.call else { throw RuntimeError(.notCallable(callee.typeName, span)) }
            return try callBuiltin(call, receiver: callee, positional, labelled: labelled, span: span)
        default:
            throw RuntimeError(.notCallable(callee.typeName, span))
        }
    }

    /// Binds arguments to a closure's parameters in a new frame, running defaults.
    func bindFunction(_ function: FunctionObject, _ positional: [Value], _ labelled: [(String, Value)], _ span: SourceSpan?) throws -> Frame {
        let code = function.code
        let names = code.parameterNames
        let frame = Frame.make(size: code.frameSize, parent: function.parent)
        var filled = [Bool](repeating: false, count: names.count)
        guard positional.count <= names.count else {
            throw RuntimeError(.tooManyArguments(code.name, names.count, positional.count, span))
        }
        for (i, value) in positional.enumerated() {
            frame[i] = value
            filled[i] = true
        }
        for (label, value) in labelled {
            guard let i = names.firstIndex(of: label) else {
                throw RuntimeError(.unknownLabel(label, code.name, span, hint: Suggestions.didYouMean(label, in: names)))
            }
            if filled[i] { throw RuntimeError(.duplicateArgument(label, code.name, span)) }
            frame[i] = value
            filled[i] = true
        }
        for i in names.indices where !filled[i] {
            guard let defaultCode = code.defaults[i] else {
                throw RuntimeError(.missingArgument(names[i], code.name, span))
            }
            frame[i] = try defaultCode(frame)
        }
        return frame
    }

    /// Binds arguments to a builtin's signature and runs it; a Swift error it throws
    /// becomes a runtime error at the call's span.
    func callBuiltin(_ builtin: Builtin, receiver: Value, _ positional: [Value], labelled: [(String, Value)], span: SourceSpan?) throws -> Value {
        let signature = builtin.signature
        // Fast path: positional arguments only, no variadic tail.
        if labelled.isEmpty, signature.variadic == nil, positional.count >= signature.positional.count,
            positional.count <= signature.positional.count + signature.labelled.count
        {
            var bound = positional
            if bound.count < signature.positional.count + signature.labelled.count {
                for parameter in signature.labelled[(bound.count - signature.positional.count)...] {
                    bound.append(parameter.defaultValue)
                }
            }
            return try runBuiltin(builtin, receiver: receiver, bound: bound, rest: [], span: span)
        }
        let names = signature.names
        var values = [Value?](repeating: nil, count: names.count)
        var rest: [Value] = []
        let positionalCount = signature.positional.count
        for (i, value) in positional.enumerated() {
            if i < positionalCount {
                values[i] = value
            } else if signature.variadic != nil {
                rest.append(value)
            } else if i < names.count {
                values[i] = value
            } else {
                throw RuntimeError(.tooManyArguments(builtin.name, names.count, positional.count, span))
            }
        }
        for (label, value) in labelled {
            guard let i = names.firstIndex(of: label) else {
                throw RuntimeError(.unknownLabel(label, builtin.name, span, hint: Suggestions.didYouMean(label, in: names)))
            }
            if values[i] != nil { throw RuntimeError(.duplicateArgument(label, builtin.name, span)) }
            values[i] = value
        }
        var bound: [Value] = []
        bound.reserveCapacity(names.count)
        for i in names.indices {
            if let value = values[i] {
                bound.append(value)
            } else if i < positionalCount {
                throw RuntimeError(.missingArgument(names[i], builtin.name, span))
            } else {
                bound.append(signature.labelled[i - positionalCount].defaultValue)
            }
        }
        return try runBuiltin(builtin, receiver: receiver, bound: bound, rest: rest, span: span)
    }

    /// Runs a builtin on bound arguments; Swift errors become runtime errors at `span`.
    private func runBuiltin(_ builtin: Builtin, receiver: Value, bound: [Value], rest: [Value], span: SourceSpan?) throws -> Value {
        let arguments = Arguments(builtin: builtin, values: bound, rest: rest, receiver: receiver, interpreter: self)
        if let span { try state.tick(span) }
        do {
            return try builtin.body(arguments)
        } catch var error as RuntimeError {
            if error.diagnostic.span == nil || error.diagnostic.span?.source == Interpreter.noSpan.source {
                // Raised by core code that had no span: it belongs to this call.
                error.diagnostic.span = span
                error.pendingSpan = span
            } else if let span {
                error.leaving(builtin.name, calledAt: span)
            }
            throw error
        } catch {
            throw Interpreter.raised(error, at: span)
        }
    }

    /// The span given to errors raised by core code that has no span of its own; the
    /// builtin boundary replaces it with the call's span.
    static let noSpan = SourceSpan(source: SourceID(rawValue: -1), start: .init(line: 0, column: 0), end: .init(line: 0, column: 0))

    /// The message of a Swift error from host code: `errorDescription`, else `description`.
    static func message(of error: any Error) -> String {
        if let localized = error as? LocalizedError, let text = localized.errorDescription { return text }
        if let described = error as? CustomStringConvertible { return described.description }
        return String(describing: error)
    }

    // MARK: Methods and members

    /// `receiver.name(args)`: a method of the receiver's type, a module's function, or a
    /// callable property.
    func callMethod(_ receiver: Value, _ name: String, _ positional: [Value], labelled: [(String, Value)], span: SourceSpan) throws -> Value {
        if let method = method(of: receiver, named: name) {
            return try callBuiltin(method, receiver: receiver, positional, labelled: labelled, span: span)
        }
        let member = try getMember(receiver, name, span)
        return try callValue(member, positional, labelled: labelled, span: span)
    }

    /// The method table entry for `name` on `receiver`'s type.
    func method(of receiver: Value, named name: String) -> Builtin? {
        switch receiver {
        case .host(let object):
            return object.hostType.method(named: name) ?? CoreMethods.iterable[name].flatMap { object.hostType.iterate != nil ? $0 : nil }
        case .module:
            return nil
        default:
            return CoreMethods.table(for: receiver)?[name]
        }
    }

    /// Every member name of a value: properties and methods (for `dir` and completion).
    public func memberNames(of value: Value) -> [String] {
        switch value {
        case .host(let object):
            var names = object.hostType.memberNames
            if object.hostType.iterate != nil { names += CoreMethods.iterable.keys }
            return Array(Set(names)).sorted()
        case .module(let module):
            return module.memberNames.filter { module.member($0) != nil }.sorted()
        default:
            return (CoreMethods.table(for: value)?.keys).map { Array($0).sorted() } ?? []
        }
    }

    /// `value.name` as a value: a property, a module member, or a bound method.
    func getMember(_ value: Value, _ name: String, _ span: SourceSpan) throws -> Value {
        switch value {
        case .host(let object):
            if let property = object.hostType.property(named: name) {
                do {
                    return try property.get(object)
                } catch {
                    throw Interpreter.raised(error, at: span)
                }
            }
        case .module(let module):
            if let member = module.member(name) { return member }
            throw RuntimeError(.noModuleMember(module.name, name, span, hint: Suggestions.didYouMean(name, in: module.memberNames)))
        default:
            break
        }
        if let method = method(of: value, named: name) {
            return .host(BoundMethod(receiver: value, method: method))
        }
        throw RuntimeError(.noMember(value.typeName, name, span, hint: Suggestions.didYouMean(name, in: memberNames(of: value))))
    }

    /// `value.name = newValue` for host properties with setters.
    func setMember(_ value: Value, _ name: String, _ newValue: Value, _ span: SourceSpan) throws {
        guard case .host(let object) = value, let property = object.hostType.property(named: name) else {
            throw RuntimeError(.cannotSetMember(value.typeName, name, span))
        }
        guard let set = property.set else { throw RuntimeError(.readOnlyProperty(value.typeName, name, span)) }
        do {
            try set(object, newValue)
        } catch {
            throw Interpreter.raised(error, at: span)
        }
    }

    /// The parameter labels of a callable value, for completion inside a call.
    public func labels(of callee: Value) -> [String] {
        switch callee {
        case .function(let function): return function.code.parameterNames
        case .builtin(let builtin): return builtin.signature.names
        case .host(let object):
            if let bound = object as? BoundMethod { return bound.method.signature.names }
            return object.hostType.call?.signature.names ?? []
        default: return []
        }
    }
}
