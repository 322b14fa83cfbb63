/// Shape arithmetic shared by every op: element counts with overflow checks,
/// contiguous strides, dimension normalisation and PyTorch broadcasting.
public enum Shape {
    /// The number of elements of `shape`.
    /// - Throws: `TensorError.invalidShape` for a negative size,
    ///   `TensorError.sizeOverflow` when the product does not fit in an `Int`.
    public static func count(_ shape: [Int], op: String = "shape") throws -> Int {
        var total = 1
        for size in shape {
            guard size >= 0 else {
                throw TensorError.invalidShape(op: op, shape: shape, reason: "negative size")
            }
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow else { throw TensorError.sizeOverflow(op: op, shape: shape) }
            total = product
        }
        return total
    }

    /// Row-major strides for `shape` (size-1 and size-0 dims get the natural stride).
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for index in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[index] = running
            running = running &* max(shape[index], 1)
        }
        return strides
    }

    /// Maps a possibly negative `dim` into `0 ..< rank`.
    /// - Throws: `TensorError.invalidDimension`.
    public static func normalize(dim: Int, rank: Int, op: String) throws -> Int {
        let resolved = dim < 0 ? dim + rank : dim
        guard resolved >= 0, resolved < rank else {
            throw TensorError.invalidDimension(op: op, dim: dim, rank: rank)
        }
        return resolved
    }

    /// The broadcast of two shapes, as in PyTorch (align right; sizes equal or one is 1).
    /// - Throws: `TensorError.shapeMismatch` naming `op` and both shapes.
    public static func broadcast(_ lhs: [Int], _ rhs: [Int], op: String) throws -> [Int] {
        let rank = max(lhs.count, rhs.count)
        var result = [Int](repeating: 1, count: rank)
        for index in 0..<rank {
            let left = index - (rank - lhs.count)
            let right = index - (rank - rhs.count)
            let a = left >= 0 ? lhs[left] : 1
            let b = right >= 0 ? rhs[right] : 1
            if a == b || b == 1 {
                result[index] = a
            } else if a == 1 {
                result[index] = b
            } else {
                throw TensorError.shapeMismatch(op: op, lhs: lhs, rhs: rhs)
            }
        }
        return result
    }

    /// Strides that read a tensor of `shape`/`strides` as if it had `target` shape
    /// (stride 0 along broadcast dimensions). `shape` must broadcast to `target`.
    static func broadcastStrides(shape: [Int], strides: [Int], to target: [Int]) -> [Int] {
        var result = [Int](repeating: 0, count: target.count)
        let shift = target.count - shape.count
        for index in 0..<shape.count where shape[index] != 1 || target[index + shift] == 1 {
            result[index + shift] = shape[index] == 1 ? 0 : strides[index]
        }
        return result
    }

    /// Whether `strides` are the row-major strides of `shape` (ignoring size-1 dims).
    static func isContiguous(shape: [Int], strides: [Int]) -> Bool {
        var expected = 1
        for index in stride(from: shape.count - 1, through: 0, by: -1) where shape[index] != 1 {
            if shape[index] == 0 { return true }
            if strides[index] != expected { return false }
            expected &*= shape[index]
        }
        return true
    }

    /// Resolves one `-1` in a requested shape against `count` elements.
    /// - Throws: `TensorError.invalidShape` when the sizes cannot match.
    static func infer(_ requested: [Int], count: Int, from original: [Int], op: String) throws
        -> [Int]
    {
        var inferred: Int? = nil
        var known = 1
        for (index, size) in requested.enumerated() {
            if size == -1 {
                guard inferred == nil else {
                    throw TensorError.invalidShape(
                        op: op, shape: requested, reason: "only one dimension can be -1")
                }
                inferred = index
            } else if size < 0 {
                throw TensorError.invalidShape(op: op, shape: requested, reason: "negative size")
            } else {
                let (product, overflow) = known.multipliedReportingOverflow(by: size)
                guard !overflow else { throw TensorError.sizeOverflow(op: op, shape: requested) }
                known = product
            }
        }
        var result = requested
        if let inferred {
            guard known != 0, count % known == 0 else {
                throw TensorError.invalidShape(
                    op: op, shape: requested,
                    reason: "cannot hold the \(count) elements of shape \(original)")
            }
            result[inferred] = count / known
        } else if known != count {
            throw TensorError.invalidShape(
                op: op, shape: requested,
                reason: "cannot hold the \(count) elements of shape \(original)")
        }
        return result
    }
}
