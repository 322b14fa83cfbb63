// Expressions: literals, names, operators, collections, `if`, `try`, strings.
extension Compiler {
    func compile(_ expression: Expr) -> Code {
        let span = expression.span
        switch expression.kind {
        case .literal(let value):
            return { _ in value }
        case .name(let ref):
            return compileName(ref)
        case .interpolated(let pieces):
            return compileInterpolation(pieces)
        case .list(let items):
            let codes = items.map { CodeBox(run: compile($0)) }
            return { f in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code.run(f)) }
                return .list(ListObject(values))
            }
        case .tuple(let items):
            let codes = items.map { CodeBox(run: compile($0)) }
            return { f in
                var values: [Value] = []
                values.reserveCapacity(codes.count)
                for code in codes { values.append(try code.run(f)) }
                return .tuple(values)
            }
        case .dict(let entries):
            let keys = entries.map { CodeBox(run: compile($0.0)) }
            let values = entries.map { CodeBox(run: compile($0.1)) }
            let spans = entries.map(\.0.span)
            return { f in
                let dict = DictObject()
                for i in keys.indices {
                    let k = try keys[i].run(f)
                    guard dict.set(k, try values[i].run(f)) else { throw RuntimeError(.unhashable(k.typeName, spans[i])) }
                }
                return .dict(dict)
            }
        case .unary(let op, let operand):
            let code = compile(operand)
            switch op {
            case .not:
                let condition = compileCondition(operand)
                return { f in .bool(!(try condition(f))) }
            case .negate:
                return { f in
                    let v = try code(f)
                    switch v {
                    case .int(let i) where i != Int64.min: return .int(-i)
                    case .float(let x): return .float(-x)
                    default: return try Operators.unary(.negate, v, span)
                    }
                }
            }
        case .binary(let op, let left, let right):
            return compileBinary(op, left, right, span: span)
        case .and(let left, let right):
            let l = compile(left), r = compile(right)
            return { f in
                let a = try l(f)
                return a.isTruthy ? try r(f) : a
            }
        case .or(let left, let right):
            let l = compile(left), r = compile(right)
            return { f in
                let a = try l(f)
                return a.isTruthy ? a : try r(f)
            }
        case .notIn(let left, let right):
            let l = compile(left), r = compile(right)
            return { f in
                let a = try l(f)
                return .bool(!(try Operators.contains(try r(f), a, span).isTruthy))
            }
        case .range(let lower, let upper, let inclusive):
            let l = compile(lower), u = compile(upper)
            return { f in
                let a = try l(f), b = try u(f)
                guard case .int(let x) = a, case .int(let y) = b else {
                    throw RuntimeError(.rangeBounds(a.typeName, b.typeName, span))
                }
                return .range(RangeObject(lower: x, bound: y, inclusive: inclusive))
            }
        case .call(let callee, let arguments):
            return compileCall(callee, arguments, span: span)
        case .member(let object, let name, let nameSpan):
            let code = compile(object)
            return { [unowned(unsafe) interpreter] f in
                try interpreter.getMember(try code(f), name, nameSpan)
            }
        case .index(let object, let items):
            return compileIndex(object, items, span: span)
        case .function(let function):
            return compileFunction(function)
        case .ifElse(let branches, let elseBlock):
            return compileIf(branches, elseBlock, statementLevel: false)
        case .tryCatch(let body, let binding, let handler):
            return compileTry(body, binding, handler, statementLevel: false)
        }
    }

    func compileName(_ ref: NameRef) -> Code {
        switch ref.resolution {
        case .local(let slot):
            return { f in f[slot] }
        case .captured(1, let slot):
            return { f in f.ancestor(1)[slot] }
        case .captured(let depth, let slot):
            return { f in f.ancestor(depth)[slot] }
        case .global(let index):
            let globals = self.globals
            let name = ref.name, span = ref.span
            return { _ in
                guard let value = globals.values[index] else { throw RuntimeError(.notYetDefined(name, span)) }
                return value
            }
        case .prelude(let index):
            let prelude = self.prelude
            return { _ in prelude[index] }
        case .unresolved:
            let name = ref.name, span = ref.span
            return { _ in throw RuntimeError(.undeclaredName(name, span, hint: nil)) }
        }
    }

    // MARK: Conditions

    /// Compiles an expression used as a condition straight to a `Bool`, so comparisons
    /// in `if` and `while` never box their result.
    func compileCondition(_ expression: Expr) -> (Frame) throws -> Bool {
        let span = expression.span
        switch expression.kind {
        case .literal(let value):
            let truth = value.isTruthy
            return { _ in truth }
        case .binary(let op, let left, let right) where Operators.isComparison(op):
            let l = compile(left), r = compile(right)
            if case .literal(.int(let k)) = right.kind {
                return { f in
                    let a = try l(f)
                    if case .int(let x) = a { return Operators.compareInts(op, x, k) }
                    return try Operators.compare(op, a, .int(k), span)
                }
            }
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.int(let x), .int(let y)): return Operators.compareInts(op, x, y)
                case (.float(let x), .float(let y)): return Operators.compareDoubles(op, x, y)
                default: return try Operators.compare(op, a, b, span)
                }
            }
        case .and(let left, let right):
            let l = compileCondition(left), r = compileCondition(right)
            return { f in try l(f) ? try r(f) : false }
        case .or(let left, let right):
            let l = compileCondition(left), r = compileCondition(right)
            return { f in try l(f) ? true : try r(f) }
        case .unary(.not, let operand):
            let c = compileCondition(operand)
            return { f in !(try c(f)) }
        default:
            let code = compile(expression)
            return { f in try code(f).isTruthy }
        }
    }

    // MARK: Operators

    func compileBinary(_ op: BinaryOperator, _ left: Expr, _ right: Expr, span: SourceSpan) -> Code {
        if Operators.isComparison(op) {
            if op == .equal || op == .notEqual || op == .contains {
                let l = compile(left), r = compile(right)
                return { f in
                    let a = try l(f), b = try r(f)
                    if case .host = a { return try Operators.binary(op, a, b, span) }
                    if case .host = b { return try Operators.binary(op, a, b, span) }
                    return .bool(try Operators.compare(op, a, b, span))
                }
            }
            let l = compile(left), r = compile(right)
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.int(let x), .int(let y)): return .bool(Operators.compareInts(op, x, y))
                case (.float(let x), .float(let y)): return .bool(Operators.compareDoubles(op, x, y))
                default: return try Operators.binary(op, a, b, span)
                }
            }
        }
        let l = compile(left), r = compile(right)
        if case .literal(let constant) = right.kind, case .int(let k) = constant {
            switch op {
            case .add:
                return { f in
                    let a = try l(f)
                    if case .int(let x) = a {
                        let (s, o) = x.addingReportingOverflow(k)
                        if !o { return .int(s) }
                    }
                    return try Operators.binary(op, a, constant, span)
                }
            case .subtract:
                return { f in
                    let a = try l(f)
                    if case .int(let x) = a {
                        let (s, o) = x.subtractingReportingOverflow(k)
                        if !o { return .int(s) }
                    }
                    return try Operators.binary(op, a, constant, span)
                }
            case .modulo where k > 0:
                return { f in
                    let a = try l(f)
                    if case .int(let x) = a {
                        let r = x % k
                        return .int(r < 0 ? r + k : r)
                    }
                    return try Operators.binary(op, a, constant, span)
                }
            case .floorDivide where k > 0:
                return { f in
                    let a = try l(f)
                    if case .int(let x) = a {
                        let q = x / k
                        return .int((x % k != 0 && x < 0) ? q - 1 : q)
                    }
                    return try Operators.binary(op, a, constant, span)
                }
            default:
                break
            }
        }
        switch op {
        case .add:
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.int(let x), .int(let y)):
                    let (s, o) = x.addingReportingOverflow(y)
                    if !o { return .int(s) }
                case (.float(let x), .float(let y)): return .float(x + y)
                case (.float(let x), .int(let y)): return .float(x + Double(y))
                case (.int(let x), .float(let y)): return .float(Double(x) + y)
                default: break
                }
                return try Operators.binary(op, a, b, span)
            }
        case .subtract:
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.int(let x), .int(let y)):
                    let (s, o) = x.subtractingReportingOverflow(y)
                    if !o { return .int(s) }
                case (.float(let x), .float(let y)): return .float(x - y)
                default: break
                }
                return try Operators.binary(op, a, b, span)
            }
        case .multiply:
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.int(let x), .int(let y)):
                    let (s, o) = x.multipliedReportingOverflow(by: y)
                    if !o { return .int(s) }
                case (.float(let x), .float(let y)): return .float(x * y)
                case (.float(let x), .int(let y)): return .float(x * Double(y))
                case (.int(let x), .float(let y)): return .float(Double(x) * y)
                default: break
                }
                return try Operators.binary(op, a, b, span)
            }
        case .divide:
            return { f in
                let a = try l(f), b = try r(f)
                switch (a, b) {
                case (.float(let x), .float(let y)) where y != 0: return .float(x / y)
                case (.float(let x), .int(let y)) where y != 0: return .float(x / Double(y))
                case (.int(let x), .float(let y)) where y != 0: return .float(Double(x) / y)
                default: break
                }
                return try Operators.binary(op, a, b, span)
            }
        default:
            return { f in try Operators.binary(op, try l(f), try r(f), span) }
        }
    }

    // MARK: If and try

    func compileIf(_ branches: [(Expr, Block)], _ elseBlock: Block?, statementLevel: Bool) -> Code {
        var otherwise: Code = { _ in .nil }
        if let elseBlock { otherwise = compileBlock(elseBlock, statementLevel: statementLevel) }
        if branches.count == 1 {
            let condition = compileCondition(branches[0].0)
            let body = compileBlock(branches[0].1, statementLevel: statementLevel)
            if elseBlock == nil {
                return { f in try condition(f) ? try body(f) : .nil }
            }
            return { f in try condition(f) ? try body(f) : try otherwise(f) }
        }
        let conditions = branches.map { ConditionBox(test: compileCondition($0.0)) }
        let bodies = branches.map { CodeBox(run: compileBlock($0.1, statementLevel: statementLevel)) }
        return { f in
            for i in 0..<conditions.count where try conditions[i].test(f) {
                return try bodies[i].run(f)
            }
            return try otherwise(f)
        }
    }

    func compileTry(_ body: Block, _ binding: Binding?, _ handler: Block, statementLevel: Bool) -> Code {
        let bodyCode = compileBlock(body, statementLevel: statementLevel)
        let handlerCode = compileBlock(handler, statementLevel: statementLevel)
        let store = binding.map { storer($0.resolution) }
        let state = self.state
        return { f in
            let depth = state.depth
            do {
                return try bodyCode(f)
            } catch let error as RuntimeError where error.isCatchable {
                state.depth = depth
                try store?(f, .host(ErrorObject(error.finished())))
                return try handlerCode(f)
            }
        }
    }

    // MARK: Strings

    func compileInterpolation(_ pieces: [InterpolationPiece]) -> Code {
        enum Piece {
            case text(String)
            case value(Code, String?, SourceSpan)
        }
        let compiled: [Piece] = pieces.map { piece in
            switch piece {
            case .text(let text): return .text(text)
            case .expression(let e, let format): return .value(compile(e), format, e.span)
            }
        }
        return { f in
            var result = ""
            for piece in compiled {
                switch piece {
                case .text(let text):
                    result += text
                case .value(let code, let format, let span):
                    let value = try code(f)
                    if let format {
                        do {
                            result += try Format.apply(format, to: value)
                        } catch let error as HostError {
                            throw RuntimeError(.hostError(error.message, span, hint: error.hint))
                        }
                    } else {
                        result += value.description
                    }
                }
            }
            return .string(result)
        }
    }
}
