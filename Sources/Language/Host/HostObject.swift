/// An object of a type the host defines (a tensor, a model ...). The interpreter never
/// looks at the concrete Swift type: everything it does with the object goes through
/// `hostType`, a table of properties, methods and operators (Lua's metatables).
public protocol HostObject: AnyObject {
    /// The type's table. Usually a `static let` of the conforming class.
    var hostType: HostType { get }
    /// A one-line summary, printed as the value (`Tensor([2, 3], f32)`).
    var summary: String { get }
}

extension HostObject {
    /// The default summary: `<TypeName>`.
    public var summary: String { "<\(hostType.name)>" }
}

/// One component of a subscript on a host object: `t[0, 1:3]`, `t[:, -1]`, `t[..., 0]`.
public enum IndexComponent: Sendable, Equatable {
    /// A plain index value (usually an int).
    case value(Value)
    /// `start:stop:step`, any part omitted.
    case slice(start: Int64?, stop: Int64?, step: Int64?)
    /// `...`
    case ellipsis
}

/// A pull iterator over values, as host types provide for `for x in obj`.
public struct ValueIterator {
    private let nextValue: () throws -> Value?
    /// Creates an iterator from a closure returning nil at the end.
    public init(_ next: @escaping () throws -> Value?) { self.nextValue = next }
    /// An iterator over an array.
    public init(_ values: [Value]) {
        var i = 0
        self.nextValue = {
            guard i < values.count else { return nil }
            defer { i += 1 }
            return values[i]
        }
    }
    /// The next value, or nil at the end.
    public func next() throws -> Value? { try nextValue() }
}

/// A property of a host type: a getter and an optional setter.
public struct HostProperty {
    /// The property's name.
    public let name: String
    /// One-line documentation.
    public let doc: String
    /// Reads the property.
    public let get: (any HostObject) throws -> Value
    /// Writes it; nil for read-only properties.
    public let set: ((any HostObject, Value) throws -> Void)?
}

/// The table of a host type: name, summary line, properties, methods and operators.
/// Register it with `Interpreter.register(_:)` so `help("Name")` finds it; objects carry
/// it through `HostObject.hostType`.
public final class HostType: @unchecked Sendable {
    /// The type name, as `type(x)` prints it.
    public let name: String
    /// One-line documentation.
    public let doc: String
    /// Properties in declaration order.
    public private(set) var properties: [HostProperty] = []
    /// Methods in declaration order; each is a `Builtin` whose `Arguments.receiver` is the object.
    public private(set) var methods: [Builtin] = []
    private var propertyIndex: [String: Int] = [:]
    private var methodIndex: [String: Int] = [:]

    /// `a op b` where either side is of this type; return nil when unsupported.
    public var binary: ((BinaryOperator, Value, Value) throws -> Value?)?
    /// `-x` and `not x`; return nil when unsupported.
    public var unary: ((UnaryOperator, any HostObject) throws -> Value?)?
    /// `x[...]`.
    public var getIndex: ((any HostObject, [IndexComponent]) throws -> Value)?
    /// `x[...] = v`.
    public var setIndex: ((any HostObject, [IndexComponent], Value) throws -> Void)?
    /// `for v in x`.
    public var iterate: ((any HostObject) throws -> ValueIterator)?
    /// `x(...)`: a builtin whose receiver is the object.
    public var call: Builtin?
    /// `len(x)`.
    public var length: ((any HostObject) throws -> Int)?
    /// `if x`; objects are true when absent.
    public var truthiness: ((any HostObject) -> Bool)?
    /// `a == b` between two objects of host types (identity when absent).
    public var equality: ((any HostObject, any HostObject) -> Bool)?

    /// Creates an empty table.
    public init(name: String, doc: String) {
        self.name = name
        self.doc = doc
    }

    /// Adds (or replaces) a property.
    public func property(
        _ name: String, doc: String, get: @escaping (any HostObject) throws -> Value,
        set: ((any HostObject, Value) throws -> Void)? = nil
    ) {
        let property = HostProperty(name: name, doc: doc, get: get, set: set)
        if let i = propertyIndex[name] {
            properties[i] = property
        } else {
            propertyIndex[name] = properties.count
            properties.append(property)
        }
    }

    /// Adds (or replaces) a method.
    public func method(_ builtin: Builtin) {
        if let i = methodIndex[builtin.name] {
            methods[i] = builtin
        } else {
            methodIndex[builtin.name] = methods.count
            methods.append(builtin)
        }
    }

    /// The property named `name`.
    public func property(named name: String) -> HostProperty? {
        propertyIndex[name].map { properties[$0] }
    }

    /// The method named `name`.
    public func method(named name: String) -> Builtin? {
        methodIndex[name].map { methods[$0] }
    }

    /// Property and method names, sorted, as `dir(x)` lists them.
    public var memberNames: [String] {
        (properties.map(\.name) + methods.map(\.name)).sorted()
    }
}

/// Casts a host object to the class a builtin expects, throwing a uniform error.
/// - Throws: `HostError` naming the expected and actual type.
public func cast<T: HostObject>(_ object: any HostObject, to type: T.Type, _ what: String = "receiver") throws -> T {
    guard let typed = object as? T else {
        throw HostError("bad \(what) (\(String(describing: T.self)) expected, got \(object.hostType.name))")
    }
    return typed
}
