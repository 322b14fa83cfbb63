import Foundation

/// Random tensors from a counter-based generator: element `i` depends only on the seed,
/// the generator's offset and `i`, so results are identical across runs, machines and
/// thread counts.
extension Tensor {
    /// Uniform values in `low ..< high`.
    /// - Throws: shape errors.
    public static func rand(
        _ shape: [Int], low: Float = 0, high: Float = 1, generator: RandomGenerator = .global
    ) throws -> Tensor {
        let tensor = try Tensor(zeros: shape)
        let (philox, start) = generator.reserve(words: tensor.count)
        let target = tensor.storage.floats
        let span = high - low
        Parallel.forEachChunk(count: tensor.count, minimumChunk: 65_536) { range in
            for index in range {
                target[index] = low + span * RandomGenerator.unitFloat(philox.word(start + UInt64(index)))
            }
        }
        return tensor
    }

    /// Normal values with `mean` and `std` (Box-Muller over pairs of words, in Double).
    /// - Throws: shape errors.
    public static func randn(
        _ shape: [Int], mean: Float = 0, std: Float = 1, generator: RandomGenerator = .global
    ) throws -> Tensor {
        let tensor = try Tensor(zeros: shape)
        let count = tensor.count
        let (philox, start) = generator.reserve(words: count + count % 2)
        let target = tensor.storage.floats
        let pairs = (count + 1) / 2
        Parallel.forEachChunk(count: pairs, minimumChunk: 32_768) { range in
            for pair in range {
                let first = philox.word(start + UInt64(2 * pair))
                let second = philox.word(start + UInt64(2 * pair + 1))
                let u1 = (Double(first) + 1) / 4_294_967_296.0  // (0, 1]
                let u2 = Double(second) / 4_294_967_296.0
                let radius = (-2 * Foundation.log(u1)).squareRoot()
                let angle = 2 * Double.pi * u2
                target[2 * pair] = mean + std * Float(radius * Foundation.cos(angle))
                if 2 * pair + 1 < count {
                    target[2 * pair + 1] = mean + std * Float(radius * Foundation.sin(angle))
                }
            }
        }
        return tensor
    }

    /// Kaiming (He) uniform initialisation as `torch.nn.init.kaiming_uniform_` with
    /// leaky-ReLU slope `a` and fan-in mode: bound `sqrt(2 / (1 + a^2)) * sqrt(3 / fanIn)`,
    /// where fanIn is `shape[1]` times the product of `shape[2...]`. The default
    /// `a = sqrt(5)` is what `nn.Linear` uses (bound `1 / sqrt(fanIn)`).
    /// - Throws: `TensorError.invalidShape` for fewer than 2 dims or a zero fan-in.
    public static func kaimingUniform(
        _ shape: [Int], a: Double = 5.0.squareRoot(), generator: RandomGenerator = .global
    ) throws -> Tensor {
        guard shape.count >= 2 else {
            throw TensorError.invalidShape(op: "kaiming_uniform", shape: shape, reason: "needs at least 2 dimensions")
        }
        let fanIn = try Shape.count(Array(shape[1...]), op: "kaiming_uniform")
        guard fanIn > 0 else {
            throw TensorError.invalidShape(op: "kaiming_uniform", shape: shape, reason: "fan-in is zero")
        }
        let gain = (2.0 / (1 + a * a)).squareRoot()
        let bound = Float(gain * (3.0 / Double(fanIn)).squareRoot())
        return try rand(shape, low: -bound, high: bound, generator: generator)
    }
}
