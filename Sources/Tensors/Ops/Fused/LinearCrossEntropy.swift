/// The lm_head projection and cross-entropy as one op, in row chunks
/// (`LinearCrossEntropyKernel`): forward and backward side by side.
extension OpSpec {
    /// `cross_entropy(hidden · weightᵀ, targets)` without ever holding the [N, V] logits.
    ///
    /// Inputs: hidden [..., C], weight [V, C] (HF lm_head layout), targets [...].
    /// Attributes: `ignore_index` (-100), `label_smoothing` (0), `chunk_rows` (rows per
    /// chunk; by default as many as fit a 32 MiB scratch), and `precompute_gradients`: when true the forward also
    /// computes dhidden and dweight for an upstream gradient of 1 (one pass over the
    /// logits instead of two) and saves them; backward only scales them. When false
    /// the forward computes the loss alone and backward recomputes the logits.
    /// `Tensor.linearCrossEntropy` sets it when a gradient will be wanted.
    /// Output: a scalar. Backward: [dhidden, dweight, nil].
    public static let linearCrossEntropy = OpSpec(
        name: "linear_cross_entropy", arity: .exactly(3),
        forward: { inputs, attributes in
            let call = try LinearCrossEntropyOp(inputs, attributes)
            guard attributes.bool("precompute_gradients") else {
                return OpResult(Tensor(try call.run(gradients: nil, scale: 1)))
            }
            let dhidden = inputs[0].requiresGrad ? try Tensor(zeros: inputs[0].shape) : nil
            let dweight = inputs[1].requiresGrad ? try Tensor(zeros: inputs[1].shape) : nil
            let loss = try call.run(gradients: (dhidden, dweight), scale: 1)
            return OpResult(Tensor(loss), saved: [dhidden, dweight].compactMap { $0 })
        },
        backward: { context in
            let g = try context.gradOutput.item()
            let wantsHidden = context.inputs[0].requiresGrad
            let wantsWeight = context.inputs[1].requiresGrad
            if context.attributes.bool("precompute_gradients") {
                var saved = context.saved.makeIterator()
                let dhidden = wantsHidden ? saved.next() : nil
                let dweight = wantsWeight ? saved.next() : nil
                let scaled = try [dhidden, dweight].map { gradient in
                    try gradient.map { g == 1 ? $0 : try Elementwise.map($0, op: "linear_cross_entropy") { $0 * g } }
                }
                return scaled + [nil]
            }
            let call = try LinearCrossEntropyOp(context.inputs, context.attributes)
            let dhidden = wantsHidden ? try Tensor(zeros: context.inputs[0].shape) : nil
            let dweight = wantsWeight ? try Tensor(zeros: context.inputs[1].shape) : nil
            _ = try call.run(gradients: (dhidden, dweight), scale: g)
            return [dhidden, dweight, nil]
        },
        label: { attributes in
            attributes["chunk_rows"].map { "linear_cross_entropy(chunk_rows=\($0))" } ?? "linear_cross_entropy"
        },
        cost: { inputs, _, _ in
            let rows = OpCost.elements(inputs[2])
            let vocabulary = inputs[1].first ?? 0
            let hidden = inputs[1].last ?? 0
            return OpCost(
                flops: 2 &* rows &* vocabulary &* hidden,
                bytes: 4 &* (OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1])))
        })
}

/// One checked application of `OpSpec.linearCrossEntropy`.
struct LinearCrossEntropyOp {
    /// Rows per chunk unless `chunk_rows` says otherwise: as many as fit a 32 MiB scratch
    /// buffer, between 64 and 1024 (262 rows for a 32,000-word vocabulary). Bigger chunks
    /// pack the [V, C] weight fewer times and add into dweight fewer times; measured on
    /// bench-llama's head (2048 x 512 x 32000, one thread), 256 rows took 20% less than
    /// 128 and 512 or 1024 no less than 256.
    static func defaultChunkRows(vocabulary: Int) -> Int {
        Swift.min(1024, Swift.max(64, (8 << 20) / Swift.max(1, vocabulary)))
    }

    var hidden: Tensor
    var weight: Tensor
    var targets: [Int64]
    var N: Int
    var C: Int
    var V: Int
    var chunkRows: Int
    var ignoreIndex: Int64
    var labelSmoothing: Float

