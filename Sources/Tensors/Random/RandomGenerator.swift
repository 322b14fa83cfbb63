import Synchronization

/// A seeded source of random tensors: a Philox key (the seed) and a counter offset that
/// each draw advances. Thread-safe. `RandomGenerator.global` is what creation functions
/// use by default; `RandomGenerator.manualSeed(_:)` reseeds it (`torch.manual_seed`).
/// Its initial seed is 0, so a program that never seeds is still reproducible.
public final class RandomGenerator: Sendable {
    private struct State {
        var seed: UInt64
        var offset: UInt64
    }

    private let state: Mutex<State>

    /// A generator starting at word 0 of `seed`'s stream.
    public init(seed: UInt64) { state = Mutex(State(seed: seed, offset: 0)) }

    /// The generator creation functions use unless given another.
    public static let global = RandomGenerator(seed: 0)

    /// Reseeds the global generator.
    public static func manualSeed(_ seed: UInt64) { global.manualSeed(seed) }

    /// Restarts this generator at word 0 of `seed`'s stream.
    public func manualSeed(_ seed: UInt64) {
        state.withLock { $0 = State(seed: seed, offset: 0) }
    }

    /// The current seed.
    public var seed: UInt64 { state.withLock { $0.seed } }

    /// The Philox key and the next word's counter offset, for a checkpoint.
    public var snapshot: (seed: UInt64, offset: UInt64) {
        state.withLock { ($0.seed, $0.offset) }
    }

    /// Restores a state read from ``snapshot``, so the next draws continue that stream.
    public func restore(seed: UInt64, offset: UInt64) {
        state.withLock { $0 = State(seed: seed, offset: offset) }
    }

    /// Reserves `words` consecutive words (rounded up to whole blocks) and returns the
    /// Philox stream and the first word's index.
    func reserve(words: Int) -> (Philox, UInt64) {
        let blocks = UInt64((Swift.max(words, 0) + 3) / 4)
        return state.withLock { current in
            let start = current.offset
            current.offset &+= blocks &* 4
            return (Philox(seed: current.seed), start)
        }
    }

    /// A fresh 64-bit seed drawn from this generator (for ops such as dropout that
    /// regenerate their mask from a seed).
    public func nextSeed() -> UInt64 {
        let (philox, start) = reserve(words: 2)
        return UInt64(philox.word(start)) | UInt64(philox.word(start + 1)) << 32
    }

    /// The uniform float in [0, 1) of a 32-bit word (its top 24 bits).
    @inline(__always)
    static func unitFloat(_ word: UInt32) -> Float { Float(word >> 8) * (1.0 / 16_777_216.0) }
}
