// Calls, subscripts, assignments and loops.
extension Compiler {
    // MARK: Calls

    func compileCall(_ callee: Expr, _ arguments: [Argument], span: SourceSpan) -> Code {
        let positionalArguments = arguments.filter { $0.label == nil }
        let positional = positionalArguments.map { CodeBox(run: compile($0.value)) }
        let labelled = arguments.compactMap { argument in argument.label.map { LabelledCode(label: $0, code: compile(argument.value)) } }
        if case .member(let objectExpr, let name, _) = callee.kind {
            if labelled.isEmpty, let intrinsic = compileIntrinsic(objectExpr, name, positionalArguments.map(\.value), span: span) {
                return intrinsic
            }
            let object = compile(objectExpr)
            let cache = MethodCache()
            return { [unowned(unsafe) interpreter] f in
                let receiver = try object(f)
                var values: [Value] = []
                values.reserveCapacity(positional.count)
                for code in positional { values.append(try code.run(f)) }
                var labels: [(String, Value)] = []
                for entry in labelled { labels.append((entry.label, try entry.code(f))) }
                if let method = cache.lookup(receiver, name, interpreter) {
                    return try interpreter.callBuiltin(method, receiver: receiver, values, labelled: labels, span: span)
                }
                return try interpreter.callMethod(receiver, name, values, labelled: labels, span: span)
            }
        }
        let calleeCode = compile(callee)
        guard labelled.isEmpty else {
            return { [unowned(unsafe) interpreter] f in
                let function = try calleeCode(f)
                var values: [Value] = []
                for code in positional { values.append(try code.run(f)) }
                var labels: [(String, Value)] = []
                for entry in labelled { labels.append((entry.label, try entry.code(f))) }
                return try interpreter.callValue(function, values, labelled: labels, span: span)
            }
        }
        // Positional-only calls of closures with exactly that many parameters write the
        // arguments straight into the callee's frame.
        switch positional.count {
        case 0:
            return { [unowned(unsafe) interpreter] f in
                let function = try calleeCode(f)
                if case .function(let fn) = function, fn.code.positionalArity == 0 {
                    return try interpreter.invoke(fn, Frame.make(size: fn.code.frameSize, parent: fn.parent), span)
                }
                return try interpreter.callValue(function, [], labelled: [], span: span)
            }
        case 1:
            let a0 = compile(positionalArguments[0].value)
            return { [unowned(unsafe) interpreter] f in
                let function = try calleeCode(f)
                let v0 = try a0(f)
                if case .function(let fn) = function, fn.code.positionalArity == 1 {
                    let frame = Frame.make(size: fn.code.frameSize, parent: fn.parent)
                    frame[0] = v0
                    return try interpreter.invoke(fn, frame, span)
                }
                return try interpreter.callValue(function, [v0], labelled: [], span: span)
            }
        case 2:
            let a0 = compile(positionalArguments[0].value), a1 = compile(positionalArguments[1].value)
            return { [unowned(unsafe) interpreter] f in
                let function = try calleeCode(f)
                let v0 = try a0(f), v1 = try a1(f)
                if case .function(let fn) = function, fn.code.positionalArity == 2 {
                    let frame = Frame.make(size: fn.code.frameSize, parent: fn.parent)
                    frame[0] = v0
                    frame[1] = v1
                    return try interpreter.invoke(fn, frame, span)
                }
                return try interpreter.callValue(function, [v0, v1], labelled: [], span: span)
            }
        default:
            return { [unowned(unsafe) interpreter] f in
                let function = try calleeCode(f)
                var values: [Value] = []
                values.reserveCapacity(positional.count)
                for code in positional { values.append(try code.run(f)) }
                return try interpreter.callValue(function, values, labelled: [], span: span)
            }
        }
    }

