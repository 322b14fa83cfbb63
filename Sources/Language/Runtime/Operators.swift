import Foundation

/// The slow paths of the operators (the compiler inlines int and float fast paths).
/// Integer arithmetic raises on overflow; `/` always gives a float; `//` and `%` floor
/// (Python's rules, so `-7 // 2 == -4` and `-7 % 2 == 1`).
enum Operators {
    static func isComparison(_ op: BinaryOperator) -> Bool {
        switch op {
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual, .contains: return true
        default: return false
        }
    }

    @inline(__always)
    static func compareInts(_ op: BinaryOperator, _ x: Int64, _ y: Int64) -> Bool {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        default: return false
        }
    }

    @inline(__always)
    static func compareDoubles(_ op: BinaryOperator, _ x: Double, _ y: Double) -> Bool {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        case .greaterEqual: return x >= y
        case .equal: return x == y
        case .notEqual: return x != y
        default: return false
        }
    }

    /// A comparison as a Bool (host results are tested for truth).
    static func compare(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: SourceSpan) throws -> Bool {
        switch op {
        case .equal, .notEqual:
            if case .host = a { return try binary(op, a, b, span).isTruthy }
            if case .host = b { return try binary(op, a, b, span).isTruthy }
            return (a == b) == (op == .equal)
        case .contains:
            return try contains(b, a, span).isTruthy
        default:
            if case .host = a { return try binary(op, a, b, span).isTruthy }
            if case .host = b { return try binary(op, a, b, span).isTruthy }
            let order = try Operators.order(a, b, op, span)
            switch op {
            case .less: return order < 0
            case .lessEqual: return order <= 0
            case .greater: return order > 0
            default: return order >= 0
            }
        }
    }

    /// -1, 0 or 1; numbers, strings, and lists or tuples element by element.
    static func order(_ a: Value, _ b: Value, _ op: BinaryOperator, _ span: SourceSpan) throws -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.string(let x), .string(let y)): return x < y ? -1 : x == y ? 0 : 1
        case (.list, .list), (.tuple, .tuple):
            let xs = Arguments.asList(a) ?? [], ys = Arguments.asList(b) ?? []
            for (x, y) in zip(xs, ys) {
                let o = try order(x, y, op, span)
                if o != 0 { return o }
            }
            return xs.count < ys.count ? -1 : xs.count == ys.count ? 0 : 1
        default:
            if let x = a.asDouble, let y = b.asDouble {
                if x.isNaN || y.isNaN { return 2 }
                return x < y ? -1 : x == y ? 0 : 1
            }
            throw RuntimeError(.unsupportedOperands(op.rawValue, a.typeName, b.typeName, span))
        }
    }

    /// `element in container`.
    static func contains(_ container: Value, _ element: Value, _ span: SourceSpan) throws -> Value {
        switch container {
        case .list(let list): return .bool(list.items.contains(element))
        case .tuple(let items): return .bool(items.contains(element))
        case .dict(let dict): return .bool(dict.get(element) != nil)
        case .string(let text):
            guard case .string(let part) = element else {
                throw RuntimeError(.unsupportedOperands("in", element.typeName, "string", span))
            }
            return .bool(part.isEmpty || text.contains(part))
        case .range(let range):
            guard case .int(let i) = element else { return .bool(false) }
            return .bool(i >= range.lower && i < range.upper)
        case .host:
            return try binary(.contains, element, container, span)
        default:
            throw RuntimeError(.notAContainer(container.typeName, span))
        }
    }

    static func unary(_ op: UnaryOperator, _ value: Value, _ span: SourceSpan) throws -> Value {
        switch (op, value) {
        case (.negate, .int(let i)):
            guard i != Int64.min else { throw RuntimeError(.integerOverflow(span)) }
            return .int(-i)
        case (.negate, .float(let x)): return .float(-x)
        case (.not, _): return .bool(!value.isTruthy)
        case (_, .host(let object)):
            if let result = try hostCall({ try object.hostType.unary?(op, object) }, span) { return result }
        default:
            break
        }
        throw RuntimeError(.unsupportedOperand(op.rawValue, value.typeName, span))
    }

    /// Runs host operator code, turning its Swift errors into runtime errors at `span`.
    static func hostCall<T>(_ body: () throws -> T, _ span: SourceSpan) throws -> T {
        do {
            return try body()
        } catch {
            throw Interpreter.raised(error, at: span)
        }
    }

    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: SourceSpan) throws -> Value {
        if case .host(let object) = a, let handler = object.hostType.binary,
            let result = try hostCall({ try handler(op, a, b) }, span)
        {
            return result
        }
        if case .host(let object) = b, let handler = object.hostType.binary,
            let result = try hostCall({ try handler(op, a, b) }, span)
        {
            return result
        }
        let involvesHost: Bool
        switch (a, b) {
        case (.host, _), (_, .host): involvesHost = true
        default: involvesHost = false
        }
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .contains:
            if case .host = b { break }
            return try contains(b, a, span)
        case .less, .lessEqual, .greater, .greaterEqual:
            if involvesHost { break }
            return .bool(try compare(op, a, b, span))
        default:
            if let result = try arithmetic(op, a, b, span) { return result }
        }
        throw RuntimeError(.unsupportedOperands(op.rawValue, a.typeName, b.typeName, span))
    }

    private static func arithmetic(_ op: BinaryOperator, _ a: Value, _ b: Value, _ span: SourceSpan) throws -> Value? {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            return try integer(op, x, y, span)
        case (.int, .float), (.float, .int), (.float, .float):
            guard let x = a.asDouble, let y = b.asDouble else { return nil }
            return try floating(op, x, y, span)
        case (.string(let x), .string(let y)) where op == .add:
            return .string(x + y)
        case (.string(let x), .int(let n)) where op == .multiply:
            return .string(String(repeating: x, count: try repeatCount(n, x.count, span)))
        case (.list(let x), .list(let y)) where op == .add:
            return .list(ListObject(x.items + y.items))
        case (.list(let x), .int(let n)) where op == .multiply:
            let count = try repeatCount(n, x.items.count, span)
            return .list(ListObject(Array([[Value]](repeating: x.items, count: count).joined())))
        case (.tuple(let x), .tuple(let y)) where op == .add:
            return .tuple(x + y)
        case (.dict(let x), .dict(let y)) where op == .add:
            let merged = x.copy()
            for (k, v) in y.entries { merged.set(k, v) }
            return .dict(merged)
        default:
            return nil
        }
    }

    private static func repeatCount(_ n: Int64, _ length: Int, _ span: SourceSpan) throws -> Int {
        let count = max(0, Int(n))
        guard count.multipliedReportingOverflow(by: max(length, 1)).partialValue <= Interpreter.maxMaterialized, count <= Interpreter.maxMaterialized else {
            throw RuntimeError(.tooLarge(span))
        }
        return count
    }

    private static func integer(_ op: BinaryOperator, _ x: Int64, _ y: Int64, _ span: SourceSpan) throws -> Value? {
        func checked(_ result: (partialValue: Int64, overflow: Bool)) throws -> Value {
            if result.overflow { throw RuntimeError(.integerOverflow(span)) }
            return .int(result.partialValue)
        }
        switch op {
        case .add: return try checked(x.addingReportingOverflow(y))
        case .subtract: return try checked(x.subtractingReportingOverflow(y))
        case .multiply: return try checked(x.multipliedReportingOverflow(by: y))
        case .divide:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            return .float(Double(x) / Double(y))
        case .floorDivide:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            if x == Int64.min && y == -1 { throw RuntimeError(.integerOverflow(span)) }
            let q = x / y
            return .int((x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q)
        case .modulo:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            if y == -1 { return .int(0) }
            let r = x % y
            return .int((r != 0 && ((r < 0) != (y < 0))) ? r + y : r)
        case .power:
            if y < 0 { return .float(pow(Double(x), Double(y))) }
            var result: Int64 = 1, base = x, exponent = y
            while exponent > 0 {
                if exponent & 1 == 1 { result = try checkedInt(result.multipliedReportingOverflow(by: base), span) }
                exponent >>= 1
                if exponent > 0 { base = try checkedInt(base.multipliedReportingOverflow(by: base), span) }
            }
            return .int(result)
        default:
            return nil
        }
    }

    private static func checkedInt(_ result: (partialValue: Int64, overflow: Bool), _ span: SourceSpan) throws -> Int64 {
        if result.overflow { throw RuntimeError(.integerOverflow(span)) }
        return result.partialValue
    }

    private static func floating(_ op: BinaryOperator, _ x: Double, _ y: Double, _ span: SourceSpan) throws -> Value? {
        switch op {
        case .add: return .float(x + y)
        case .subtract: return .float(x - y)
        case .multiply: return .float(x * y)
        case .divide:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            return .float(x / y)
        case .floorDivide:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            return .float((x / y).rounded(.down))
        case .modulo:
            guard y != 0 else { throw RuntimeError(.divisionByZero(span)) }
            let r = fmod(x, y)
            return .float((r != 0 && ((r < 0) != (y < 0))) ? r + y : r)
        case .power:
            return .float(pow(x, y))
        default:
            return nil
        }
    }
}
