import TestSupport
import Testing

@testable import Tensors

/// `dora_linear` and `dora_weight_norm` against DoRA composed from primitive ops as
/// PEFT's `dora.py` writes it (`base + (m/n − 1) base + (m/n) scaling lora`, with the
/// norm under no_grad), forward and every gradient, plus their gradcheck cases.
@Suite struct DoRALinearTests {
    /// Gradcheck cases (`FusedGradcheckCases.cases` includes them). n is an input of
    /// `dora_linear`, so finite differences of a and b see the same detached norm the
    /// analytic gradient assumes.
    static let gradcheckCases: [GradcheckCase] = [
        GradcheckCase(
            "dora_linear", "every input",
            inputs: [
                .random([2, 3, 4]), .random([5, 4]), .random([2, 4]), .random([5, 2]),
                .random([5], low: 0.5, high: 1.5), .random([5], low: 0.5, high: 1.5),
            ],
            attributes: ["scaling": .float(0.7)]),
        GradcheckCase(
            "dora_linear", "transposed weight view, negative magnitude",
            inputs: [
                .random([3, 4]), .constant(FusedGradcheckCases.transposedWeight), .random([1, 4]),
                .random([5, 1]), .random([5], low: -1.5, high: -0.5), .random([5], low: 0.5, high: 1.5),
            ],
            attributes: ["scaling": .float(2)]),
    ]

    /// PEFT's composition: x Wᵀ + bias + (m/n − 1) x Wᵀ + (m/n) scaling x Aᵀ Bᵀ.
    static func composed(_ t: [Tensor], scaling: Float) throws -> Tensor {
        let (x, weight, a, b, magnitude, bias) = (t[0], t[1], t[2], t[3], t[4], t[5])
        let norm = try withNoGrad { try composedNorm(weight, a, b, scaling: scaling) }
        let base = try x.matmul(weight.transposed())
        let lora = try x.matmul(a.transposed()).matmul(b.transposed())
        let scale = try magnitude.div(norm)
        return try base.add(bias).add((scale - 1).mul(base)).add(scale.mul(lora) * scaling)
    }

    /// ||W + scaling B A|| per row, from primitive ops.
    static func composedNorm(_ weight: Tensor, _ a: Tensor, _ b: Tensor, scaling: Float) throws -> Tensor {
        try weight.add(b.matmul(a) * scaling).pow(2).sum(dim: 1).sqrt()
    }

    /// x [..., in], out features, rank: SIMD bodies and tails of both the feature and
    /// the output loops, one row, a rank of one.
    @Test(arguments: [([2, 3, 6], 5, 3), ([7, 16], 9, 1), ([1, 4, 21], 12, 4), ([1, 33], 17, 8)])
    func matchesComposition(_ input: [Int], _ outputs: Int, _ rank: Int) throws {
        let features = input.last ?? 0
        let scaling: Float = 1.7
        try expectSameAsComposition(
            [
                random(input, seed: 51), random([outputs, features], seed: 52), random([rank, features], seed: 53),
                random([outputs, rank], seed: 54), random([outputs], seed: 55, low: 0.5, high: 2),
                random([outputs], seed: 56),
            ],
            tolerance: 2e-5,
            fused: { t in
                try t[0].doraLinear(weight: t[1], a: t[2], b: t[3], magnitude: t[4], scaling: scaling).add(t[5])
            },
            composed: { try Self.composed($0, scaling: scaling) })
    }

    @Test func zeroMagnitudeStillGetsItsGradient() throws {
        // m[1] = 0 zeroes output 1, so backward cannot read z back from the output there.
        var magnitude = random([4], seed: 61, low: 0.5, high: 2)
        magnitude.data[1] = 0
        try expectSameAsComposition(
            [
                random([3, 10], seed: 62), random([4, 10], seed: 63), random([2, 10], seed: 64),
                random([4, 2], seed: 65), magnitude, random([4], seed: 66),
            ],
            fused: { t in try t[0].doraLinear(weight: t[1], a: t[2], b: t[3], magnitude: t[4], scaling: 0.5).add(t[5]) },
            composed: { try Self.composed($0, scaling: 0.5) })
    }

