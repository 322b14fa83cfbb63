import Tensors

/// A decoder layer for one new token (B = S = 1, a decode step), with the products that
/// share an input issued together: q/k/v as one GEMV region and gate/up as another
/// (`BLAS.gemvGroup`), where the general block issues one region per matrix. The rest is
/// the general block's ops in its order (norms, rotary, cache, attention, o_proj,
/// residuals, activation, down_proj), so the result is the same up to float rounding.
///
/// It applies only to plain layers: no hook, no q/k norms, and projections with no bias
/// and no enabled adapter whose weights BLAS reads in place (float32 or bf16, row-major).
/// Anything else returns nil and runs the general block.
extension DecoderLayer {
    /// The block for one new token, or nil when this layer needs the general block.
    /// - Parameters:
    ///   - x: [1, 1, hidden].
    ///   - rotary: the new token's cos/sin tables.
    ///   - cache: this layer's cache.
    ///   - keyMask: [1, past + 1], 0 for padding.
    func decodeOneToken(
        _ x: Tensor, rotary: RotaryTables, cache: LayerCache, keyMask: [Float]
    ) throws -> Tensor? {
        let (a, f) = (attention, feedForward)
        guard hook == nil, x.rank == 3, x.shape[0] == 1, x.shape[1] == 1,
            a.queryNorm == nil, a.keyNorm == nil,
            Self.groupable([a.queryProjection, a.keyProjection, a.valueProjection]),
            Self.groupable([f.gateProjection, f.upProjection])
        else { return nil }
        let qkv = try Self.grouped(
            inputNorm(x), [a.queryProjection, a.keyProjection, a.valueProjection])
        let q = try ModelOps.rotary(qkv[0], heads: a.heads, tables: rotary)
        let k = try ModelOps.rotary(qkv[1], heads: a.keyValueHeads, tables: rotary)
        try cache.append(keys: k, values: qkv[2])
        let context = try CachedAttention.attend(
            query: q, cache: cache, keyMask: keyMask, slidingWindow: a.slidingWindow)
        let h = try x.add(a.outputProjection(context))
        let gateUp = try Self.grouped(postAttentionNorm(h), [f.gateProjection, f.upProjection])
        let gated = try ModelOps.gatedActivation(
            gate: gateUp[0], up: gateUp[1], activation: f.activation)
        return try h.add(f.downProjection(gated))
    }

    /// Whether `linears` can run as one GEMV group: the same input width, no bias, no
    /// enabled adapter, weights BLAS reads in place.
    static func groupable(_ linears: [Linear]) -> Bool {
        guard let width = linears.first?.inputFeatures else { return false }
        return linears.allSatisfy { linear in
            let w = linear.weight
            return linear.bias == nil && !linear.adapters.contains(where: \.isEnabled)
                && w.rank == 2 && w.shape[1] == width && w.strides[1] == 1
                && w.strides[0] >= width && (w.dtype == .float32 || w.dtype == .bfloat16)
        }
    }

    /// `x` [1, 1, in] through each of `linears` (checked by `groupable`) in one GEMV
    /// region: [1, 1, out_i] views of one buffer.
    static func grouped(_ x: Tensor, _ linears: [Linear]) throws -> [Tensor] {
        let input = x.contiguousFloat32()
        let widths = linears.map(\.outputFeatures)
        let weights = linears.map(\.weight)
        let all = try Tensor.make([1, 1, widths.reduce(0, +)]) { output in
            guard let out = output.baseAddress else { return }
            try input.withUnsafeFloats { xs in
                guard let xp = xs.baseAddress else { return }
                var products: [BLAS.GemvProduct] = []
                var start = 0
                for weight in weights {
                    guard
                        let matrix = StoredMatrix.over(
                            weight, rows: weight.shape[0], columns: weight.shape[1],
                            leading: weight.strides[0])
                    else { throw ModelError.invalidInput("decode: a weight BLAS cannot read") }
                    products.append(BLAS.GemvProduct(matrix: matrix, y: out + start))
                    start += weight.shape[0]
                }
                withExtendedLifetime(weights) { BLAS.gemvGroup(x: xp, products) }
            }
        }
        var views: [Tensor] = []
        var start = 0
        for width in widths {
            views.append(try all.slice(dim: 2, start: start, end: start + width))
            start += width
        }
        return views
    }
}
