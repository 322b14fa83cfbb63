/// Cross-entropy over logits as one op (`CrossEntropyKernel`): forward and backward
/// side by side.
extension OpSpec {
    /// PyTorch's `F.cross_entropy(logits, targets, ignore_index, label_smoothing)` with
    /// the mean over the rows whose target is not ignored (NaN when all are, as PyTorch).
    ///
    /// Inputs: logits [..., V], targets [...] (int64 or int32). Attributes:
    /// `ignore_index` (default -100), `label_smoothing` (default 0). Output: a scalar.
    /// Saves the log-sum-exp of every row. Backward: [(softmax - target distribution)
    /// * grad / count, nil]; zero when no row counts.
    public static let crossEntropy = OpSpec(
        name: "cross_entropy", arity: .exactly(2),
        forward: { inputs, attributes in
            let call = try CrossEntropyOp(inputs, attributes)
            let losses = try Tensor(zeros: [call.N])
            let logSumExp = try Tensor(zeros: [call.N])
            withExtendedLifetime(call.logits) {
                CrossEntropyKernel.forwardRows(
                    losses: FusedOps.floats(losses), logSumExp: FusedOps.floats(logSumExp),
                    logits: FusedOps.floats(call.logits), targets: call.targets, N: call.N, V: call.V,
                    labelSmoothing: call.labelSmoothing, ignoreIndex: call.ignoreIndex)
            }
            let count = CrossEntropyKernel.countedRows(targets: call.targets, N: call.N, ignoreIndex: call.ignoreIndex)
            let loss = withExtendedLifetime(losses) {
                CrossEntropyKernel.mean(losses: FusedOps.floats(losses), N: call.N, count: count)
            }
            return OpResult(Tensor(loss), saved: [logSumExp])
        },
        backward: { context in
            let call = try CrossEntropyOp(context.inputs, context.attributes)
            let count = CrossEntropyKernel.countedRows(targets: call.targets, N: call.N, ignoreIndex: call.ignoreIndex)
            let dlogits = try Tensor(zeros: context.inputs[0].shape)
            guard count > 0 else { return [dlogits, nil] }
            let scale = try context.gradOutput.item() / Float(count)
            withExtendedLifetime((call.logits, context.saved)) {
                CrossEntropyKernel.backwardRows(
                    logitsGradient: FusedOps.floats(dlogits), logits: FusedOps.floats(call.logits),
                    logSumExp: FusedOps.floats(context.saved[0]), targets: call.targets, N: call.N,
                    V: call.V, scale: scale, labelSmoothing: call.labelSmoothing,
                    ignoreIndex: call.ignoreIndex)
            }
            return [dlogits, nil]
        },
        cost: { inputs, _, _ in
            let elements = OpCost.elements(inputs[0])
            return OpCost(flops: 4 &* elements, bytes: 4 &* elements)
        })
}

/// One checked application of `OpSpec.crossEntropy`.
struct CrossEntropyOp {
    /// [N, V] contiguous float32.
    var logits: Tensor
    /// [N], validated.
    var targets: [Int64]
    var N: Int
    var V: Int
    var ignoreIndex: Int64
    var labelSmoothing: Float

    /// Checks that targets are logits.shape minus the last axis and in range.
    /// - Throws: `TensorError.shapeMismatch`, `.indexOutOfRange`, `.invalidArgument`.
    init(_ inputs: [Tensor], _ attributes: OpAttributes) throws {
        let op = "cross_entropy"
        let (logits, targets) = (inputs[0], inputs[1])
        try FusedOps.requireFloat(logits, op: op)
        guard logits.rank >= 1, Array(logits.shape.dropLast()) == targets.shape else {
            throw TensorError.shapeMismatch(op: op, lhs: logits.shape, rhs: targets.shape)
        }
        V = logits.shape[logits.rank - 1]
        N = targets.count
        (ignoreIndex, labelSmoothing) = try CrossEntropyOp.options(attributes, op: op)
        let ids = try FusedOps.indices(targets, op: op)
        let (rows, classes, ignored) = (N, V, ignoreIndex)
        try ids.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            try CrossEntropyKernel.validate(targets: base, N: rows, V: classes, ignoreIndex: ignored)
        }
        self.targets = ids
        self.logits = logits.contiguousFloat32()
    }

    /// `ignore_index` and `label_smoothing`, checked.
    /// - Throws: `TensorError.invalidArgument` for smoothing outside [0, 1].
    static func options(_ attributes: OpAttributes, op: String) throws -> (Int64, Float) {
        let ignoreIndex = Int64(attributes.int("ignore_index", default: -100))
        let smoothing = attributes.float("label_smoothing")
        guard (0...1).contains(smoothing) else {
            throw TensorError.invalidArgument(op: op, reason: "label_smoothing must be in [0, 1], got \(smoothing)")
        }
        return (ignoreIndex, Float(smoothing))
    }
}

extension Tensor {
    /// The mean cross-entropy of these logits [..., V] against integer targets [...].
    /// - Parameters:
    ///   - targets: class ids, `ignoreIndex` for rows that do not count.
    ///   - ignoreIndex: the target value to skip (PyTorch's -100).
    ///   - labelSmoothing: PyTorch's `label_smoothing`, in [0, 1].
    /// - Throws: `TensorError.shapeMismatch`, `.indexOutOfRange` for a target outside
    ///   0..<V, `.invalidArgument`.
    public func crossEntropy(
        targets: Tensor, ignoreIndex: Int = -100, labelSmoothing: Float = 0
    ) throws -> Tensor {
        try OpSpec.crossEntropy.apply(
            [self, targets],
            ["ignore_index": .int(ignoreIndex), "label_smoothing": .float(Double(labelSmoothing))])
    }
}
