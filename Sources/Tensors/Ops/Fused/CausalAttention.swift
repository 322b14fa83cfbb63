/// Causal attention with grouped KV heads as one op (`AttentionKernel`): forward and
/// backward side by side.
extension OpSpec {
    /// `softmax(scale * q kᵀ + causal mask + padding mask) v` for every query head.
    ///
    /// Inputs: q [B, H, T, D], k and v [B, KVH, T, D] (H a multiple of KVH; any strides
    /// with the head vector contiguous, so views of a packed q/k/v projection are read in
    /// place), and optionally a key mask [B, T] (0 = padded key, as HF's attention_mask).
    /// Attributes: `scale` (default 1/sqrt(D)), `sliding_window` (Mistral; absent for
    /// plain causal), `layout` ("bhtd", the default, or "bthd" for an output laid out
    /// [B, T, H, D], ready to reshape to [B, T, H * D] without a copy).
    /// Saves the log-sum-exp [B, H, T]. Backward: [dq, dk, dv, nil].
    /// A query row that sees no key (all padded) outputs zeros.
    public static let causalAttention = OpSpec(
        name: "causal_attention", arity: .atLeast(3),
        forward: { inputs, attributes in
            let call = try AttentionOp(inputs, attributes)
            let c = call.configuration
            let output = try Tensor.uninitialized(call.outputShape)
            let logSumExp = try Tensor.uninitialized([c.B, c.H, c.T])
            withExtendedLifetime(call.tensors) {
                AttentionKernel.forward(
                    output: FusedOps.floats(output), logSumExp: FusedOps.floats(logSumExp),
                    query: call.pointer(0), key: call.pointer(1), value: call.pointer(2),
                    keyMask: call.mask.map { UnsafePointer(FusedOps.floats($0)) },
                    configuration: c, layouts: call.layouts)
            }
            return OpResult(output, saved: [logSumExp])
        },
        backward: { context in
            let call = try AttentionOp(context.inputs, context.attributes)
            let c = call.configuration
            let gradient = context.gradOutput.contiguousFloat32()
            // Each gradient is laid out as its input (a permuted projection stays one), so
            // the reshapes before the op need no copy in their backward.
            let (dq, queryLayout) = try FusedOps.headGradient(laidOutAs: call.tensors[0], op: "causal_attention")
            let (dk, keyLayout) = try FusedOps.headGradient(laidOutAs: call.tensors[1], op: "causal_attention")
            let (dv, valueLayout) = try FusedOps.headGradient(laidOutAs: call.tensors[2], op: "causal_attention")
            let gradientLayouts = AttentionKernel.Layouts(
                query: queryLayout, key: keyLayout, value: valueLayout, output: call.layouts.output)
            withExtendedLifetime((call.tensors, gradient, context.output, context.saved)) {
                AttentionKernel.backward(
                    queryGradient: FusedOps.floats(dq), keyGradient: FusedOps.floats(dk),
                    valueGradient: FusedOps.floats(dv), outputGradient: FusedOps.floats(gradient),
                    output: FusedOps.floats(context.output),
                    logSumExp: FusedOps.floats(context.saved[0]), query: call.pointer(0),
                    key: call.pointer(1), value: call.pointer(2),
                    keyMask: call.mask.map { UnsafePointer(FusedOps.floats($0)) },
                    configuration: c, layouts: call.layouts, gradientLayouts: gradientLayouts)
            }
            return [dq, dk, dv] + (context.inputs.count == 4 ? [nil] : [])
        },
        label: { attributes in
            var parts: [String] = []
            if let scale = attributes["scale"] { parts.append("scale=\(scale)") }
            if let window = attributes["sliding_window"] { parts.append("sliding_window=\(window)") }
            if let layout = attributes["layout"] { parts.append("layout=\(layout)") }
            return parts.isEmpty ? "causal_attention" : "causal_attention(\(parts.joined(separator: ", ")))"
        },
        cost: { inputs, _, _ in
            // Two [T, T/2, D] products per head (the causal half), forward only.
            let q = inputs[0]
            guard q.count == 4 else { return OpCost(flops: 0, bytes: 0) }
            let flops = 2 &* q[0] &* q[1] &* q[2] &* q[2] &* q[3]
            return OpCost(flops: flops, bytes: 4 &* inputs.reduce(0) { $0 &+ OpCost.elements($1) })
        })
}