    /// Inline versions of the hottest core methods (`list.append(x)`, `dict.get(k, d)`),
    /// with the table's `Builtin` as the fallback for every other receiver. They behave
    /// exactly as the declared methods do; they only skip argument binding.
    func compileIntrinsic(_ objectExpr: Expr, _ name: String, _ arguments: [Expr], span: SourceSpan) -> Code? {
        let object = compile(objectExpr)
        let cache = MethodCache()
        switch (name, arguments.count) {
        case ("append", 1):
            let value = compile(arguments[0])
            return { [unowned(unsafe) interpreter] f in
                let receiver = try object(f)
                let v = try value(f)
                if case .list(let list) = receiver {
                    list.items.append(v)
                    return .nil
                }
                if let method = cache.lookup(receiver, name, interpreter) {
                    return try interpreter.callBuiltin(method, receiver: receiver, [v], labelled: [], span: span)
                }
                return try interpreter.callMethod(receiver, name, [v], labelled: [], span: span)
            }
        case ("get", 1), ("get", 2):
            let key = compile(arguments[0])
            var fallback: Code = { _ in .nil }
            if arguments.count == 2 { fallback = compile(arguments[1]) }
            let count = arguments.count
            return { [unowned(unsafe) interpreter] f in
                let receiver = try object(f)
                let k = try key(f)
                let d = try fallback(f)
                if case .dict(let dict) = receiver { return dict.get(k) ?? d }
                let values = count == 2 ? [k, d] : [k]
                if let method = cache.lookup(receiver, name, interpreter) {
                    return try interpreter.callBuiltin(method, receiver: receiver, values, labelled: [], span: span)
                }
                return try interpreter.callMethod(receiver, name, values, labelled: [], span: span)
            }
        default:
            return nil
        }
    }

    // MARK: Subscripts

    enum IndexCode {
        case value(Code)
        case slice(Code?, Code?, Code?, SourceSpan)
        case ellipsis
    }

    func compileIndexItems(_ items: [IndexItem]) -> [IndexCode] {
        items.map { item in
            switch item {
            case .expression(let e): return .value(compile(e))
            case .slice(let a, let b, let c):
                let spans = [a, b, c].compactMap { $0?.span }
                return .slice(a.map(compile), b.map(compile), c.map(compile), spans.first ?? SourceSpan(source: SourceID(rawValue: 0), start: .init(line: 0, column: 0), end: .init(line: 0, column: 0)))
            case .ellipsis: return .ellipsis
            }
        }
    }

    static func evaluate(_ items: [IndexCode], _ f: Frame) throws -> [IndexComponent] {
        try items.map { item in
            switch item {
            case .value(let code): return .value(try code(f))
            case .ellipsis: return .ellipsis
            case .slice(let a, let b, let c, let span):
                func bound(_ code: Code?) throws -> Int64? {
                    guard let code else { return nil }
                    let v = try code(f)
                    switch v {
                    case .nil: return nil
                    case .int(let i): return i
                    default: throw RuntimeError(.sliceBound(v.typeName, span))
                    }
                }
                return .slice(start: try bound(a), stop: try bound(b), step: try bound(c))
            }
        }
    }

    func compileIndex(_ object: Expr, _ items: [IndexItem], span: SourceSpan) -> Code {
        let objectCode = compile(object)
        if items.count == 1, case .expression(let indexExpr) = items[0] {
            let indexCode = compile(indexExpr)
            return { [unowned(unsafe) interpreter] f in
                let o = try objectCode(f), i = try indexCode(f)
                if case .list(let list) = o, case .int(let k) = i {
                    let n = Int64(list.items.count)
                    let j = k < 0 ? k + n : k
                    if j >= 0 && j < n { return list.items[Int(j)] }
                } else if case .dict(let dict) = o, let value = dict.get(i) {
                    return value
                }
                return try interpreter.getIndex(o, [.value(i)], span)
            }
        }
        let codes = compileIndexItems(items)
        return { [unowned(unsafe) interpreter] f in
            let o = try objectCode(f)
            return try interpreter.getIndex(o, try Compiler.evaluate(codes, f), span)
        }
    }

