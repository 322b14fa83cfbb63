/// Everything a tensor operation can reject. Each case names the op (as its `OpSpec`
/// name, such as `"matmul"`) so the interpreter can report it at the user's line.
public enum TensorError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Two operand shapes that do not fit together (broadcasting, matmul, cat ...).
    case shapeMismatch(op: String, lhs: [Int], rhs: [Int])
    /// A dimension index outside `-rank ..< rank`.
    case invalidDimension(op: String, dim: Int, rank: Int)
    /// An index outside `-size ..< size` (or `0 ..< size` for index tensors).
    case indexOutOfRange(op: String, index: Int, size: Int)
    /// A dtype the op does not take.
    case unsupportedDType(op: String, dtype: DType)
    /// Two operands whose dtypes must agree and do not.
    case dtypeMismatch(op: String, lhs: DType, rhs: DType)
    /// A shape that is invalid in itself (negative size, wrong element count ...).
    case invalidShape(op: String, shape: [Int], reason: String)
    /// The product of a shape's sizes does not fit in an `Int`.
    case sizeOverflow(op: String, shape: [Int])
    /// An argument outside its domain (a probability above 1, a zero step ...).
    case invalidArgument(op: String, reason: String)
    /// An op was applied to the wrong number of inputs.
    case arityMismatch(op: String, expected: Int, got: Int)
    /// An operation that needs a one-element tensor got another shape.
    case notScalar(op: String, shape: [Int])
    /// A view that the tensor's strides cannot express without a copy.
    case notViewable(op: String, shape: [Int], strides: [Int])
    /// `backward()` through a node whose saved tensors were released by an earlier backward.
    case graphReleased(op: String)
    /// `backward()` on a tensor that does not require grad.
    case noGradient(op: String)
    /// Writing into storage that wraps read-only memory (an mmap'd checkpoint).
    case readOnlyStorage(op: String)
    /// An allocation the machine could not satisfy.
    case outOfMemory(op: String, bytes: Int)
    /// The computation was stopped by `TensorRuntime.requestInterrupt()` (Ctrl-C).
    case interrupted

    /// A one-line message for the user.
    public var description: String {
        switch self {
        case .shapeMismatch(let op, let lhs, let rhs):
            return "\(op): shape mismatch: \(lhs) and \(rhs)"
        case .invalidDimension(let op, let dim, let rank):
            return "\(op): dimension \(dim) out of range for a tensor of rank \(rank)"
                + " (expected \(-Swift.max(rank, 1)) to \(Swift.max(rank, 1) - 1))"
        case .indexOutOfRange(let op, let index, let size):
            return "\(op): index \(index) is out of range for size \(size)"
        case .unsupportedDType(let op, let dtype):
            return "\(op): dtype \(dtype) is not supported"
        case .dtypeMismatch(let op, let lhs, let rhs):
            return "\(op): dtype mismatch: \(lhs) and \(rhs)"
        case .invalidShape(let op, let shape, let reason):
            return "\(op): invalid shape \(shape): \(reason)"
        case .sizeOverflow(let op, let shape):
            return "\(op): shape \(shape) has too many elements"
        case .invalidArgument(let op, let reason):
            return "\(op): \(reason)"
        case .arityMismatch(let op, let expected, let got):
            return "\(op): expected \(expected) inputs, got \(got)"
        case .notScalar(let op, let shape):
            return "\(op): expected a tensor with one element, got shape \(shape)"
        case .notViewable(let op, let shape, let strides):
            return "\(op): a tensor of shape \(shape) and strides \(strides) cannot be viewed"
                + " this way; use reshape (which copies) or contiguous() first"
        case .graphReleased(let op):
            return "\(op): the graph was already released by backward();"
                + " pass retainGraph: true to backward twice"
        case .noGradient(let op):
            return "\(op): the tensor does not require grad and has no grad function"
        case .readOnlyStorage(let op):
            return "\(op): the tensor wraps read-only memory and cannot be written"
        case .outOfMemory(let op, let bytes):
            return "\(op): cannot allocate \(bytes) bytes"
        case .interrupted:
            return "interrupted"
        }
    }
}
