/// Reduction methods over `OpSpec.sum`, `.mean`, `.max`, `.argmax`.
extension Tensor {
    /// The sum over `dims` (all when empty), dropping them unless `keepdim`.
    /// - Throws: `TensorError.invalidDimension`, `.invalidArgument` for a repeated dim.
    public func sum(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try OpSpec.sum.apply([self], ["dims": .ints(dims), "keepdim": .bool(keepdim)])
    }

    /// The sum over one dim.
    public func sum(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try sum(dims: [dim], keepdim: keepdim)
    }

    /// The mean over `dims` (all when empty), dropping them unless `keepdim`.
    public func mean(dims: [Int] = [], keepdim: Bool = false) throws -> Tensor {
        try OpSpec.mean.apply([self], ["dims": .ints(dims), "keepdim": .bool(keepdim)])
    }

    /// The mean over one dim.
    public func mean(dim: Int, keepdim: Bool = false) throws -> Tensor {
        try mean(dims: [dim], keepdim: keepdim)
    }

    /// The maximum along `dim`, or over all elements when nil.
    /// - Throws: `TensorError.invalidDimension`, `.invalidArgument` for an empty dim.
    public func max(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        var attributes: OpAttributes = ["keepdim": .bool(keepdim)]
        if let dim { attributes["dim"] = .int(dim) }
        return try OpSpec.max.apply([self], attributes)
    }

    /// The int64 index of the maximum along `dim`, or in the flattened tensor when nil.
    public func argmax(dim: Int? = nil, keepdim: Bool = false) throws -> Tensor {
        var attributes: OpAttributes = ["keepdim": .bool(keepdim)]
        if let dim { attributes["dim"] = .int(dim) }
        return try OpSpec.argmax.apply([self], attributes)
    }
}
