import Tensors

/// The incremental forward pass generation uses: new tokens against a KV cache.
extension CausalLM {
    /// Runs S new tokens per row through the model, appending their keys and values to
    /// `cache`, and returns the logits of each row's last new token.
    /// - Parameters:
    ///   - ids: [B][S] the new tokens.
    ///   - positions: [B][S] their positions.
    ///   - keyMask: [B][cache.length + S], 0 for padding (previous tokens and new ones).
    ///   - cache: the generation's cache.
    /// - Returns: [B][vocab] logits of position S - 1.
    /// - Throws: `ModelError.invalidInput`, tensor errors.
    public func nextTokenLogits(
        ids: [[Int]], positions: [[Int]], keyMask: [[Float]], cache: KVCache
    ) throws -> [[Float]] {
        try withNoGrad {
            let b = ids.count
            let s = ids.first?.count ?? 0
            guard b > 0, s > 0, ids.allSatisfy({ $0.count == s }), positions.count == b,
                cache.layers.first?.batch ?? b == b
            else {
                throw ModelError.invalidInput("generate: ragged new tokens")
            }
            let total = cache.length + s
            guard keyMask.count == b, keyMask.allSatisfy({ $0.count == total }) else {
                throw ModelError.invalidInput("generate: key mask must be [\(b)][\(total)]")
            }
            let input = try Tensor(ids: ids.flatMap { $0 }, shape: [b, s])
            let largest = positions.flatMap { $0 }.max() ?? 0
            let rotary = try RotaryTables(
                positions: positions, frequencies: frequencies(sequenceLength: largest + 1))
            let mask = keyMask.flatMap { $0 }
            var x = try embed(input)
            for (index, layer) in layers.enumerated() {
                let layerCache = cache.layers[index]
                // One new token: the grouped decode step when the layer is plain.
                x = try layer.decodeOneToken(x, rotary: rotary, cache: layerCache, keyMask: mask)
                    ?? layer(x, rotary: rotary, cache: layerCache, keyMask: mask)
            }
            let last = try x.slice(dim: 1, start: s - 1, end: s)
            let logits = try head(stack.norm(last)).toFloatArray()  // [B, 1, V]
            if b == 1 { return [logits] }  // one row: no second copy
            let vocabulary = logits.count / b
            return (0..<b).map { Array(logits[($0 * vocabulary)..<(($0 + 1) * vocabulary)]) }
        }
    }
}
