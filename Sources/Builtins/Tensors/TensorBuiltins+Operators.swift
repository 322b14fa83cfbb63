import Language
import Tensors

// MARK: Operators, indexing, iteration

extension TensorBuiltins {
    /// Fills the operator entries of the `Tensor` table.
    static func installOperators(on type: HostType) {
        type.binary = { op, left, right in try binary(op, left, right) }
        type.unary = { op, object in
            guard op == .negate else { return nil }
            let tensor = try tensorOf(object)
            let negated = try computable(tensor).neg()
            return .tensor(tensor.dtype.isFloatingPoint ? negated : try negated.to(tensor.dtype))
        }
        type.getIndex = { object, components in .tensor(try index(tensorOf(object), components)) }
        type.setIndex = { object, components, value in
            try assign(value, to: tensorOf(object), at: components)
        }
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
            guard let tensor = (object as? TensorValue)?.tensor, tensor.count == 1 else {
                return true
            }
            return (try? tensor.item()).map { $0 != 0 } ?? true
        }
    }

    /// `a op b` where one side is a tensor and the other a tensor or a number, which
    /// broadcasts as a 0-dim tensor. Nil for operators tensors do not have (the
    /// interpreter then reports unsupported operand types).
    static func binary(_ op: BinaryOperator, _ left: Value, _ right: Value) throws -> Value? {
        guard let lhs = TensorConversion.tensor(from: left),
            let rhs = TensorConversion.tensor(from: right)
        else {
            return nil
        }
        // Tensors computes in float32 only: integer operands are promoted, and + - * @ of
        // two integer operands convert back to int64, as PyTorch keeps them integral.
        let (a, b) = (try computable(lhs), try computable(rhs))
        let integral = TensorConversion.isIntegral(left) && TensorConversion.isIntegral(right)
        func integralIfBoth(_ result: Tensor) throws -> Value {
            .tensor(integral ? try result.to(.int64) : result)
        }
        switch op {
        case .add: return try integralIfBoth(a.add(b))
        case .subtract: return try integralIfBoth(a.sub(b))
        case .multiply: return try integralIfBoth(a.mul(b))
        case .matmul: return try integralIfBoth(a.matmul(b))
        case .divide: return .tensor(try a.div(b))
        case .floorDivide: return try integralIfBoth(a.floorDivide(b))
        case .modulo: return try integralIfBoth(a.remainder(b))
        case .power:
            // A number exponent only: Tensors' pow takes a scalar.
            guard let exponent = right.asDouble else { return nil }
            return .tensor(try a.pow(Float(exponent)))
        // Comparisons are elementwise, as in PyTorch (0/1 float tensors).
        case .equal: return .tensor(try a.eq(b))
        case .notEqual: return .tensor(try a.ne(b))
        case .less: return .tensor(try a.lt(b))
        case .lessEqual: return .tensor(try a.le(b))
        case .greater: return .tensor(try a.gt(b))
        case .greaterEqual: return .tensor(try a.ge(b))
        default: return nil
        }
    }

    /// `t[i, 1:3] = v`: copies `v` (a number, a nested list or a tensor that broadcasts to
    /// the selection) into the selected elements in place, as PyTorch's `__setitem__` does.
    /// Refused where autograd would be silently wrong: on a tensor that requires grad, or
    /// one computed on the tape, unless grad recording is off (`no_grad { ... }`).
    /// - Throws: `HostError` for those cases and for values that are not numbers or
    ///   tensors; the errors of `index` and of the copy (shapes that do not broadcast,
    ///   weights mapped read-only from a file).
    static func assign(_ value: Value, to tensor: Tensor, at components: [IndexComponent]) throws {
        if GradMode.isEnabled && (tensor.requiresGrad || tensor.producer != nil) {
            throw HostError(
                "in-place assignment to a tensor that requires grad would break its gradient; "
                    + "assign inside no_grad { ... } or to a copy (t.detach())")
        }
        let source: Tensor
        if let tensor = TensorConversion.tensor(from: value) {
            source = tensor
        } else if TensorConversion.items(of: value) != nil {
            source = try TensorConversion.tensor(fromNested: value, dtype: nil, function: "assignment")
        } else {
            throw HostError(
                "cannot assign a \(value.typeName) to tensor elements (a number, a list or a tensor expected)")
        }
        let selection = try GradMode.withNoGrad { try index(tensor, components, viewing: true) }
        do {
            try selection.copy(from: source)
        } catch TensorError.shapeMismatch(_, let lhs, let rhs) {
            throw HostError("cannot assign a value of shape \(rhs) to a selection of shape \(lhs)")
        }
    }

    /// `tensor[index]` along `dim` as a view sharing storage (no tape node).
    private static func selectView(_ tensor: Tensor, dim: Int, index: Int) throws -> Tensor {
        let size = tensor.shape[dim]
        let resolved = index < 0 ? index + size : index
        guard resolved >= 0, resolved < size else {
            throw TensorError.indexOutOfRange(op: "select", index: index, size: size)
        }
        var shape = tensor.shape
        var strides = tensor.strides
        shape.remove(at: dim)
        let step = strides.remove(at: dim)
        return try Tensor(
            storage: tensor.storage, shape: shape, strides: strides,
            offset: tensor.offset + resolved * step)
    }

    /// The tensor in a dtype the ops compute in: integer tensors become float32.
    static func computable(_ tensor: Tensor) throws -> Tensor {
        tensor.dtype.isFloatingPoint ? tensor : try tensor.to(.float32)
    }

    /// `t[0]`, `t[-1]`, `t[0, 1:3]`, `t[:, -1]`, `t[..., 0]`: ints select (dropping the
    /// dim), slices keep it, one `...` stands for every dim not named.
    /// - Throws: `HostError` for too many indices, a second `...` or a non-int index;
    ///   `TensorError.indexOutOfRange` from the selection.
    /// With `viewing`, an int index selects by a strided view of the same storage (for
    /// assignment), never by a reshaped copy.
    static func index(_ tensor: Tensor, _ components: [IndexComponent], viewing: Bool = false)
        throws -> Tensor
    {
        let ellipses = components.filter { $0 == .ellipsis }.count
        guard ellipses <= 1 else {
            throw HostError("an index can only have a single ellipsis ('...')")
        }
        let named = components.count - ellipses
        guard named <= tensor.rank else {
            throw HostError(
                "too many indices for a tensor of dimension \(tensor.rank) (got \(named))")
        }
        var expanded: [IndexComponent] = []
        for component in components {
            if component == .ellipsis {
                expanded += Array(
                    repeating: .slice(start: nil, stop: nil, step: nil), count: tensor.rank - named)
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
                result =
                    viewing
                    ? try selectView(result, dim: dim, index: Int(position))
                    : try result.select(dim: dim, index: Int(position))
            case .slice(let start, let stop, let step):
                let stride = Int(step ?? 1)
                guard stride > 0 else {
                    throw HostError("tensor slices need a positive step, got \(stride)")
                }
                result = try result.slice(
                    dim: dim, start: start.map { Int($0) }, end: stop.map { Int($0) }, step: stride)
                dim += 1
            case .ellipsis:
                dim += 1
            }
        }
        return result
    }
}
