import Testing

@testable import Tensors

/// The backward walk's accumulation: sums it owns are added into in place, and no two
/// leaves or intermediate gradients end up sharing a buffer.
struct GradientAccumulationTests {
    @Test func manyContributionsToOneTensorSumExactly() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        x.requiresGrad = true
        // h feeds four ops (three additions after the first contribution), then x gets
        // h's gradient and two more of its own.
        let h = try x * 1
        let y = try (h * 2 + h * 3 + h * 4 + h * 5 + x * 6 + x * 7).sum()
        try y.backward()
        #expect(x.grad?.toFloatArray() == [Float](repeating: 27, count: 6))
    }

    @Test func leavesFedByOneSumDoNotShareTheirGradients() throws {
        let a = try Tensor(shape: [3], scalars: [1, 2, 3])
        let b = try Tensor(shape: [3], scalars: [4, 5, 6])
        a.requiresGrad = true
        b.requiresGrad = true
        // add's backward hands the same gradient object to both inputs; s also fans
        // out, so that object is an accumulated sum.
        let s = try a + b
        try (s * 2 + s * 3).sum().backward()
        #expect(a.grad?.toFloatArray() == [5, 5, 5])
        #expect(b.grad?.toFloatArray() == [5, 5, 5])
        let aGrad = try #require(a.grad)
        let bGrad = try #require(b.grad)
        #expect(aGrad.storage !== bGrad.storage)
    }

    @Test func aGivenSeedIsNeverWrittenTo() throws {
        let x = try Tensor(shape: [3], scalars: [1, 2, 3])
        x.requiresGrad = true
        let y = try x + x
        let seed = try Tensor(shape: [3], scalars: [1, 1, 1])
        try (y + y).backward(gradient: seed)
        #expect(seed.toFloatArray() == [1, 1, 1])
        #expect(x.grad?.toFloatArray() == [4, 4, 4])
    }
}