    /// Checks hidden [..., C], weight [V, C] and targets [...] (hidden minus its last axis).
    /// - Throws: `TensorError.shapeMismatch`, `.invalidArgument`, dtype errors.
    init(_ inputs: [Tensor], _ attributes: OpAttributes) throws {
        let op = "linear_cross_entropy"
        let (hidden, weight, targets) = (inputs[0], inputs[1], inputs[2])
        try FusedOps.requireFloat(hidden, op: op)
        try FusedOps.requireFloat(weight, op: op)
        guard hidden.rank >= 1, weight.rank == 2, weight.shape[1] == hidden.shape[hidden.rank - 1] else {
            throw TensorError.shapeMismatch(op: op, lhs: hidden.shape, rhs: weight.shape)
        }
        guard Array(hidden.shape.dropLast()) == targets.shape else {
            throw TensorError.shapeMismatch(op: op, lhs: hidden.shape, rhs: targets.shape)
        }
        (ignoreIndex, labelSmoothing) = try CrossEntropyOp.options(attributes, op: op)
        chunkRows = attributes.int(
            "chunk_rows", default: LinearCrossEntropyOp.defaultChunkRows(vocabulary: weight.shape[0]))
        guard chunkRows >= 1 else {
            throw TensorError.invalidArgument(op: op, reason: "chunk_rows must be at least 1, got \(chunkRows)")
        }
        self.targets = try FusedOps.indices(targets, op: op)
        self.hidden = hidden.contiguousFloat32()
        self.weight = weight.contiguousFloat32()
        N = targets.count
        C = weight.shape[1]
        V = weight.shape[0]
    }

    /// Runs the chunked kernel, accumulating into the given gradient tensors.
    /// - Returns: the mean loss.
    func run(gradients: (hidden: Tensor?, weight: Tensor?)?, scale: Float) throws -> Float {
        let rows = Swift.max(1, Swift.min(chunkRows, N))
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: rows * V)
        defer { scratch.deallocate() }
        return try withExtendedLifetime((hidden, weight, gradients?.hidden, gradients?.weight)) {
            try targets.withUnsafeBufferPointer { ids in
                guard let base = ids.baseAddress else { return .nan }
                let kernelGradients = gradients.map { pair in
                    LinearCrossEntropyKernel.Gradients(
                        hidden: pair.hidden.map(FusedOps.floats), weight: pair.weight.map(FusedOps.floats))
                }
                return try LinearCrossEntropyKernel.run(
                    hidden: FusedOps.floats(hidden), weight: FusedOps.floats(weight), targets: base,
                    N: N, C: C, V: V, R: rows, scratch: scratch, gradients: kernelGradients,
                    gradientScale: scale, labelSmoothing: labelSmoothing, ignoreIndex: ignoreIndex)
            }
        }
    }
}

extension Tensor {
    /// The mean cross-entropy of `self · weightᵀ` against `targets`, computed in row
    /// chunks so the [N, V] logits never exist whole. Forward and backward share one
    /// pass over the logits when a gradient will be needed.
    /// - Parameters:
    ///   - weight: [V, C], the lm_head weight.
    ///   - targets: [...] integer class ids, this tensor's shape minus its last axis.
    ///   - ignoreIndex: the target value to skip.
    ///   - labelSmoothing: PyTorch's `label_smoothing`.
    ///   - chunkRows: rows per chunk (the scratch is chunkRows * V floats); nil picks it
    ///     from the vocabulary size (a 32 MiB scratch).
    /// - Throws: `TensorError.shapeMismatch`, `.indexOutOfRange`, `.invalidArgument`.
    public func linearCrossEntropy(
        weight: Tensor, targets: Tensor, ignoreIndex: Int = -100, labelSmoothing: Float = 0,
        chunkRows: Int? = nil
    ) throws -> Tensor {
        let precompute = GradMode.isEnabled && (requiresGrad || weight.requiresGrad)
        var attributes: OpAttributes = [
            "ignore_index": .int(ignoreIndex), "label_smoothing": .float(Double(labelSmoothing)),
            "precompute_gradients": .bool(precompute),
        ]
        if let chunkRows { attributes["chunk_rows"] = .int(chunkRows) }
        return try OpSpec.linearCrossEntropy.apply([self, weight, targets], attributes)
    }
}
