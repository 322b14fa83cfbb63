/// One attribute value of an op application (a dim, a shape, an epsilon ...).
public enum OpAttribute: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case ints([Int])
    case float(Double)
    case bool(Bool)
    case string(String)

    /// The value as it appears in labels (`dim=1`, `shape=[2, 3]`).
    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .ints(let values): return "[" + values.map(String.init).joined(separator: ", ") + "]"
        case .float(let value): return OpAttribute.format(value)
        case .bool(let value): return value ? "True" : "False"
        case .string(let value): return value
        }
    }

    static func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}

/// The named attributes of one op application, readable by label, cost and backward.
public struct OpAttributes: Sendable, Equatable, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
{
    /// The attributes by name.
    public var values: [String: OpAttribute]

    /// Attributes from a dictionary literal: `["dim": .int(1), "keepdim": .bool(false)]`.
    public init(dictionaryLiteral elements: (String, OpAttribute)...) {
        values = Dictionary(elements, uniquingKeysWith: { _, last in last })
    }

    /// Attributes from a dictionary.
    public init(_ values: [String: OpAttribute]) { self.values = values }

    /// The attribute named `key`.
    public subscript(key: String) -> OpAttribute? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// An int attribute, or `defaultValue` when absent.
    public func int(_ key: String, default defaultValue: Int = 0) -> Int {
        if case .int(let value)? = values[key] { return value }
        return defaultValue
    }

    /// An int-list attribute, or `defaultValue` when absent.
    public func ints(_ key: String, default defaultValue: [Int] = []) -> [Int] {
        if case .ints(let value)? = values[key] { return value }
        return defaultValue
    }

    /// A float attribute (ints read as floats), or `defaultValue` when absent.
    public func float(_ key: String, default defaultValue: Double = 0) -> Double {
        switch values[key] {
        case .float(let value)?: return value
        case .int(let value)?: return Double(value)
        default: return defaultValue
        }
    }

    /// A bool attribute, or `defaultValue` when absent.
    public func bool(_ key: String, default defaultValue: Bool = false) -> Bool {
        if case .bool(let value)? = values[key] { return value }
        return defaultValue
    }

    /// A string attribute, or `defaultValue` when absent.
    public func string(_ key: String, default defaultValue: String = "") -> String {
        if case .string(let value)? = values[key] { return value }
        return defaultValue
    }

    /// `key=value` pairs sorted by key, comma-separated.
    public var description: String {
        values.keys.sorted().compactMap { key in values[key].map { "\(key)=\($0)" } }
            .joined(separator: ", ")
    }
}
