/// A deterministic permutation from a seed (SplitMix64 driving Fisher-Yates), the same on
/// every platform and Swift version. Not the numpy permutation HF `datasets` uses, so a
/// shuffled order differs from LLaMA-Factory's while being just as reproducible.
public enum SeededShuffle {
    /// The indices `0..<count` in a seeded random order.
    public static func permutation(count: Int, seed: UInt64) -> [Int] {
        var order = Array(0..<count)
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        if count > 1 {
            for i in stride(from: count - 1, to: 0, by: -1) {
                let j = Int(next() % UInt64(i + 1))
                order.swapAt(i, j)
            }
        }
        return order
    }
}
