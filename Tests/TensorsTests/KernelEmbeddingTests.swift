import Testing

@testable import Tensors

/// EmbeddingKernel: lookup, scatter-add with repeated ids, out-of-range ids.
struct KernelEmbeddingTests {
    typealias R = KernelReference
    let V = 7
    let C = 70  // more than 64 channels: the backward splits channels across threads

    @Test func lookupAndScatterAddMatchReference() throws {
        var g = R.Generator(seed: 7)
        let table = g.values(V * C)
        let ids: [Int64] = [3, 0, 3, 6, 3, 1]
        let dy = g.values(ids.count * C)
        var y = [Float](repeating: 0, count: ids.count * C)
        try EmbeddingKernel.forward(
            output: &y, ids: ids, table: table.map { Float($0) }, N: ids.count, V: V, C: C)
        #expect(R.worstError(y, R.embedding(ids: ids, table: table, C: C)) <= 1)
        var dtable = [Float](repeating: 0.5, count: V * C)
        try EmbeddingKernel.backward(
            tableGradient: &dtable, outputGradient: dy.map { Float($0) }, ids: ids, N: ids.count,
            V: V, C: C)
        let expected = R.embeddingBackward(dy, ids: ids, V: V, C: C).map { $0 + 0.5 }
        #expect(R.worstError(dtable, expected) <= 1)
    }

    @Test(arguments: [Int64(7), Int64(-1), Int64(100)])
    func outOfRangeIdThrowsAndWritesNothing(id: Int64) {
        let table = [Float](repeating: 1, count: V * C)
        var y = [Float](repeating: 0, count: 2 * C)
        #expect(throws: TensorError.indexOutOfRange(op: "embedding", index: Int(id), size: V)) {
            try EmbeddingKernel.forward(output: &y, ids: [0, id], table: table, N: 2, V: V, C: C)
        }
        #expect(y.allSatisfy { $0 == 0 })
    }
}
