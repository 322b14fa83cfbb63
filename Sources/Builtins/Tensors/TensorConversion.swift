import Language
import Tensors

/// Conversions between language values and tensors: nested lists, shapes, dims, dtypes.
enum TensorConversion {
    /// The tensor inside a value, or a number as a 0-dim float32 tensor (so a number
    /// with a tensor broadcasts as in PyTorch); nil for anything else.
    static func tensor(from value: Value) -> Tensor? {
        switch value {
        case .host(let object): return (object as? TensorValue)?.tensor
        case .int(let number): return Tensor(Float(number))
        case .float(let number): return Tensor(Float(number))
        case .bool(let flag): return Tensor(flag ? 1 : 0)
        default: return nil
        }
    }

    /// A tensor from nested lists of numbers (or a single number), in `dtype` when given,
    /// else int64 when every element is an int and float32 otherwise (as torch.tensor).
    /// - Throws: `HostError` for a ragged list or a non-number element.
    static func tensor(fromNested value: Value, dtype: DType?, function: String) throws -> Tensor {
        // The shape follows the first element at each depth; every list must then match.
        var shape: [Int] = []
        var probe = value
        while let elements = items(of: probe) {
            shape.append(elements.count)
            guard let first = elements.first else { break }
            probe = first
        }
        var scalars: [Double] = []
        var allIntegers = true
        try collect(
            value, depth: 0, shape: shape, into: &scalars, allIntegers: &allIntegers,
            function: function)
        let chosen = dtype ?? (allIntegers && !scalars.isEmpty ? .int64 : .float32)
        if chosen.isFloatingPoint {
            return try Tensor(shape: shape, scalars: scalars.map(Float.init)).to(chosen)
        }
        return try Tensor(ids: scalars.map { Int($0) }, shape: shape, dtype: chosen)
    }

    /// The elements of a list or tuple value, nil for anything else.
    static func items(of value: Value) -> [Value]? {
        switch value {
        case .list(let list): return list.items
        case .tuple(let tuple): return tuple
        default: return nil
        }
    }

    private static func collect(
        _ value: Value, depth: Int, shape: [Int], into scalars: inout [Double],
        allIntegers: inout Bool, function: String
    ) throws {
        if let elements = items(of: value) {
            guard depth < shape.count, elements.count == shape[depth] else {
                let expected = depth < shape.count ? "\(shape[depth]) elements" : "a number"
                throw HostError(
                    "\(function): ragged nested list (expected \(expected) at depth \(depth), got a list of \(elements.count))"
                )
            }
            for item in elements {
                try collect(
                    item, depth: depth + 1, shape: shape, into: &scalars, allIntegers: &allIntegers,
                    function: function)
            }
            return
        }
        guard depth == shape.count else {
            throw HostError(
                "\(function): ragged nested list (expected a list of \(shape[depth]) at depth \(depth), got \(value.typeName))"
            )
        }
        switch value {
        case .int(let number): scalars.append(Double(number))
        case .float(let number):
            allIntegers = false
            scalars.append(number)
        case .bool(let flag): scalars.append(flag ? 1 : 0)
        case .host(let object) where object is TensorValue:
            throw HostError("\(function): a tensor inside a list; use stack to combine tensors")
        default:
            throw HostError("\(function): expected numbers in nested lists, got \(value.typeName)")
        }
    }

    /// A shape from `[2, 3]`, or from sizes given one by one (`zeros(2, 3)`).
    /// - Throws: the uniform bad-argument error when it is neither.
    static func shape(_ arguments: Arguments, _ name: String = "shape") throws -> [Int] {
        let value = arguments[name]
        let bad = arguments.badArgument(name, expected: "list of ints", got: value)
        switch value {
        case .list, .tuple:
            return try (items(of: value) ?? []).map { item in
                guard let size = integer(item) else { throw bad }
                return size
            }
        case .int(let size):
            return try [Int(size)]
                + arguments.rest.map { item in
                    guard let size = integer(item) else { throw bad }
                    return size
                }
        default:
            throw bad
        }
    }

    /// Ints from a list argument, or from one int (`sum(dim: 1)` and `sum(dim: [0, 1])`).
    static func ints(_ arguments: Arguments, _ name: String) throws -> [Int]? {
        let value = arguments[name]
        switch value {
        case .nil: return nil
        case .int(let number): return [Int(number)]
        case .list(let list):
            return try list.items.map { item in
                guard let number = integer(item) else {
                    throw arguments.badArgument(name, expected: "int or list of ints", got: value)
                }
                return number
            }
        default:
            throw arguments.badArgument(name, expected: "int or list of ints", got: value)
        }
    }

    /// The dtype named by the labelled argument `name`, or nil when absent.
    static func dtype(_ arguments: Arguments, _ name: String = "dtype") throws -> DType? {
        if case .nil = arguments[name] { return nil }
        if case .string(let text) = arguments[name], let dtype = DType(name: text) { return dtype }
        return try arguments.choice(name, DType.self)
    }

    /// Tensors from a list argument.
    static func tensors(_ arguments: Arguments, _ name: String) throws -> [Tensor] {
        let value = arguments[name]
        let items = try arguments.list(name)
        return try items.map { item in
            guard case .host(let object) = item, let tensor = (object as? TensorValue)?.tensor
            else {
                throw arguments.badArgument(name, expected: "list of tensors", got: value)
            }
            return tensor
        }
    }

    /// The number named `name`, or nil when the argument is nil.
    static func optionalDouble(_ arguments: Arguments, _ name: String) throws -> Double? {
        if case .nil = arguments[name] { return nil }
        return try arguments.double(name)
    }

    /// Whether a value is an int or a tensor of an integer dtype.
    static func isIntegral(_ value: Value) -> Bool {
        switch value {
        case .int: return true
        case .host(let object):
            return (object as? TensorValue).map { !$0.tensor.dtype.isFloatingPoint } ?? false
        default: return false
        }
    }

    static func integer(_ value: Value) -> Int? {
        if case .int(let number) = value { return Int(number) }
        return nil
    }

    /// The elements of a tensor as nested lists (a number for a 0-dim tensor).
    static func nestedList(_ tensor: Tensor) -> Value {
        let integral = !tensor.dtype.isFloatingPoint
        let floats = integral ? [] : tensor.toFloatArray()
        let ints = integral ? tensor.toIntArray() : []
        func element(_ index: Int) -> Value {
            integral ? .int(ints[index]) : .float(Double(floats[index]))
        }
        func build(_ dim: Int, _ offset: Int) -> (Value, Int) {
            if dim == tensor.rank { return (element(offset), offset + 1) }
            var items: [Value] = []
            var position = offset
            for _ in 0..<tensor.shape[dim] {
                let (item, next) = build(dim + 1, position)
                items.append(item)
                position = next
            }
            return (.list(items), position)
        }
        return build(0, 0).0
    }

    /// A one-element tensor's value as an int (integer dtypes) or a float.
    static func scalar(_ tensor: Tensor) throws -> Value {
        let value = try tensor.item()
        return tensor.dtype.isFloatingPoint ? .float(Double(value)) : .int(Int(value))
    }
}
