/// A value of the language. Numbers, booleans and nil are stored inline, so arithmetic
/// never allocates; containers and functions are references.
public enum Value: @unchecked Sendable {
    /// The absent value.
    case `nil`
    /// `true` or `false`.
    case bool(Bool)
    /// A 64-bit integer; overflow is an error, never a wrap.
    case int(Int64)
    /// A double.
    case float(Double)
    /// An immutable string.
    case string(String)
    /// A mutable list, shared by reference.
    case list(ListObject)
    /// A mutable dict with insertion order, shared by reference.
    case dict(DictObject)
    /// An integer range `a..<b` or `a...b`.
    case range(RangeObject)
    /// An immutable tuple, as multiple returns produce.
    case tuple([Value])
    /// A function written in the language (a closure).
    case function(FunctionObject)
    /// A native function declared by the host or the core library.
    case builtin(Builtin)
    /// An imported module.
    case module(ModuleObject)
    /// An object of a host type (tensor, model ...), or an internal object such as an
    /// iterator, a bound method or an error.
    case host(any HostObject)
}

/// A list: a reference to a growable array of values.
public final class ListObject: @unchecked Sendable {
    /// The elements.
    public var items: [Value]
    /// Creates a list.
    public init(_ items: [Value] = []) { self.items = items }
}

/// An integer range with a step of one; `a...b` is stored as `a..<b+1` and remembers
/// how it was written, for printing.
public final class RangeObject: @unchecked Sendable {
    /// First element.
    public let lower: Int64
    /// One past the last element.
    public let upper: Int64
    /// True for `a...b`.
    public let inclusive: Bool
    /// Creates a range from its bounds as written.
    public init(lower: Int64, bound: Int64, inclusive: Bool) {
        self.lower = lower
        self.inclusive = inclusive
        if inclusive {
            self.upper = bound == Int64.max ? bound : bound + 1
        } else {
            self.upper = bound
        }
    }
    /// Number of elements (zero when the range is empty).
    public var count: Int64 { upper > lower ? upper &- lower : 0 }
}

/// A module: the globals of one imported file.
public final class ModuleObject: @unchecked Sendable {
    /// The module's name as imported.
    public let name: String
    /// The file it came from.
    public let path: String
    let globals: GlobalScope
    init(name: String, path: String, globals: GlobalScope) {
        self.name = name
        self.path = path
        self.globals = globals
    }
    /// The module's top-level names, in declaration order.
    public var memberNames: [String] { globals.names }
    /// A member by name, nil when absent or not yet initialised.
    public func member(_ name: String) -> Value? { globals.value(named: name) }
}

// MARK: Conveniences

extension Value {
    /// Wraps a Swift `Int`.
    public static func int(_ value: Int) -> Value { .int(Int64(value)) }
    /// Makes a new list value.
    public static func list(_ items: [Value]) -> Value { .list(ListObject(items)) }
    /// Makes a new dict value from string-keyed pairs, in order.
    public static func dict(_ pairs: [(String, Value)]) -> Value {
        let dict = DictObject()
        for (key, value) in pairs { dict.set(.string(key), value) }
        return .dict(dict)
    }

    /// The name of the value's type as `type(x)` prints it.
    public var typeName: String {
        switch self {
        case .nil: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "list"
        case .dict: return "dict"
        case .range: return "range"
        case .tuple: return "tuple"
        case .function, .builtin: return "function"
        case .module: return "module"
        case .host(let object): return object.hostType.name
        }
    }

    /// Truthiness: nil, false, zero, and empty strings, lists, dicts, tuples and ranges
    /// are false; everything else is true (as in Python).
    public var isTruthy: Bool {
        switch self {
        case .nil: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .float(let f): return f != 0
        case .string(let s): return !s.isEmpty
        case .list(let l): return !l.items.isEmpty
        case .dict(let d): return d.count > 0
        case .tuple(let t): return !t.isEmpty
        case .range(let r): return r.count > 0
        case .function, .builtin, .module: return true
        case .host(let object): return object.hostType.truthiness?(object) ?? true
        }
    }

    /// The number as a double, for ints and floats.
    public var asDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .float(let f): return f
        default: return nil
        }
    }

    /// The host object, when the value is one of type `T`.
    public func host<T: HostObject>(as type: T.Type) -> T? {
        if case .host(let object) = self { return object as? T }
        return nil
    }
}
