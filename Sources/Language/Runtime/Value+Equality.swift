/// Equality and hashing: numbers compare by value across int and float (`1 == 1.0`),
/// containers structurally, functions and host objects by identity; `bool` is not a number.
extension Value: Equatable {
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.nil, .nil): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.float(let x), .float(let y)): return x == y
        case (.int(let x), .float(let y)): return Double(x) == y
        case (.float(let x), .int(let y)): return x == Double(y)
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)): return x === y || x.items == y.items
        case (.tuple(let x), .tuple(let y)): return x == y
        case (.dict(let x), .dict(let y)): return x === y || x.isEqual(to: y)
        case (.range(let x), .range(let y)): return x.lower == y.lower && x.upper == y.upper
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x === y
        case (.module(let x), .module(let y)): return x === y
        case (.host(let x), .host(let y)):
            if x === y { return true }
            return x.hostType.equality?(x, y) ?? false
        default: return false
        }
    }
}

/// A value usable as a dict key: nil, bools, numbers, strings, tuples of those, and
/// identity-compared objects. Lists and dicts are not hashable.
public struct HashKey: Hashable, @unchecked Sendable {
    /// The wrapped value.
    public let value: Value

    /// Wraps a hashable value; nil for lists, dicts and tuples containing them.
    public init?(_ value: Value) {
        guard HashKey.isHashable(value) else { return nil }
        self.value = value
    }

    static func isHashable(_ value: Value) -> Bool {
        switch value {
        case .list, .dict: return false
        case .tuple(let items): return items.allSatisfy(isHashable)
        default: return true
        }
    }

    public static func == (a: HashKey, b: HashKey) -> Bool { a.value == b.value }

    public func hash(into hasher: inout Hasher) {
        HashKey.hash(value, into: &hasher)
    }

    static func hash(_ value: Value, into hasher: inout Hasher) {
        switch value {
        case .nil: hasher.combine(0)
        case .bool(let b): hasher.combine(b)
        case .int(let i): hasher.combine(i)
        case .float(let f):
            if f == f.rounded(), let i = Int64(exactly: f) { hasher.combine(i) } else { hasher.combine(f) }
        case .string(let s): hasher.combine(s)
        case .tuple(let items):
            hasher.combine(items.count)
            for item in items { hash(item, into: &hasher) }
        case .range(let r):
            hasher.combine(r.lower)
            hasher.combine(r.upper)
        case .list(let l): hasher.combine(ObjectIdentifier(l))
        case .dict(let d): hasher.combine(ObjectIdentifier(d))
        case .function(let f): hasher.combine(ObjectIdentifier(f))
        case .builtin(let b): hasher.combine(ObjectIdentifier(b))
        case .module(let m): hasher.combine(ObjectIdentifier(m))
        case .host(let h): hasher.combine(ObjectIdentifier(h))
        }
    }
}
