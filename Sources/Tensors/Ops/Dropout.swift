/// Dropout: zero each element with probability `p` and scale the rest by `1 / (1 - p)`.
/// The mask is a function of attribute `seed` (drawn from a `RandomGenerator` at call
/// time), so re-applying the op reproduces it.
extension OpSpec {
    /// Dropout with attributes `p` and `seed`.
    public static let dropout = OpSpec(
        name: "dropout", arity: .exactly(1),
        forward: { x, a in
            let p = a.float("p")
            guard p >= 0, p <= 1 else {
                throw TensorError.invalidArgument(op: "dropout", reason: "p must be in [0, 1], got \(p)")
            }
            let mask = try DropoutKernel.mask(x[0].shape, p: Float(p), seed: UInt64(bitPattern: Int64(a.int("seed"))))
            return OpResult(try Elementwise.zip(x[0], mask, op: "dropout") { $0 * $1 }, saved: [mask])
        },
        backward: { c in [try Elementwise.zip(c.gradOutput, c.saved[0], op: "dropout") { $0 * $1 }] },
        label: { a in "dropout(p=\(OpAttribute.format(a.float("p"))))" },
        cost: OpCost.elementwise(flopsPerElement: 2))
}

enum DropoutKernel {
    /// 0 or `1 / (1 - p)` per element, from Philox(seed).
    static func mask(_ shape: [Int], p: Float, seed: UInt64) throws -> Tensor {
        let mask = try Tensor(zeros: shape)
        guard p < 1 else { return mask }
        let philox = Philox(seed: seed)
        let scale = 1 / (1 - p)
        let target = mask.storage.floats
        Parallel.forEachChunk(count: mask.count, minimumChunk: 65_536) { range in
            for index in range {
                target[index] = RandomGenerator.unitFloat(philox.word(UInt64(index))) >= p ? scale : 0
            }
        }
        return mask
    }
}

extension Tensor {
    /// Dropout with probability `p` when `training` (identity otherwise or for p = 0).
    /// - Throws: `TensorError.invalidArgument` for p outside [0, 1].
    public func dropout(p: Double, training: Bool = true, generator: RandomGenerator = .global) throws
        -> Tensor
    {
        guard p >= 0, p <= 1 else {
            throw TensorError.invalidArgument(op: "dropout", reason: "p must be in [0, 1], got \(p)")
        }
        guard training, p > 0 else { return self }
        let seed = Int(Int64(bitPattern: generator.nextSeed()))
        return try OpSpec.dropout.apply([self], ["p": .float(p), "seed": .int(seed)])
    }
}
