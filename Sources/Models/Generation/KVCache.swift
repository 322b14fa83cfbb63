import Tensors

/// The keys and values of one attention layer for every token generated so far.
///
/// Buffers: keys and values [B, KVH, capacity, D], rotated keys as attention reads them;
/// `length` tokens are filled. The capacity grows by doubling.
public final class LayerCache {
    /// Batches (B).
    public let batch: Int
    /// Key/value heads (KVH).
    public let keyValueHeads: Int
    /// Head dimension (D).
    public let headDimension: Int
    /// Tokens held.
    public private(set) var length = 0
    /// Tokens the buffers can hold before growing.
    public private(set) var capacity: Int
    /// [B, KVH, capacity, D].
    private(set) var keys: [Float]
    /// [B, KVH, capacity, D].
    private(set) var values: [Float]

    /// An empty cache for `capacity` tokens.
    public init(batch: Int, keyValueHeads: Int, headDimension: Int, capacity: Int = 64) {
        self.batch = batch
        self.keyValueHeads = keyValueHeads
        self.headDimension = headDimension
        self.capacity = max(1, capacity)
        let count = batch * keyValueHeads * self.capacity * headDimension
        keys = [Float](repeating: 0, count: count)
        values = [Float](repeating: 0, count: count)
    }

    /// Appends the keys and values of S new tokens.
    /// - Parameters:
    ///   - keys: [B, KVH, S, D] (rotated).
    ///   - values: [B, S, KVH * D].
    /// - Throws: `ModelError.invalidInput` on a shape that does not fit the cache.
    func append(keys newKeys: Tensor, values newValues: Tensor) throws {
        let (b, s) = (newValues.shape[0], newValues.shape[1])
        let (kvh, d) = (keyValueHeads, headDimension)
        guard b == batch, newKeys.shape == [b, kvh, s, d], newValues.shape == [b, s, kvh * d]
        else {
            throw ModelError.invalidInput(
                "kv cache: expected keys [\(batch), \(kvh), S, \(d)], got \(newKeys.shape)")
        }
        if length + s > capacity { grow(to: max(capacity * 2, length + s)) }
        let k = newKeys.toFloatArray()
        let v = newValues.toFloatArray()
        for bi in 0..<b {
            for h in 0..<kvh {
                for t in 0..<s {
                    let target = ((bi * kvh + h) * capacity + length + t) * d
                    let keySource = ((bi * kvh + h) * s + t) * d
                    let valueSource = (bi * s + t) * kvh * d + h * d
                    for i in 0..<d {
                        keys[target + i] = k[keySource + i]
                        values[target + i] = v[valueSource + i]
                    }
                }
            }
        }
        length += s
    }

    private func grow(to newCapacity: Int) {
        let d = headDimension
        var newKeys = [Float](repeating: 0, count: batch * keyValueHeads * newCapacity * d)
        var newValues = newKeys
        for row in 0..<(batch * keyValueHeads) {
            for t in 0..<length {
                for i in 0..<d {
                    newKeys[(row * newCapacity + t) * d + i] = keys[(row * capacity + t) * d + i]
                    newValues[(row * newCapacity + t) * d + i] = values[(row * capacity + t) * d + i]
                }
            }
        }
        keys = newKeys
        values = newValues
        capacity = newCapacity
    }
}

/// The per-layer caches of one generation.
public final class KVCache {
    /// One cache per decoder layer.
    public let layers: [LayerCache]

    /// Empty caches shaped for `model` and `batch` rows.
    public init(model: CausalLM, batch: Int, capacity: Int = 64) {
        layers = model.layers.map { layer in
            LayerCache(
                batch: batch, keyValueHeads: layer.attention.keyValueHeads,
                headDimension: layer.attention.headDimension, capacity: capacity)
        }
    }

    /// Tokens held (the same in every layer).
    public var length: Int { layers.first?.length ?? 0 }
}