    // MARK: Assignment

    func compileAssignment(_ targets: [Expr], _ op: AssignOperator?, _ value: Expr, span: SourceSpan) -> Code {
        let valueCode = compile(value)
        if targets.count > 1 {
            let stores = targets.map { BinderBox(bind: compileStore($0)) }
            let count = targets.count
            return { f in
                let v = try valueCode(f)
                let elements: [Value]
                switch v {
                case .tuple(let t): elements = t
                case .list(let l): elements = l.items
                default: throw RuntimeError(.cannotDestructure(v.typeName, count, span))
                }
                guard elements.count == count else { throw RuntimeError(.destructureCount(expected: count, got: elements.count, span)) }
                for i in 0..<count { try stores[i].bind(f, elements[i]) }
                return .nil
            }
        }
        let target = targets[0]
        guard let op else {
            let store = compileStore(target)
            return { f in
                try store(f, try valueCode(f))
                return .nil
            }
        }
        // Compound assignment: read, combine, write. Fast path for int and float locals.
        let binary = op.binary
        if case .name(let ref) = target.kind, case .local(let slot) = ref.resolution {
            return { f in
                let b = try valueCode(f)
                let a = f[slot]
                switch (a, b, binary) {
                case (.int(let x), .int(let y), .add):
                    let (s, o) = x.addingReportingOverflow(y)
                    if !o {
                        f[slot] = .int(s)
                        return .nil
                    }
                case (.float(let x), .float(let y), .add):
                    f[slot] = .float(x + y)
                    return .nil
                default:
                    break
                }
                f[slot] = try Operators.binary(binary, a, b, span)
                return .nil
            }
        }
        switch target.kind {
        case .index(let objectExpr, let items):
            let objectCode = compile(objectExpr)
            let codes = compileIndexItems(items)
            return { [unowned(unsafe) interpreter] f in
                let o = try objectCode(f)
                let index = try Compiler.evaluate(codes, f)
                let current = try interpreter.getIndex(o, index, span)
                let updated = try Operators.binary(binary, current, try valueCode(f), span)
                try interpreter.setIndex(o, index, updated, span)
                return .nil
            }
        case .member(let objectExpr, let name, let nameSpan):
            let objectCode = compile(objectExpr)
            return { [unowned(unsafe) interpreter] f in
                let o = try objectCode(f)
                let current = try interpreter.getMember(o, name, nameSpan)
                let updated = try Operators.binary(binary, current, try valueCode(f), span)
                try interpreter.setMember(o, name, updated, nameSpan)
                return .nil
            }
        default:
            let read = compile(target)
            let store = compileStore(target)
            return { f in
                let updated = try Operators.binary(binary, try read(f), try valueCode(f), span)
                try store(f, updated)
                return .nil
            }
        }
    }

    /// Code that stores into an assignment target: a name, `x[i]` or `x.p`.
    func compileStore(_ target: Expr) -> (Frame, Value) throws -> Void {
        switch target.kind {
        case .name(let ref):
            return storer(ref.resolution)
        case .index(let objectExpr, let items):
            let objectCode = compile(objectExpr)
            let span = target.span
            if items.count == 1, case .expression(let indexExpr) = items[0] {
                let indexCode = compile(indexExpr)
                return { [unowned(unsafe) interpreter] f, v in
                    let o = try objectCode(f), i = try indexCode(f)
                    if case .dict(let dict) = o, dict.set(i, v) { return }
                    try interpreter.setIndex(o, [.value(i)], v, span)
                }
            }
            let codes = compileIndexItems(items)
            return { [unowned(unsafe) interpreter] f, v in
                let o = try objectCode(f)
                try interpreter.setIndex(o, try Compiler.evaluate(codes, f), v, span)
            }
        case .member(let objectExpr, let name, let nameSpan):
            let objectCode = compile(objectExpr)
            return { [unowned(unsafe) interpreter] f, v in
                try interpreter.setMember(try objectCode(f), name, v, nameSpan)
            }
        default:
            let span = target.span
            return { _, _ in throw RuntimeError(.invalidAssignmentTarget(span)) }
        }
    }

