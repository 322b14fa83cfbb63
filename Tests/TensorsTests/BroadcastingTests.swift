import TestSupport
import Testing

@testable import Tensors

/// A random shape of rank 0-4 and sizes 1-4.
func randomShape(_ generator: inout SeededGenerator) -> [Int] {
    (0..<Int.random(in: 0...4, using: &generator)).map { _ in Int.random(in: 1...4, using: &generator) }
}

/// A shape that broadcasts with `shape`: some dims set to 1, some leading dims dropped.
func compatibleShape(_ shape: [Int], _ generator: inout SeededGenerator) -> [Int] {
    let drop = Int.random(in: 0...shape.count, using: &generator)
    return shape.dropFirst(drop).map { Bool.random(using: &generator) ? 1 : $0 }
}

@Test func binaryOpsBroadcastLikeTheDefinition() throws {
    var generator = SeededGenerator(seed: 2024)
    for _ in 0..<200 {
        let left = randomShape(&generator)
        let right = compatibleShape(left, &generator)
        let (a, b) = Bool.random(using: &generator) ? (left, right) : (right, left)
        let x = try Tensor(shape: a, scalars: generator.floats(a.reduce(1, *)))
        let y = try Tensor(shape: b, scalars: generator.floats(b.reduce(1, *)))
        let sum = try x + y
        let shape = try Shape.broadcast(a, b, op: "test")
        #expect(sum.shape == shape)
        // Reference: index each operand by the broadcast coordinates.
        let (xs, ys) = (x.toFloatArray(), y.toFloatArray())
        let strides = Shape.contiguousStrides(shape)
        func offset(_ linear: Int, in operand: [Int]) -> Int {
            var result = 0
            var step = 1
            for dim in stride(from: operand.count - 1, through: 0, by: -1) {
                let coordinate = (linear / strides[dim + shape.count - operand.count]) % shape[dim + shape.count - operand.count]
                result += (operand[dim] == 1 ? 0 : coordinate) * step
                step *= operand[dim]
            }
            return result
        }
        let expected = (0..<sum.count).map { xs[offset($0, in: a)] + ys[offset($0, in: b)] }
        #expect(sum.toFloatArray() == expected, "\(a) + \(b)")
    }
}

@Test func broadcastGradientsSumBackToInputShapes() throws {
    var generator = SeededGenerator(seed: 99)
    for _ in 0..<50 {
        let left = randomShape(&generator)
        let right = compatibleShape(left, &generator)
        let x = try Tensor(shape: left, scalars: generator.floats(left.reduce(1, *)))
        let y = try Tensor(shape: right, scalars: generator.floats(right.reduce(1, *)))
        x.requiresGrad = true
        y.requiresGrad = true
        try (x * y).sum().backward()
        #expect(x.grad?.shape == left)
        #expect(y.grad?.shape == right)
        // d/dy sum(x * y) = x summed over y's broadcast dims.
        let expected = try Reduction.sumToShape(x.expand(try Shape.broadcast(left, right, op: "t")), right, op: "t")
        let expectedValues = try expected.contiguous().toFloatArray()
        #expect(y.grad?.toFloatArray() == expectedValues)
    }
}

@Test func incompatibleShapesNameBoth() {
    #expect(throws: TensorError.shapeMismatch(op: "add", lhs: [2, 3], rhs: [4])) {
        try Tensor.zeros([2, 3]) + Tensor.zeros([4])
    }
}

@Test func largeBroadcastsSplitAcrossThreadsCorrectly() throws {
    var generator = SeededGenerator(seed: 77)
    let (rows, columns) = (301, 257)
    let matrix = try Tensor(shape: [rows, 1, columns], scalars: generator.floats(rows * columns))
    let bias = try Tensor(shape: [3, columns], scalars: generator.floats(3 * columns))
    let sum = try matrix - bias  // [301, 3, 257]: the strided path, chunked by rows
    let (m, b) = (matrix.toFloatArray(), bias.toFloatArray())
    var expected: [Float] = []
    for row in 0..<rows {
        for k in 0..<3 {
            for column in 0..<columns { expected.append(m[row * columns + column] - b[k * columns + column]) }
        }
    }
    #expect(sum.shape == [rows, 3, columns])
    #expect(sum.toFloatArray() == expected)
}
