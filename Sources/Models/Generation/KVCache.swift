import Tensors

/// The keys and values of one attention layer for every token generated so far.
///
/// Buffers: keys and values [B, KVH, capacity, D] in memory the cache owns, rotated keys
/// as attention reads them; `length` tokens are filled. Appending copies the new rows in
/// place (one memcpy per head row); the capacity grows by doubling when a generation
/// runs past it (the generator sizes it for prompt + max tokens, so it normally never
/// does).
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
    private(set) var keys: UnsafeMutablePointer<Float>
    /// [B, KVH, capacity, D].
    private(set) var values: UnsafeMutablePointer<Float>

    /// An empty cache for `capacity` tokens.
    public init(batch: Int, keyValueHeads: Int, headDimension: Int, capacity: Int = 64) {
        self.batch = max(0, batch)
        self.keyValueHeads = max(0, keyValueHeads)
        self.headDimension = max(0, headDimension)
        self.capacity = max(1, capacity)
        let count = max(1, self.batch * self.keyValueHeads * self.capacity * self.headDimension)
        keys = .allocate(capacity: count)
        values = .allocate(capacity: count)
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// The first element of row (batch `b`, head `h`) in a [B, KVH, capacity, D] buffer.
    @inline(__always)
    func rowOffset(batch b: Int, head h: Int) -> Int {
        (b * keyValueHeads + h) * capacity * headDimension
    }

    /// Appends the keys and values of S new tokens.
    /// - Parameters:
    ///   - keys: [B, KVH, S, D] (rotated).
    ///   - values: [B, S, KVH * D].
    /// - Throws: `ModelError.invalidInput` on a shape that does not fit the cache.
    func append(keys newKeys: Tensor, values newValues: Tensor) throws {
        let (kvh, d) = (keyValueHeads, headDimension)
        guard newValues.rank == 3, newKeys.rank == 4 else {
            throw ModelError.invalidInput(
                "kv cache: expected keys [\(batch), \(kvh), S, \(d)], got \(newKeys.shape)")
        }
        let (b, s) = (newValues.shape[0], newValues.shape[1])
        guard b == batch, newKeys.shape == [b, kvh, s, d], newValues.shape == [b, s, kvh * d]
        else {
            throw ModelError.invalidInput(
                "kv cache: expected keys [\(batch), \(kvh), S, \(d)], got \(newKeys.shape)")
        }
        if length + s > capacity { grow(to: max(capacity * 2, length + s)) }
        let k = newKeys.contiguousFloat32()
        let v = newValues.contiguousFloat32()
        try k.withUnsafeFloats { k in
            try v.withUnsafeFloats { v in
                guard let kBase = k.baseAddress, let vBase = v.baseAddress else { return }
                for bi in 0..<b {
                    for h in 0..<kvh {
                        let target = rowOffset(batch: bi, head: h) + length * d
                        // Keys: the S rows of this head are contiguous in [B, KVH, S, D].
                        (keys + target).update(from: kBase + (bi * kvh + h) * s * d, count: s * d)
                        for t in 0..<s {
                            (values + target + t * d).update(
                                from: vBase + (bi * s + t) * kvh * d + h * d, count: d)
                        }
                    }
                }
            }
        }
        length += s
    }

    private func grow(to newCapacity: Int) {
        let d = headDimension
        let rows = batch * keyValueHeads
        let count = max(1, rows * newCapacity * d)
        let newKeys = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let newValues = UnsafeMutablePointer<Float>.allocate(capacity: count)
        for row in 0..<rows {
            (newKeys + row * newCapacity * d).update(from: keys + row * capacity * d, count: length * d)
            (newValues + row * newCapacity * d).update(
                from: values + row * capacity * d, count: length * d)
        }
        keys.deallocate()
        values.deallocate()
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
