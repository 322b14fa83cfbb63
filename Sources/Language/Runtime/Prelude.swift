/// The builtins visible to every module. Compiled code reads entries by index at run
/// time, so re-registering a builtin (Builtins extending `save`) takes effect everywhere.
final class Prelude {
    private(set) var values: [Value] = []
    private(set) var indexByName: [String: Int] = [:]

    var names: [String] { Array(indexByName.keys) }

    func set(_ name: String, _ value: Value) {
        if let i = indexByName[name] {
            values[i] = value
        } else {
            indexByName[name] = values.count
            values.append(value)
        }
    }

    func value(named name: String) -> Value? {
        indexByName[name].map { values[$0] }
    }

    @inline(__always)
    subscript(index: Int) -> Value { values[index] }
}
