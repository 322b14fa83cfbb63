import TestSupport
import Testing

@testable import Tensors

/// Ops with a bf16 operand (a frozen weight of a model loaded with `dtype: "bf16"`)
/// against the same ops on float32 copies of the bf16-rounded values: identical math up
/// to summation order.
@Suite struct BFloat16MatmulTests {
    /// A bf16 tensor of random values and its exact float32 copy.
    func pair(_ shape: [Int], seed: UInt64) throws -> (bf16: Tensor, float32: Tensor) {
        var generator = SeededGenerator(seed: seed)
        let bf16 = try Tensor(shape: shape, scalars: generator.floats(shape.reduce(1, *))).to(.bfloat16)
        return (bf16, try bf16.to(.float32))
    }

    func random(_ shape: [Int], seed: UInt64, grad: Bool = false) throws -> Tensor {
        var generator = SeededGenerator(seed: seed)
        let tensor = try Tensor(shape: shape, scalars: generator.floats(shape.reduce(1, *)))
        tensor.requiresGrad = grad
        return tensor
    }

    /// x [..., K] @ Wᵀ for a Linear-style weight W [N, K]: one row (GEMV), several rows
    /// (widened panels), and a weight wider than one panel.
    @Test(arguments: [([1, 64], 48), ([2, 3, 64], 48), ([5, 4096], 70), ([1, 4096], 70), ([7, 17], 33)])
    func linearWeightMatchesFloat32(_ input: [Int], _ outputs: Int) throws {
        let k = input.last ?? 0
        let x = try random(input, seed: 1)
        let (wb, wf) = try pair([outputs, k], seed: 2)
        #expect(wb.dtype == .bfloat16)
        let got = try x.matmul(wb.transposed())
        let expected = try x.matmul(wf.transposed())
        #expect(got.shape == expected.shape)
        expectClose(got.toFloatArray(), expected.toFloatArray(), tolerance: 1e-4, "\(input) @ [\(outputs), \(k)]ᵀ")
    }

    /// x [M, K] @ W with W stored [K, N] (no transpose): GEMVᵀ for one row, panels that
    /// accumulate over K otherwise.
    @Test(arguments: [[1, 70], [3, 70], [2, 5]])
    func storedWeightMatchesFloat32(_ input: [Int]) throws {
        let x = try random(input, seed: 3)
        let (wb, wf) = try pair([input[1], 4096], seed: 4)
        expectClose(
            try x.matmul(wb).toFloatArray(), try x.matmul(wf).toFloatArray(), tolerance: 1e-4, "\(input)")
    }

    @Test func backwardThroughAFrozenBF16Weight() throws {
        let (wb, wf) = try pair([24, 40], seed: 5)
        let x1 = try random([2, 3, 40], seed: 6, grad: true)
        let x2 = try random([2, 3, 40], seed: 6, grad: true)
        let g = try random([2, 3, 24], seed: 7)
        try x1.matmul(wb.transposed()).backward(gradient: g)
        try x2.matmul(wf.transposed()).backward(gradient: g)
        #expect(wb.grad == nil)
        let dx1 = try #require(x1.grad)
        let dx2 = try #require(x2.grad)
        expectClose(dx1.toFloatArray(), dx2.toFloatArray(), tolerance: 1e-4, "dX = dY W")
        // One row (the GEMVᵀ path of dX).
        let r1 = try random([1, 40], seed: 8, grad: true)
        let r2 = try random([1, 40], seed: 8, grad: true)
        let gr = try random([1, 24], seed: 9)
        try r1.matmul(wb.transposed()).backward(gradient: gr)
        try r2.matmul(wf.transposed()).backward(gradient: gr)
        expectClose(try #require(r1.grad).toFloatArray(), try #require(r2.grad).toFloatArray(), tolerance: 1e-4, "one row")
    }

    @Test func trainableBF16WeightGetsAFloat32Gradient() throws {
        let (wb, wf) = try pair([6, 10], seed: 10)
        wb.requiresGrad = true
        wf.requiresGrad = true
        let x = try random([4, 10], seed: 11)
        let g = try random([4, 6], seed: 12)
        try x.matmul(wb.transposed()).backward(gradient: g)
        try x.matmul(wf.transposed()).backward(gradient: g)
        let gradB = try #require(wb.grad)
        #expect(gradB.dtype == .float32)
        expectClose(gradB.toFloatArray(), try #require(wf.grad).toFloatArray(), tolerance: 1e-5, "dW")
    }

    @Test func gradcheckWithBF16Weights() throws {
        let (wb, _) = try pair([5, 6], seed: 13)
        let matmul = try Gradcheck.run(
            GradcheckCase("matmul", "bf16 weightᵀ", inputs: [.random([3, 6]), .constant(try wb.transposed())]),
            spec: OpSpec.matmul)
        #expect(matmul.passed, "\(matmul.failures.prefix(3))")
        let row = try Gradcheck.run(
            GradcheckCase("matmul", "bf16 weightᵀ, one row", inputs: [.random([1, 6]), .constant(try wb.transposed())]),
            spec: OpSpec.matmul)
        #expect(row.passed, "\(row.failures.prefix(3))")
        let lora = try Gradcheck.run(
            GradcheckCase(
                "lora_linear", "bf16 weight",
                inputs: [.random([2, 3, 6]), .constant(wb), .random([2, 6]), .random([5, 2])],
                attributes: ["scaling": .float(2)]),
            spec: OpSpec.loraLinear)
        #expect(lora.passed, "\(lora.failures.prefix(3))")
    }

    @Test(arguments: [[3, 4, 64], [1, 64]])
    func loraLinearOverABF16Weight(_ input: [Int]) throws {
        let (wb, wf) = try pair([40, 64], seed: 14)
        func run(_ weight: Tensor) throws -> [[Float]] {
            let x = try random(input, seed: 15, grad: true)
            let a = try random([4, 64], seed: 16, grad: true)
            let b = try random([40, 4], seed: 17, grad: true)
            let y = try x.loraLinear(weight: weight, a: a, b: b, scaling: 0.5)
            try y.backward(gradient: try random(y.shape, seed: 18))
            return try [y.toFloatArray()] + [x, a, b].map { try #require($0.grad).toFloatArray() }
        }
        let got = try run(wb)
        let expected = try run(wf)
        for (index, name) in ["y", "dx", "da", "db"].enumerated() {
            expectClose(got[index], expected[index], tolerance: 1e-4, name)
        }
    }

    @Test func embeddingReadsBF16Rows() throws {
        let (tb, tf) = try pair([50, 24], seed: 19)
        let ids = try Tensor(ids: [3, 0, 49, 3, 17, 8], shape: [2, 3])
        let got = try ids.embedding(in: tb)
        #expect(got.shape == [2, 3, 24])
        #expect(got.toFloatArray() == (try ids.embedding(in: tf)).toFloatArray())
        #expect(throws: TensorError.indexOutOfRange(op: "embedding", index: 50, size: 50)) {
            try Tensor(ids: [1, 50], shape: [2]).embedding(in: tb)
        }
    }

    @Test func dtypeNamesAcceptTheShortSpellings() {
        #expect(DType(name: "bf16") == .bfloat16)
        #expect(DType(name: "BFloat16") == .bfloat16)
        #expect(DType(name: "fp32") == .float32)
        #expect(DType(name: "f16") == .float16)
        #expect(DType(name: "float64") == nil)
    }
}
