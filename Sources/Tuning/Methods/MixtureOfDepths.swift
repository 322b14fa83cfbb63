import Models
import Tensors

/// Mixture-of-Depths (Raposo et al. 2024): a decoder layer through which only the top
/// `capacity * T` tokens of each sequence pass, chosen by a scalar linear router; the
/// others skip the layer by the residual path.
///
/// For a layer f (attention and MLP with their residuals) and router score r = w · x:
///
///     y = x + s * (1 + r) * (f(x) - x)      s = 1 for routed tokens, 0 for the others
///
/// Routed tokens attend only to routed tokens (the layer's key mask hides the skipped
/// ones), at their original positions, as if the routed tokens had been gathered and run
/// through the layer alone. The router's weight starts at zero, so a freshly converted
/// model at capacity 1.0 computes exactly what the original did: the paper scales f by r
/// itself, which suits training from scratch but would rescale a pretrained layer; the
/// gate 1 + r keeps the router on the gradient path (dy/dr = s * (f(x) - x)) from an
/// identity start. With all scores equal at the start, ties go to earlier positions.
///
/// Routing, which the caller must know to read results:
/// - Whole sequences (training, `model(ids)`, losses, scoring): per-sequence top-k over
///   the real (unpadded) tokens, k = max(1, floor(capacity * n)), as in training. This is
///   not causal: whether token t is routed depends on later tokens' scores.
/// - Cached generation: the prompt is routed by the same top-k (so the first generated
///   token's logits equal `model(prompt)`'s last ones); each later token is routed when it
///   would be in the top-k of its own prefix, i.e. fewer than max(1, floor(capacity * n))
///   earlier tokens of its row score at least as high (n counting it). That rule is causal
///   and keeps about the same fraction routed; the KV cache keeps every token's keys and a
///   per-layer mask hides the skipped ones, as in training.
/// - Compute: lfs runs the layer on every token and masks, which gives the gathered
///   result exactly but not the paper's compute saving.
public final class MixtureOfDepths: DecoderLayerHook {
    /// `mod`.
    public let name = "mod"
    /// The fraction of each sequence's tokens routed through the layer, in (0, 1].
    public let capacity: Double
    /// [1, hidden] float32, trainable.
    public let router: Tensor

    /// The routing history of the cache being generated with (scores and decisions per
    /// row), so later tokens know which earlier keys this layer sees.
    private var history: (cache: ObjectIdentifier, scores: [[Float]], routed: [[Bool]])?

    /// A router over `hidden` features with a zero weight.
    /// - Throws: `AdapterError.invalidArgument` for a capacity outside (0, 1].
    public init(hidden: Int, capacity: Double) throws {
        guard capacity > 0, capacity <= 1 else {
            throw AdapterError.invalidArgument(name: "capacity", reason: "must be in (0, 1], got \(capacity)")
        }
        self.capacity = capacity
        router = try Tensor.zeros([1, hidden])
        router.requiresGrad = true
        router.isParameter = true
    }

    /// `router.weight`.
    public var namedParameters: [(String, Tensor)] { [("router.weight", router)] }

    // MARK: Conversion

    /// Converts every `every`-th decoder layer of `model` (indices every - 1, 2 * every - 1,
    /// ...: the odd layers for 2, as LLaMA-Factory's MoD conversion does). The base
    /// parameters keep their `requiresGrad`; the routers train.
    /// - Returns: the converted layers' indices and hooks.
    /// - Throws: `AdapterError.invalidArgument` for a bad capacity or `every`, or when a
    ///   layer already has a hook.
    @discardableResult
    public static func apply(to model: CausalLM, capacity: Double, every: Int) throws
        -> [(Int, MixtureOfDepths)]
    {
        guard every >= 1 else {
            throw AdapterError.invalidArgument(name: "every", reason: "must be 1 or more, got \(every)")
        }
        let chosen = model.layers.indices.filter { $0 % every == every - 1 }
        if let index = chosen.first(where: { model.layers[$0].hook != nil }) {
            throw AdapterError.invalidArgument(
                name: "every", reason: "model.layers.\(index) is already converted")
        }
        var converted: [(Int, MixtureOfDepths)] = []
        for index in chosen {
            let hook = try MixtureOfDepths(hidden: model.config.hiddenSize, capacity: capacity)
            hook.router.name = "model.layers.\(index).router.weight"
            model.layers[index].hook = hook
            converted.append((index, hook))
        }
        return converted
    }

    /// The routers of `model`'s converted layers with their names
    /// (`model.layers.1.router.weight`), in layer order.
    public static func routers(of model: CausalLM) -> [(String, Tensor)] {
        model.layers.enumerated().flatMap { index, layer in
            (layer.hook?.namedParameters ?? []).map { ("model.layers.\(index).\($0.0)", $0.1) }
        }
    }

