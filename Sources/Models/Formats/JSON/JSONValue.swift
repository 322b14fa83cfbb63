/// A parsed JSON value that keeps object keys in file order.
///
/// The Hugging Face formats need three things Foundation's `JSONSerialization` does not
/// give: the order of keys (safetensors headers, tokenizer vocabularies), exact 64-bit
/// integers (tensor offsets) and the detection of duplicate keys (a malformed header).
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    /// An integer literal (no fraction, no exponent) that fits in `Int64`.
    case int(Int64)
    /// Any other number.
    case double(Double)
    case string(String)
    case array([JSONValue])
    /// Key/value pairs in file order. Keys are unique when produced by `JSONParser`.
    case object(JSONObject)

    /// The value as a string, or nil.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as an integer (integral doubles included), or nil.
    public var intValue: Int? {
        switch self {
        case .int(let i): return Int(exactly: i)
        case .double(let d): return d.rounded() == d ? Int(exactly: d) : nil
        default: return nil
        }
    }

    /// The value as a double (integers included), or nil.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value as a boolean, or nil.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as an array, or nil.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The value as an object, or nil.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// Whether the value is `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// A short name of the value's kind, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member lookup on objects; nil for other kinds or a missing key.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

/// A JSON object: key/value pairs in file order with O(1) lookup by key.
public struct JSONObject: Equatable, Sendable {
    /// The pairs, in file (or insertion) order.
    public private(set) var pairs: [(key: String, value: JSONValue)]
    private var index: [String: Int]

    /// An empty object.
    public init() {
        pairs = []
        index = [:]
    }

    /// An object from pairs; a later duplicate key replaces the earlier value in place.
    public init(_ pairs: [(String, JSONValue)]) {
        self.init()
        for (key, value) in pairs { self[key] = value }
    }

    /// The keys in order.
    public var keys: [String] { pairs.map(\.key) }

    /// The number of members.
    public var count: Int { pairs.count }

    /// Whether a key is present.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// The value for a key; setting appends a new key or replaces in place, nil removes.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { pairs[$0].value } }
        set {
            if let position = index[key] {
                if let newValue {
                    pairs[position].value = newValue
                } else {
                    pairs.remove(at: position)
                    index = [:]
                    for (i, pair) in pairs.enumerated() { index[pair.key] = i }
                }
            } else if let newValue {
                index[key] = pairs.count
                pairs.append((key, newValue))
            }
        }
    }

    /// Appends a pair without checking for duplicates; returns false if the key existed.
    mutating func appendUnique(_ key: String, _ value: JSONValue) -> Bool {
        if index[key] != nil { return false }
        index[key] = pairs.count
        pairs.append((key, value))
        return true
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.pairs.count == rhs.pairs.count
            && zip(lhs.pairs, rhs.pairs).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
