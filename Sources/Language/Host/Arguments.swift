/// The arguments of one builtin call, already bound to the signature: one value per
/// declared parameter (defaults filled in), the variadic tail, and the receiver for
/// methods. Typed accessors throw uniform errors (`luaL_argerror`):
/// `bad argument 'rank' to 'lora' (int expected, got string)`.
public struct Arguments {
    let builtin: Builtin
    /// The builtin's name, for error messages.
    public var function: String { builtin.name }
    /// The signature the values were bound to.
    public var signature: Signature { builtin.signature }
    /// One value per parameter in `signature.names` order.
    public let values: [Value]
    /// Extra positional arguments, when the signature is variadic.
    public let rest: [Value]
    /// The object a method was called on (`.nil` for plain functions).
    public let receiver: Value
    /// The interpreter running the call: use it to call functions passed as arguments.
    public let interpreter: Interpreter

    /// The value of parameter `index` (positional first, then labelled), `.nil` when out of range.
    public subscript(index: Int) -> Value { values.indices.contains(index) ? values[index] : .nil }

    /// The value of the parameter called `name`, `.nil` when there is none.
    public subscript(name: String) -> Value {
        guard let i = signature.names.firstIndex(of: name) else { return .nil }
        return values[i]
    }

    /// Calls a function value (a closure, builtin or callable host object) with arguments.
    /// - Throws: whatever the call raises, with its trace.
    public func call(_ callee: Value, _ positional: [Value] = [], labelled: [(String, Value)] = []) throws -> Value {
        try interpreter.call(callee, positional, labelled: labelled)
    }

    // MARK: Typed accessors

    private func name(_ index: Int) -> String {
        let names = signature.names
        return names.indices.contains(index) ? names[index] : "#\(index + 1)"
    }

    private func value(_ name: String) throws -> Value {
        guard let i = signature.names.firstIndex(of: name) else {
            throw HostError("builtin '\(function)' has no parameter '\(name)'")
        }
        return values[i]
    }

    /// The error every accessor throws on a type mismatch.
    public func badArgument(_ name: String, expected: String, got value: Value) -> HostError {
        HostError("bad argument '\(name)' to '\(function)' (\(expected) expected, got \(value.typeName))")
    }

    private func typed<T>(_ value: Value, _ name: String, _ expected: String, _ convert: (Value) -> T?) throws -> T {
        guard let result = convert(value) else { throw badArgument(name, expected: expected, got: value) }
        return result
    }

    static func asInt(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return Int(i)
        case .float(let f) where f == f.rounded() && abs(f) < 9e15: return Int(f)
        default: return nil
        }
    }
    static func asString(_ v: Value) -> String? { if case .string(let s) = v { return s } else { return nil } }
    static func asBool(_ v: Value) -> Bool? { if case .bool(let b) = v { return b } else { return nil } }
    static func asList(_ v: Value) -> [Value]? {
        switch v {
        case .list(let l): return l.items
        case .tuple(let t): return t
        default: return nil
        }
    }

    /// The int at `index` (an integral float is accepted).
    public func int(_ index: Int) throws -> Int { try typed(self[index], name(index), "int", Arguments.asInt) }
    /// The int named `name`; `default` when the argument is nil.
    public func int(_ name: String, default fallback: Int? = nil) throws -> Int {
        let v = try value(name)
        if case .nil = v, let fallback { return fallback }
        return try typed(v, name, "int", Arguments.asInt)
    }
    /// The int named `name`, or nil when the argument is nil.
    public func optionalInt(_ name: String) throws -> Int? {
        let v = try value(name)
        if case .nil = v { return nil }
        return try typed(v, name, "int", Arguments.asInt)
    }
    /// The number at `index` as a double (ints are accepted).
    public func double(_ index: Int) throws -> Double { try typed(self[index], name(index), "number", \.asDouble) }
    /// The number named `name` as a double; `default` when the argument is nil.
    public func double(_ name: String, default fallback: Double? = nil) throws -> Double {
        let v = try value(name)
        if case .nil = v, let fallback { return fallback }
        return try typed(v, name, "number", \.asDouble)
    }
    /// The string at `index`.
    public func string(_ index: Int) throws -> String { try typed(self[index], name(index), "string", Arguments.asString) }
    /// The string named `name`; `default` when the argument is nil.
    public func string(_ name: String, default fallback: String? = nil) throws -> String {
        let v = try value(name)
        if case .nil = v, let fallback { return fallback }
        return try typed(v, name, "string", Arguments.asString)
    }
    /// The string named `name`, or nil when the argument is nil.
    public func optionalString(_ name: String) throws -> String? {
        let v = try value(name)
        if case .nil = v { return nil }
        return try typed(v, name, "string", Arguments.asString)
    }
    /// The bool at `index`.
    public func bool(_ index: Int) throws -> Bool { try typed(self[index], name(index), "bool", Arguments.asBool) }
    /// The bool named `name`; `default` when the argument is nil.
    public func bool(_ name: String, default fallback: Bool? = nil) throws -> Bool {
        let v = try value(name)
        if case .nil = v, let fallback { return fallback }
        return try typed(v, name, "bool", Arguments.asBool)
    }
    /// The elements of the list (or tuple) at `index`.
    public func list(_ index: Int) throws -> [Value] { try typed(self[index], name(index), "list", Arguments.asList) }
    /// The elements of the list (or tuple) named `name`.
    public func list(_ name: String) throws -> [Value] { try typed(try value(name), name, "list", Arguments.asList) }
    /// The dict at `index`.
    public func dict(_ index: Int) throws -> DictObject {
        try typed(self[index], name(index), "dict") { if case .dict(let d) = $0 { return d } else { return nil } }
    }
    /// The host object of class `T` at `index`; `typeName` names it in the error.
    public func host<T: HostObject>(_ index: Int, as type: T.Type, _ typeName: String) throws -> T {
        try typed(self[index], name(index), typeName) { $0.host(as: T.self) }
    }
    /// The host object of class `T` named `name`.
    public func host<T: HostObject>(_ name: String, as type: T.Type, _ typeName: String) throws -> T {
        try typed(try value(name), name, typeName) { $0.host(as: T.self) }
    }
    /// The receiver of a method as class `T`.
    public func receiver<T: HostObject>(as type: T.Type) throws -> T {
        guard let object = receiver.host(as: T.self) else {
            throw HostError("'\(function)' called on \(receiver.typeName)")
        }
        return object
    }
    /// The callable (function, builtin or callable host object) at `index`.
    public func callable(_ index: Int) throws -> Value {
        let v = self[index]
        guard interpreter.isCallable(v) else { throw badArgument(name(index), expected: "function", got: v) }
        return v
    }
    /// Parses the string named `name` as a member of a closed set (an enum), with a
    /// "did you mean" hint on a miss (STYLE.md 16).
    public func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T where T.RawValue == String {
        let text = try string(name)
        if let result = T(rawValue: text) { return result }
        let options = T.allCases.map(\.rawValue)
        throw HostError(
            "bad argument '\(name)' to '\(function)' (one of \(options.joined(separator: ", ")) expected, got '\(text)')",
            hint: Suggestions.didYouMean(text, in: options))
    }
}
