/// Errors the fused kernels raise on input they cannot take.
public enum KernelError: Error, Equatable, Sendable {
    /// An id or target at `position` is outside `0..<count`.
    case indexOutOfRange(op: String, position: Int, index: Int64, count: Int)
}
