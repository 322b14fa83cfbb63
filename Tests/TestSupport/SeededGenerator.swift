/// A small deterministic random number generator (SplitMix64) for tests: the same
/// seed gives the same sequence everywhere.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` uniform floats in `low ..< high`.
    public mutating func floats(_ count: Int, low: Float = -1, high: Float = 1) -> [Float] {
        (0..<count).map { _ in Float.random(in: low..<high, using: &self) }
    }
}