    @Test func frozenInputsGetNoGradient() throws {
        let x = try Tensor(shape: [2, 9], scalars: random([2, 9], seed: 71).data)
        let weight = try Tensor(shape: [3, 9], scalars: random([3, 9], seed: 72).data)
        let (a, b, m) = (
            try Tensor(shape: [2, 9], scalars: random([2, 9], seed: 73).data),
            try Tensor(shape: [3, 2], scalars: random([3, 2], seed: 74).data),
            try Tensor(shape: [3], scalars: [1, 2, 3])
        )
        for tensor in [a, b, m] { tensor.requiresGrad = true }
        let y = try x.doraLinear(weight: weight, a: a, b: b, magnitude: m, scaling: 2)
        #expect(y.producer?.opName == "dora_linear")
        // The norm is an input of the node, produced off the tape.
        #expect(y.producer?.inputs[5].producer == nil && y.producer?.inputs[5].requiresGrad == false)
        try y.sum().backward()
        #expect(weight.grad == nil && x.grad == nil)
        #expect(a.grad?.shape == [2, 9] && b.grad?.shape == [3, 2] && m.grad?.shape == [3])
    }

    @Test func weightNormMatchesCompositionInEveryLayout() throws {
        let weight = try Tensor(shape: [6, 19], scalars: random([6, 19], seed: 81).data)
        let a = try Tensor(shape: [3, 19], scalars: random([3, 19], seed: 82).data)
        let b = try Tensor(shape: [6, 3], scalars: random([6, 3], seed: 83).data)
        let expected = try Self.composedNorm(weight, a, b, scaling: 1.5).toFloatArray()
        let norms = try weight.doraWeightNorm(a: a, b: b, scaling: 1.5)
        #expect(norms.shape == [6])
        #expect(agree(norms.toFloatArray(), expected))
        // The same weight stored [19, 6] and seen transposed.
        let stored = try weight.transposed().contiguous().transposed()
        #expect(agree(try stored.doraWeightNorm(a: a, b: b, scaling: 1.5).toFloatArray(), expected))
        // bf16 weights: the norm of the bf16-rounded values, in both layouts.
        let bf16 = try weight.to(.bfloat16)
        let rounded = try Self.composedNorm(try bf16.to(.float32), a, b, scaling: 1.5).toFloatArray()
        #expect(agree(try bf16.doraWeightNorm(a: a, b: b, scaling: 1.5).toFloatArray(), rounded))
        let bf16Stored = try bf16.transposed().contiguous().transposed()
        #expect(agree(try bf16Stored.doraWeightNorm(a: a, b: b, scaling: 1.5).toFloatArray(), rounded))
    }

    @Test func bf16WeightMatchesItsFloat32Copy() throws {
        let weight = try Tensor(shape: [12, 40], scalars: random([12, 40], seed: 91).data).to(.bfloat16)
        func run(_ weight: Tensor) throws -> [[Float]] {
            let leaves = try [
                random([2, 3, 40], seed: 92), random([4, 40], seed: 93), random([12, 4], seed: 94),
                random([12], seed: 95, low: 0.5, high: 2),
            ].map { value in
                let tensor = try Tensor(shape: value.shape, scalars: value.data)
                tensor.requiresGrad = true
                return tensor
            }
            let y = try leaves[0].doraLinear(weight: weight, a: leaves[1], b: leaves[2], magnitude: leaves[3], scaling: 0.5)
            try y.backward(gradient: try Tensor(shape: y.shape, scalars: random(y.shape, seed: 96).data))
            return try [y.toFloatArray()] + leaves.map { try #require($0.grad).toFloatArray() }
        }
        let got = try run(weight)
        let expected = try run(try weight.to(.float32))
        for (index, name) in ["y", "dx", "da", "db", "dm"].enumerated() {
            #expect(agree(got[index], expected[index], tolerance: 1e-4), "\(name)")
        }
    }

    @Test func mismatchedMagnitudeIsAShapeError() throws {
        let x = try Tensor(shape: [2, 4], scalars: random([2, 4], seed: 1).data)
        let weight = try Tensor(shape: [3, 4], scalars: random([3, 4], seed: 2).data)
        let a = try Tensor(shape: [1, 4], scalars: random([1, 4], seed: 3).data)
        let b = try Tensor(shape: [3, 1], scalars: random([3, 1], seed: 4).data)
        #expect(throws: TensorError.self) {
            try x.doraLinear(weight: weight, a: a, b: b, magnitude: Tensor([1, 2]), scaling: 1)
        }
    }
}