    // MARK: Loops

    func compileWhile(_ condition: Expr, _ body: Block, span: SourceSpan) -> Code {
        let test = compileCondition(condition)
        let bodyCode = compileBlock(body, statementLevel: true)
        let state = self.state
        return { f in
            while try test(f) {
                try state.tick(span)
                do {
                    _ = try bodyCode(f)
                } catch let control as ControlFlow {
                    if control.signal == .breakLoop { break }
                    if control.signal == .continueLoop { continue }
                    throw control
                }
                if f.signal != .none {
                    if f.signal == .breakLoop {
                        f.signal = .none
                        break
                    }
                    if f.signal == .continueLoop {
                        f.signal = .none
                        continue
                    }
                    return .nil
                }
            }
            return .nil
        }
    }

    func compileFor(_ pattern: Pattern, _ sequence: Expr, _ body: Block, span: SourceSpan) -> Code {
        let sequenceCode = compile(sequence)
        let bodyCode = compileBlock(body, statementLevel: true)
        let bind = compilePattern(pattern)
        var slot: Int?
        if case .name(let binding) = pattern, case .local(let s) = binding.resolution { slot = s }
        let state = self.state
        let sequenceSpan = sequence.span
        /// Runs the body once; false when the loop must stop.
        @inline(__always)
        func step(_ f: Frame) throws -> Bool {
            try state.tick(span)
            do {
                _ = try bodyCode(f)
            } catch let control as ControlFlow {
                if control.signal == .breakLoop { return false }
                if control.signal == .continueLoop { return true }
                throw control
            }
            if f.signal != .none {
                if f.signal == .returned { return false }
                let stop = f.signal == .breakLoop
                f.signal = .none
                return !stop
            }
            return true
        }
        return { [unowned(unsafe) interpreter] f in
            let sequence = try sequenceCode(f)
            switch sequence {
            case .range(let range):
                var i = range.lower
                while i < range.upper {
                    if let slot { f[slot] = .int(i) } else { try bind(f, .int(i)) }
                    guard try step(f) else { break }
                    i += 1
                }
            case .list(let list):
                var i = 0
                while i < list.items.count {
                    try bind(f, list.items[i])
                    guard try step(f) else { break }
                    i += 1
                }
            default:
                let iterator = try interpreter.makeIterator(sequence, sequenceSpan)
                while let value = try iterator.next() {
                    try bind(f, value)
                    guard try step(f) else { break }
                }
            }
            return .nil
        }
    }
}

/// A labelled argument's code (see `CodeBox`).
struct LabelledCode {
    let label: String
    let code: Code
}

/// A one-entry inline cache for a method call site: the receiver's kind (core type or host
/// type) and the method found for it, so repeated calls skip the table lookup.
final class MethodCache {
    private var key: ObjectIdentifier?
    private var kind: UInt8 = 0
    private var method: Builtin?

    private static func kind(of value: Value) -> UInt8 {
        switch value {
        case .list: return 1
        case .dict: return 2
        case .string: return 3
        case .tuple: return 4
        case .range: return 5
        case .host: return 6
        default: return 0
        }
    }

    func lookup(_ receiver: Value, _ name: String, _ interpreter: Interpreter) -> Builtin? {
        let kind = MethodCache.kind(of: receiver)
        guard kind != 0 else { return nil }
        var key: ObjectIdentifier?
        if case .host(let object) = receiver { key = ObjectIdentifier(object.hostType) }
        if kind == self.kind, key == self.key, let method { return method }
        let found = interpreter.method(of: receiver, named: name)
        if found != nil {
            self.kind = kind
            self.key = key
            self.method = found
        }
        return found
    }
}
