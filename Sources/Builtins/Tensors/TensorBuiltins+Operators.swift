import Language
import Tensors

// MARK: Operators, indexing, iteration

extension TensorBuiltins {
    /// Fills the operator entries of the `Tensor` table.
    static func installOperators(on type: HostType) {
        type.binary = { op, left, right in try binary(op, left, right) }
        type.unary = { op, object in
            guard op == .negate else { return nil }
            return .tensor(try tensorOf(object).neg())
        }
        type.getIndex = { object, components in .tensor(try index(tensorOf(object), components)) }
        type.iterate = { object in
            let tensor = try tensorOf(object)
            guard tensor.rank > 0 else { throw HostError("cannot iterate over a 0-dim tensor") }
            var row = 0
            return ValueIterator {
                guard row < tensor.shape[0] else { return nil }
                defer { row += 1 }
                return .tensor(try tensor.select(dim: 0, index: row))
            }
        }
        type.length = { object in
            let tensor = try tensorOf(object)
            guard let first = tensor.shape.first else { throw HostError("len() of a 0-dim tensor") }
            return first
        }
        type.truthiness = { object in
            guard let tensor = (object as? TensorValue)?.tensor, tensor.count == 1 else { return true }
            return (try? tensor.item()).map { $0 != 0 } ?? true
        }
    }

    /// `a op b` where one side is a tensor and the other a tensor or a number, which
    /// broadcasts as a 0-dim tensor. Nil for operators tensors do not have (the
    /// interpreter then reports unsupported operand types).
    static func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value? {
        guard let lhs = TensorConversion.tensor(from: left), let rhs = TensorConversion.tensor(from: right) else {
            return nil
        }
        switch op {
        case .add: return .tensor(try lhs.add(rhs))
        case .subtract: return .tensor(try lhs.sub(rhs))
        case .multiply: return .tensor(try lhs.mul(rhs))
        case .divide: return .tensor(try lhs.div(rhs))
        case .matmul: return .tensor(try lhs.matmul(rhs))
        // Comparisons are elementwise, as in PyTorch (0/1 float tensors).
        case .equal: return .tensor(try lhs.eq(rhs))
        case .notEqual: return .tensor(try lhs.ne(rhs))
        case .less: return .tensor(try lhs.lt(rhs))
        case .lessEqual: return .tensor(try lhs.le(rhs))
        case .greater: return .tensor(try lhs.gt(rhs))
        case .greaterEqual: return .tensor(try lhs.ge(rhs))
        case .power:
            // A number exponent only: Tensors' pow takes a scalar.
            guard let exponent = right.asDouble else { return nil }
            return .tensor(try lhs.pow(Float(exponent)))
        default: return nil
        }
    }

    /// `t[0]`, `t[-1]`, `t[0, 1:3]`, `t[:, -1]`, `t[..., 0]`: ints select (dropping the
    /// dim), slices keep it, one `...` stands for every dim not named.
    /// - Throws: `HostError` for too many indices, a second `...` or a non-int index;
    ///   `TensorError.indexOutOfRange` from the selection.
    static func index(_ tensor: Tensor, _ components: [IndexComponent]) throws -> Tensor {
        let ellipses = components.filter { $0 == .ellipsis }.count
        guard ellipses <= 1 else { throw HostError("an index can only have a single ellipsis ('...')") }
        let named = components.count - ellipses
        guard named <= tensor.rank else {
            throw HostError("too many indices for a tensor of dimension \(tensor.rank) (got \(named))")
        }
        var expanded: [IndexComponent] = []
        for component in components {
            if component == .ellipsis {
                expanded += Array(repeating: .slice(start: nil, stop: nil, step: nil), count: tensor.rank - named)
            } else {
                expanded.append(component)
            }
        }
        var result = tensor
        var dim = 0
        for component in expanded {
            switch component {
            case .value(let value):
                guard case .int(let position) = value else {
                    throw HostError("tensor indices must be ints or slices, got \(value.typeName)")
                }
                result = try result.select(dim: dim, index: Int(position))
            case .slice(let start, let stop, let step):
                let stride = Int(step ?? 1)
                guard stride > 0 else { throw HostError("tensor slices need a positive step, got \(stride)") }
                result = try result.slice(dim: dim, start: start.map { Int($0) }, end: stop.map { Int($0) }, step: stride)
                dim += 1
            case .ellipsis:
                dim += 1
            }
        }
        return result
    }
}
