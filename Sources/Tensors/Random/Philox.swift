/// Philox 4x32-10, the counter-based generator of Salmon et al., "Parallel Random
/// Numbers: As Easy as 1, 2, 3" (SC'11), as cuRAND and PyTorch's CUDA generator use
/// it. Block `counter` under `key` gives four 32-bit words; the same key and counter
/// give the same words on every machine, so tensors can be filled in parallel.
public struct Philox: Sendable, Equatable {
    /// The 64-bit key (the seed).
    public let key: UInt64

    /// A generator keyed by `seed`.
    public init(seed: UInt64) { key = seed }

    private static let multiplier0: UInt32 = 0xD251_1F53
    private static let multiplier1: UInt32 = 0xCD9E_8D57
    private static let weyl0: UInt32 = 0x9E37_79B9
    private static let weyl1: UInt32 = 0xBB67_AE85

    /// The four words of block `counter` (a 128-bit counter whose high half is `stream`).
    @inline(__always)
    public func block(_ counter: UInt64, stream: UInt64 = 0) -> (UInt32, UInt32, UInt32, UInt32) {
        var c0 = UInt32(truncatingIfNeeded: counter)
        var c1 = UInt32(truncatingIfNeeded: counter >> 32)
        var c2 = UInt32(truncatingIfNeeded: stream)
        var c3 = UInt32(truncatingIfNeeded: stream >> 32)
        var k0 = UInt32(truncatingIfNeeded: key)
        var k1 = UInt32(truncatingIfNeeded: key >> 32)
        for round in 0..<10 {
            if round > 0 {
                k0 &+= Philox.weyl0
                k1 &+= Philox.weyl1
            }
            let product0 = UInt64(Philox.multiplier0) &* UInt64(c0)
            let product1 = UInt64(Philox.multiplier1) &* UInt64(c2)
            let hi0 = UInt32(truncatingIfNeeded: product0 >> 32)
            let lo0 = UInt32(truncatingIfNeeded: product0)
            let hi1 = UInt32(truncatingIfNeeded: product1 >> 32)
            let lo1 = UInt32(truncatingIfNeeded: product1)
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
        }
        return (c0, c1, c2, c3)
    }

    /// Word `index` of the stream (block `index / 4`, lane `index % 4`).
    @inline(__always)
    public func word(_ index: UInt64) -> UInt32 {
        let words = block(index / 4)
        switch index % 4 {
        case 0: return words.0
        case 1: return words.1
        case 2: return words.2
        default: return words.3
        }
    }
}