/// One checked application of `OpSpec.causalAttention`.
struct AttentionOp {
    /// q, k, v as the kernel reads them (views or contiguous copies).
    var tensors: [Tensor]
    /// The key mask as contiguous float32 [B, T], if given.
    var mask: Tensor?
    var configuration: AttentionKernel.Configuration
    var layouts: AttentionKernel.Layouts
    var outputShape: [Int]

    /// Checks shapes and attributes.
    /// - Throws: `TensorError.shapeMismatch`, `.invalidShape`, `.invalidArgument`.
    init(_ inputs: [Tensor], _ attributes: OpAttributes) throws {
        let op = "causal_attention"
        guard inputs.count <= 4 else {
            throw TensorError.arityMismatch(op: op, expected: 4, got: inputs.count)
        }
        let (q, queryLayout) = try FusedOps.heads(inputs[0], op: op)
        let (k, keyLayout) = try FusedOps.heads(inputs[1], op: op)
        let (v, valueLayout) = try FusedOps.heads(inputs[2], op: op)
        let (B, H, T, D) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let KVH = k.shape[1]
        guard k.shape == v.shape, k.shape[0] == B, k.shape[2] == T, k.shape[3] == D, KVH > 0,
            H % KVH == 0
        else {
            throw TensorError.shapeMismatch(op: op, lhs: q.shape, rhs: k.shape == v.shape ? k.shape : v.shape)
        }
        if inputs.count == 4 {
            let mask = inputs[3]
            guard mask.shape == [B, T] else {
                throw TensorError.shapeMismatch(op: op, lhs: [B, T], rhs: mask.shape)
            }
            self.mask = mask.contiguousFloat32()
        } else {
            self.mask = nil
        }
        let window = attributes["sliding_window"].map { _ in attributes.int("sliding_window") }
        if let window, window < 1 {
            throw TensorError.invalidArgument(op: op, reason: "sliding_window must be at least 1, got \(window)")
        }
        let scale = attributes["scale"].map { _ in Float(attributes.float("scale")) }
        configuration = AttentionKernel.Configuration(
            B: B, H: H, KVH: KVH, T: T, D: D, scale: scale, slidingWindow: window)
        let output: HeadLayout
        switch attributes.string("layout", default: "bhtd") {
        case "bhtd":
            output = .headsFirst(heads: H, tokens: T, headDimension: D)
            outputShape = [B, H, T, D]
        case "bthd":
            output = .tokensFirst(heads: H, tokens: T, headDimension: D)
            outputShape = [B, T, H, D]
        case let other:
            throw TensorError.invalidArgument(op: op, reason: "layout must be \"bhtd\" or \"bthd\", got \"\(other)\"")
        }
        tensors = [q, k, v]
        layouts = AttentionKernel.Layouts(query: queryLayout, key: keyLayout, value: valueLayout, output: output)
    }

    /// The first float of q (0), k (1) or v (2).
    func pointer(_ index: Int) -> UnsafePointer<Float> { UnsafePointer(FusedOps.floats(tensors[index])) }
}

extension Tensor {
    /// Causal scaled-dot-product attention of these queries [B, H, T, D] over keys and
    /// values [B, KVH, T, D] (grouped KV heads when KVH < H).
    /// - Parameters:
    ///   - key: [B, KVH, T, D].
    ///   - value: [B, KVH, T, D].
    ///   - mask: [B, T] with 0 for padded keys, or nil.
    ///   - scale: the factor on q kᵀ; nil for 1/sqrt(D).
    ///   - slidingWindow: Mistral's window (query i sees keys i - window < j <= i), or nil.
    ///   - tokensFirstOutput: return [B, T, H, D] instead of [B, H, T, D].
    /// - Throws: `TensorError.shapeMismatch` for shapes that do not fit together,
    ///   `.invalidArgument` for a window below 1.
    public func causalAttention(
        key: Tensor, value: Tensor, mask: Tensor? = nil, scale: Float? = nil,
        slidingWindow: Int? = nil, tokensFirstOutput: Bool = false
    ) throws -> Tensor {
        var attributes: OpAttributes = [:]
        if let scale { attributes["scale"] = .float(Double(scale)) }
        if let slidingWindow { attributes["sliding_window"] = .int(slidingWindow) }
        if tokensFirstOutput { attributes["layout"] = .string("bthd") }
        return try OpSpec.causalAttention.apply([self, key, value] + (mask.map { [$0] } ?? []), attributes)
    }
}
