import TestSupport
import Testing

@testable import Tensors

/// `a @ b` by the definition, in Double, for tensors of rank >= 2 with broadcast batches.
func referenceMatmul(_ a: Tensor, _ b: Tensor) throws -> [Float] {
    let (m, k, n) = (a.shape[a.rank - 2], a.shape[a.rank - 1], b.shape[b.rank - 1])
    let batch = try Shape.broadcast(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)), op: "ref")
    let left = try a.expand(batch + [m, k]).contiguous().toFloatArray()
    let right = try b.expand(batch + [k, n]).contiguous().toFloatArray()
    let count = batch.reduce(1, *)
    var out = [Float](repeating: 0, count: count * m * n)
    for p in 0..<count {
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for q in 0..<k {
                    sum += Double(left[p * m * k + i * k + q]) * Double(right[p * k * n + q * n + j])
                }
                out[p * m * n + i * n + j] = Float(sum)
            }
        }
    }
    return out
}

func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-4, _ note: String = "") {
    #expect(actual.count == expected.count, "\(note): count \(actual.count) vs \(expected.count)")
    let worst = zip(actual, expected).map { Swift.abs($0 - $1) / Swift.max(1, Swift.abs($1)) }.max() ?? 0
    #expect(worst <= tolerance, "\(note): max error \(worst)")
}

struct MatmulShapes: Sendable, CustomStringConvertible {
    var a: [Int]
    var b: [Int]
    var transposeA = false
    var transposeB = false
    var description: String { "\(a)\(transposeA ? "ᵀ" : "") @ \(b)\(transposeB ? "ᵀ" : "")" }
}

@Test(arguments: [
    MatmulShapes(a: [1, 1], b: [1, 1]),
    MatmulShapes(a: [1, 7], b: [7, 1]),
    MatmulShapes(a: [5, 3], b: [3, 9]),
    MatmulShapes(a: [13, 1], b: [1, 11]),
    MatmulShapes(a: [5, 7], b: [7, 3], transposeA: true),
    MatmulShapes(a: [5, 7], b: [7, 3], transposeB: true),
    MatmulShapes(a: [5, 7], b: [7, 3], transposeA: true, transposeB: true),
    MatmulShapes(a: [3, 5, 7], b: [7, 2]),
    MatmulShapes(a: [3, 5, 7], b: [7, 2], transposeB: true),
    MatmulShapes(a: [2, 1, 3, 4], b: [5, 4, 3]),
    MatmulShapes(a: [1, 3, 4], b: [6, 4, 1]),
    MatmulShapes(a: [4, 5, 3], b: [4, 3, 2], transposeA: true),
])
func matmulMatchesTheDefinition(_ shapes: MatmulShapes) throws {
    var generator = SeededGenerator(seed: 11)
    func make(_ shape: [Int], transposed: Bool) throws -> Tensor {
        var stored = shape
        if transposed { stored.swapAt(shape.count - 1, shape.count - 2) }
        let tensor = try Tensor(shape: stored, scalars: generator.floats(stored.reduce(1, *)))
        return transposed ? try tensor.transpose(-1, -2) : tensor
    }
    let a = try make(shapes.a, transposed: shapes.transposeA)
    let b = try make(shapes.b, transposed: shapes.transposeB)
    let product = try a.matmul(b)
    expectClose(product.toFloatArray(), try referenceMatmul(a, b), tolerance: 1e-5, shapes.description)
}

@Test func transposedOperandsNeedNoCopyForBLAS() throws {
    let weight = try Tensor.rand([6, 4], generator: RandomGenerator(seed: 1))
    let (viewed, layout) = MatmulKernel.prepare(try weight.transposed())
    #expect(viewed.storage === weight.storage)
    #expect(layout.transpose == .transposed)
}

@Test func matmulHandlesVectorsAsPyTorch() throws {
    let matrix = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
    let vector = Tensor([1, 0, -1])
    #expect(try matrix.matmul(vector).shape == [2])
    #expect(try matrix.matmul(vector).toFloatArray() == [-2, -2])
    #expect(try Tensor([1, 1]).matmul(matrix).toFloatArray() == [5, 7, 9])
    #expect(try vector.matmul(vector).shape == [])
    #expect(try vector.matmul(vector).item() == 2)
}

@Test func sgemmFacadeMatchesNaiveLoop() {
    var generator = SeededGenerator(seed: 3)
    let (m, n, k) = (5, 4, 3)
    let a = generator.floats(k * m)  // stored transposed: [k, m]
    let b = generator.floats(k * n)  // [k, n]
    var fast = [Float](repeating: 1, count: m * n)
    var slow = fast
    BLAS.sgemm(
        transA: .transposed, transB: .none, m: m, n: n, k: k, alpha: 2, a: a, lda: m, b: b, ldb: n,
        beta: 0.5, c: &fast, ldc: n)
    BLAS.naiveSgemm(
        transA: .transposed, transB: .none, m: m, n: n, k: k, alpha: 2, a: a, lda: m, b: b, ldb: n,
        beta: 0.5, c: &slow, ldc: n)
    expectClose(fast, slow, tolerance: 1e-5)
}

@Test func matmulRejectsMismatchedShapes() throws {
    let a = try Tensor.zeros([2, 3])
    let b = try Tensor.zeros([4, 5])
    #expect(throws: TensorError.shapeMismatch(op: "matmul", lhs: [2, 3], rhs: [4, 5])) {
        try a.matmul(b)
    }
    #expect(throws: TensorError.shapeMismatch(op: "matmul", lhs: [2, 2, 3], rhs: [3, 3, 1])) {
        try Tensor.zeros([2, 2, 3]).matmul(try Tensor.zeros([3, 3, 1]))
    }
}
