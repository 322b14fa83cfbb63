/// A dict: hashable keys to values, iterated in insertion order.
public final class DictObject: @unchecked Sendable {
    private(set) var keyList: [Value] = []
    private(set) var valueList: [Value] = []
    private var index: [HashKey: Int] = [:]

    /// Creates an empty dict.
    public init() {}

    /// Number of entries.
    public var count: Int { keyList.count }
    /// The keys in insertion order.
    public var keys: [Value] { keyList }
    /// The values in insertion order.
    public var values: [Value] { valueList }
    /// The entries in insertion order.
    public var entries: [(key: Value, value: Value)] {
        (0..<keyList.count).map { (keyList[$0], valueList[$0]) }
    }

    /// The value for `key`, or nil when absent or unhashable.
    public func get(_ key: Value) -> Value? {
        guard let hashKey = HashKey(key), let i = index[hashKey] else { return nil }
        return valueList[i]
    }

    /// The value for a string key.
    public subscript(_ key: String) -> Value? { self.get(.string(key)) }

    /// Sets `key` to `value`; returns false (and changes nothing) when the key is unhashable.
    @discardableResult
    public func set(_ key: Value, _ value: Value) -> Bool {
        guard let hashKey = HashKey(key) else { return false }
        if let i = index[hashKey] {
            valueList[i] = value
        } else {
            index[hashKey] = keyList.count
            keyList.append(key)
            valueList.append(value)
        }
        return true
    }

    /// Removes `key`, returning its value. O(n): later entries shift down.
    @discardableResult
    public func remove(_ key: Value) -> Value? {
        guard let hashKey = HashKey(key), let i = index[hashKey] else { return nil }
        let value = valueList[i]
        keyList.remove(at: i)
        valueList.remove(at: i)
        index[hashKey] = nil
        for j in i..<keyList.count {
            if let k = HashKey(keyList[j]) { index[k] = j }
        }
        return value
    }

    /// Removes every entry.
    public func removeAll() {
        keyList = []
        valueList = []
        index = [:]
    }

    /// A shallow copy.
    public func copy() -> DictObject {
        let other = DictObject()
        other.keyList = keyList
        other.valueList = valueList
        other.index = index
        return other
    }

    func isEqual(to other: DictObject) -> Bool {
        guard count == other.count else { return false }
        for i in 0..<keyList.count {
            guard let v = other.get(keyList[i]), v == valueList[i] else { return false }
        }
        return true
    }
}