    // MARK: Routing

    /// The number of tokens routed out of `count` real ones.
    public func routedCount(of count: Int) -> Int {
        guard count > 0 else { return 0 }
        return min(count, max(1, Int((capacity * Double(count) + 1e-9).rounded(.down))))
    }

    /// Per-row top-k: 1 for the routed tokens, 0 for the others and for padding.
    /// - Parameters:
    ///   - scores: [B * T] router scores.
    ///   - valid: [B * T], 0 for padding, or nil.
    /// - Returns: [B * T] of 0 and 1; ties go to the earlier position.
    public func selection(scores: [Float], batch: Int, tokens: Int, valid: [Float]?) -> [Float] {
        var selected = [Float](repeating: 0, count: batch * tokens)
        for row in 0..<batch {
            let base = row * tokens
            let real = (0..<tokens).filter { token in valid.map { $0[base + token] != 0 } ?? true }
            let ranked = real.sorted { first, second in
                let (a, c) = (scores[base + first], scores[base + second])
                return a > c || (a == c && first < second)
            }
            for token in ranked.prefix(routedCount(of: real.count)) { selected[base + token] = 1 }
        }
        return selected
    }

    /// y = x + s * (1 + r) * (f - x) for the selection s [B, T] and scores r [B, T, 1].
    private func combine(_ x: Tensor, layer: Tensor, scores: Tensor, selection: Tensor) throws -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        let gate = try scores.add(Tensor(Float(1))).mul(selection.reshape([b, t, 1]))
        return try x.add(layer.sub(x).mul(gate))
    }

    /// The layer over whole sequences with top-k routing.
    public func forward(_ x: Tensor, keyMask: Tensor?, block: (Tensor?) throws -> Tensor) throws -> Tensor {
        let (b, t) = (x.shape[0], x.shape[1])
        let scores = try x.matmul(router.transposed())  // [B, T, 1]
        let chosen = selection(
            scores: scores.toFloatArray(), batch: b, tokens: t, valid: keyMask?.toFloatArray())
        let mask = try Tensor(shape: [b, t], scalars: chosen)
        return try combine(x, layer: block(mask), scores: scores, selection: mask)
    }

    /// The layer for new tokens with a cache: top-k over a fresh cache's prompt, then the
    /// causal prefix rule for each later token.
    public func forward(
        _ x: Tensor, cache: LayerCache, keyMask: [Float], block: ([Float]) throws -> Tensor
    ) throws -> Tensor {
        let (b, s) = (x.shape[0], x.shape[1])
        let past = cache.length
        let total = past + s
        let scores = try x.matmul(router.transposed())  // [B, S, 1]
        let values = scores.toFloatArray()
        let id = ObjectIdentifier(cache)
        var state: (scores: [[Float]], routed: [[Bool]])
        if past == 0 {
            state = (Array(repeating: [], count: b), Array(repeating: [], count: b))
        } else if let history, history.cache == id, history.routed.allSatisfy({ $0.count == past }) {
            state = (history.scores, history.routed)
        } else {
            throw AdapterError.invalidArgument(
                name: "cache", reason: "Mixture-of-Depths routing history does not match this cache")
        }
        var newMask = [Float](repeating: 0, count: b * s)
        if past == 0 {
            let valid = (0..<(b * s)).map { keyMask[($0 / s) * total + $0 % s] }
            newMask = selection(scores: values, batch: b, tokens: s, valid: valid)
            for row in 0..<b {
                state.scores[row] = (0..<s).map { valid[row * s + $0] != 0 ? values[row * s + $0] : -.infinity }
                state.routed[row] = (0..<s).map { newMask[row * s + $0] != 0 }
            }
        } else {
            for row in 0..<b {
                for j in 0..<s {
                    let score = values[row * s + j]
                    let isReal = keyMask[row * total + past + j] != 0
                    let earlier = state.scores[row].filter { $0 > -.infinity }
                    let limit = routedCount(of: earlier.count + 1)
                    let routed = isReal && earlier.filter { $0 >= score }.count < limit
                    state.scores[row].append(isReal ? score : -.infinity)
                    state.routed[row].append(routed)
                    newMask[row * s + j] = routed ? 1 : 0
                }
            }
        }
        history = (id, state.scores, state.routed)
        var layerMask = keyMask
        for row in 0..<b {
            for position in 0..<total where !state.routed[row][position] {
                layerMask[row * total + position] = 0
            }
        }
        let selection = try Tensor(shape: [b, s], scalars: newMask)
        return try combine(x, layer: block(layerMask), scores: scores, selection: selection)
    }
}
