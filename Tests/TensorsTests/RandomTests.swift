import Testing

@testable import Tensors

@Test func philoxMatchesRandom123KnownAnswers() {
    let zero = Philox(seed: 0).block(0)
    #expect(zero == (0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
    let ones = Philox(seed: .max).block(.max, stream: .max)
    #expect(ones == (0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
    let pi = Philox(seed: 0x299f_31d0_a409_3822).block(0x85a3_08d3_243f_6a88, stream: 0x0370_7344_1319_8a2e)
    #expect(pi == (0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
}

@Test func sameSeedSameTensor() throws {
    let first = try Tensor.randn([3, 5], generator: RandomGenerator(seed: 42))
    let second = try Tensor.randn([3, 5], generator: RandomGenerator(seed: 42))
    #expect(first.toFloatArray() == second.toFloatArray())
    let other = try Tensor.randn([3, 5], generator: RandomGenerator(seed: 43))
    #expect(first.toFloatArray() != other.toFloatArray())
    // Successive draws continue the stream rather than repeating it.
    let generator = RandomGenerator(seed: 42)
    let a = try Tensor.rand([4], generator: generator)
    let b = try Tensor.rand([4], generator: generator)
    #expect(a.toFloatArray() != b.toFloatArray())
    generator.manualSeed(42)
    #expect(try Tensor.rand([4], generator: generator).toFloatArray() == a.toFloatArray())
}

@Test func randomValuesDoNotDependOnThreadCount() throws {
    // Element i depends only on (seed, offset, i): a big draw equals the small draw's prefix.
    let big = try Tensor.rand([200_000], generator: RandomGenerator(seed: 9)).toFloatArray()
    let small = try Tensor.rand([8], generator: RandomGenerator(seed: 9)).toFloatArray()
    #expect(Array(big.prefix(8)) == small)
    // The first uniform of seed 0 is the top 24 bits of Philox(0).block(0).0, scaled.
    #expect(try Tensor.rand([1], generator: RandomGenerator(seed: 0)).item() == Float(0x6627_e8d5 >> 8) / 16_777_216)
}

@Test func distributionsHaveTheirMoments() throws {
    let normal = try Tensor.randn([20_000], mean: 1, std: 2, generator: RandomGenerator(seed: 1))
    let mean = try normal.mean().item()
    let variance = try (normal - mean).pow(2).mean().item()
    #expect(Swift.abs(mean - 1) < 0.05)
    #expect(Swift.abs(variance - 4) < 0.15)
    let uniform = try Tensor.rand([20_000], low: -3, high: 5, generator: RandomGenerator(seed: 2))
    let values = uniform.toFloatArray()
    #expect(values.allSatisfy { $0 >= -3 && $0 < 5 })
    #expect(Swift.abs(try uniform.mean().item() - 1) < 0.1)
}

@Test func kaimingUniformUsesTheLinearBound() throws {
    let weight = try Tensor.kaimingUniform([64, 100], generator: RandomGenerator(seed: 3))
    let values = weight.toFloatArray()
    // nn.Linear: a = sqrt(5) gives bound 1 / sqrt(fan_in) = 0.1.
    #expect(values.allSatisfy { Swift.abs($0) <= 0.1 })
    #expect(values.contains { Swift.abs($0) > 0.09 })
    #expect(throws: TensorError.self) { try Tensor.kaimingUniform([5]) }
}

@Test func dropoutZeroesAndScales() throws {
    let x = try Tensor.ones([1000])
    let y = try x.dropout(p: 0.25, generator: RandomGenerator(seed: 5)).toFloatArray()
    #expect(y.allSatisfy { $0 == 0 || Swift.abs($0 - 4.0 / 3) < 1e-6 })
    let dropped = y.filter { $0 == 0 }.count
    #expect(dropped > 200 && dropped < 300)
    #expect(try x.dropout(p: 0.5, training: false) === x)
    #expect(try x.dropout(p: 1).toFloatArray().allSatisfy { $0 == 0 })
    #expect(throws: TensorError.invalidArgument(op: "dropout", reason: "p must be in [0, 1], got 1.5")) {
        try x.dropout(p: 1.5)
    }
}
