import TestSupport
import Testing

@testable import Tensors

@Test func reshapeAndTransposeRoundTrip() throws {
    var generator = SeededGenerator(seed: 5)
    for _ in 0..<100 {
        let shape = randomShape(&generator)
        let x = try Tensor(shape: shape, scalars: generator.floats(shape.reduce(1, *)))
        let dims = Array(0..<shape.count).shuffled(using: &generator)
        var inverse = [Int](repeating: 0, count: dims.count)
        for (index, dim) in dims.enumerated() { inverse[dim] = index }
        let permuted = try x.permute(dims)
        #expect(permuted.storage === x.storage)
        #expect(try permuted.permute(inverse).toFloatArray() == x.toFloatArray())
        let flat = try permuted.reshape([-1])
        #expect(try flat.reshape(permuted.shape).toFloatArray() == permuted.toFloatArray())
    }
}

@Test func viewsShareStorageAndReshapeCopiesOnlyWhenNeeded() throws {
    let x = try Tensor.arange(0, 12).reshape([3, 4])
    #expect(try x.view([4, 3]).storage === x.storage)
    let t = try x.transposed()
    #expect(!t.isContiguous)
    #expect(throws: TensorError.notViewable(op: "view", shape: [4, 3], strides: [1, 4])) { try t.view([12]) }
    let copied = try t.reshape([12])
    #expect(copied.storage !== x.storage)
    #expect(copied.toFloatArray() == [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11])
    #expect(try x.reshape([2, -1]).shape == [2, 6])
}

@Test func slicingFollowsPython() throws {
    let x = try Tensor.arange(0, 10)
    #expect(try x.slice(dim: 0, start: 2, end: 5).toFloatArray() == [2, 3, 4])
    #expect(try x.slice(dim: 0, start: -3).toFloatArray() == [7, 8, 9])
    #expect(try x.slice(dim: 0, start: 1, end: -1, step: 3).toFloatArray() == [1, 4, 7])
    #expect(try x.slice(dim: 0, step: -1).toFloatArray() == [9, 8, 7, 6, 5, 4, 3, 2, 1, 0])
    #expect(try x.slice(dim: 0, start: -2, end: 2, step: -3).toFloatArray() == [8, 5])
    #expect(try x.slice(dim: 0, start: 20).count == 0)
    #expect(try x.slice(dim: 0, start: 3, step: Int.max).toFloatArray() == [3])
    #expect(try x.slice(dim: 0, start: Int.min, end: Int.max).count == 10)
    let m = try Tensor.arange(0, 12).reshape([3, 4])
    #expect(try m.slice(dim: 1, start: 1, end: 3).toFloatArray() == [1, 2, 5, 6, 9, 10])
    #expect(try m.select(dim: 1, index: -1).toFloatArray() == [3, 7, 11])
    #expect(throws: TensorError.indexOutOfRange(op: "select", index: 3, size: 3)) { try m.select(dim: 0, index: 3) }
    #expect(throws: TensorError.invalidArgument(op: "slice", reason: "slice step cannot be zero")) {
        try x.slice(dim: 0, step: 0)
    }
}

@Test func expandBroadcastsWithoutCopying() throws {
    let column = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
    let wide = try column.expand([2, 3, 4])
    #expect(wide.storage === column.storage)
    #expect(wide.strides == [0, 1, 0])
    #expect(wide.toFloatArray() == [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3])
    #expect(throws: TensorError.shapeMismatch(op: "expand", lhs: [3, 1], rhs: [2, 4])) { try column.expand([2, 4]) }
}

@Test func catStackAndSplit() throws {
    let a = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    let b = try Tensor(shape: [2, 1], scalars: [5, 6])
    #expect(try Tensor.cat([a, b], dim: 1).toFloatArray() == [1, 2, 5, 3, 4, 6])
    #expect(try Tensor.stack([a, a], dim: 0).shape == [2, 2, 2])
    #expect(try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], dim: 1).toFloatArray() == [1, 3, 2, 4])
    let pieces = try Tensor.arange(0, 7).split(size: 3)
    #expect(pieces.map(\.shape) == [[3], [3], [1]])
    #expect(try Tensor.arange(0, 6).split(sizes: [1, 5]).map { $0.toFloatArray() } == [[0], [1, 2, 3, 4, 5]])
    #expect(try Tensor.arange(0, 5).chunk(2).map(\.count) == [3, 2])
    #expect(throws: TensorError.shapeMismatch(op: "cat", lhs: [2, 2], rhs: [2, 1])) { try Tensor.cat([a, b], dim: 0) }
    #expect(throws: TensorError.dtypeMismatch(op: "cat", lhs: .float32, rhs: .int64)) {
        try Tensor.cat([Tensor([1]), Tensor(ids: [1])])
    }
}

@Test func indexingOps() throws {
    let x = try Tensor.arange(0, 6).reshape([3, 2])
    let ids = try Tensor(ids: [2, 0, 2])
    #expect(try x.indexSelect(dim: 0, index: ids).toFloatArray() == [4, 5, 0, 1, 4, 5])
    let index = try Tensor(ids: [1, 0, 0, 0, 1, 1], shape: [3, 2])
    #expect(try x.gather(dim: 1, index: index).toFloatArray() == [1, 0, 2, 2, 5, 5])
    let mask = try x.gt(Tensor(2))
    #expect(try x.maskedFill(mask, value: -1).toFloatArray() == [0, 1, 2, -1, -1, -1])
    #expect(try Tensor.where(mask, x, Tensor(9)).toFloatArray() == [9, 9, 9, 3, 4, 5])
    #expect(throws: TensorError.indexOutOfRange(op: "index_select", index: 3, size: 3)) {
        try x.indexSelect(dim: 0, index: try Tensor(ids: [3]))
    }
    #expect(throws: TensorError.unsupportedDType(op: "index_select", dtype: .float32)) {
        try x.indexSelect(dim: 0, index: Tensor([0]))
    }
}

@Test func reductionsOverDims() throws {
    let x = try Tensor.arange(0, 24).reshape([2, 3, 4])
    #expect(try x.sum().item() == 276)
    #expect(try x.sum(dim: 1).toFloatArray() == [12, 15, 18, 21, 48, 51, 54, 57])
    #expect(try x.sum(dims: [0, 2], keepdim: true).shape == [1, 3, 1])
    #expect(try x.sum(dims: [0, 2]).toFloatArray() == [60, 92, 124])
    #expect(try x.mean(dim: -1).toFloatArray() == [1.5, 5.5, 9.5, 13.5, 17.5, 21.5])
    #expect(try x.max(dim: 1).toFloatArray() == [8, 9, 10, 11, 20, 21, 22, 23])
    #expect(try x.max().item() == 23)
    #expect(try x.argmax(dim: 2, keepdim: true).shape == [2, 3, 1])
    #expect(try x.argmax(dim: 2).toIntArray() == [3, 3, 3, 3, 3, 3])
    #expect(try x.argmax().toIntArray() == [23])
    let y = try Tensor(shape: [2, 3], scalars: [1, 5, 2, 7, 0, 7])
    #expect(try y.argmax(dim: 1).toIntArray() == [1, 0])
}

@Test func softmaxRowsSumToOne() throws {
    let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 1000, 1000, 1000])
    let y = try x.softmax(dim: -1).toFloatArray()
    #expect(Swift.abs(y[0] - 0.09003057) < 1e-6)
    #expect(y[3...].allSatisfy { Swift.abs($0 - 1.0 / 3) < 1e-6 })
    let columns = try x.softmax(dim: 0)
    #expect(try columns.sum(dim: 0).toFloatArray().allSatisfy { Swift.abs($0 - 1) < 1e-6 })
    let logs = try x.logSoftmax(dim: 1).toFloatArray()
    #expect(Swift.abs(logs[0] - (-2.4076059)) < 1e-5)
}

@Test func pointwiseOpsFollowPython() throws {
    let a = Tensor([7, -7, 7.5, -0.5])
    let b = Tensor([2, 2, -2, 1])
    #expect(try a.floorDivide(b).toFloatArray() == [3, -4, -4, -1])
    #expect(try a.remainder(b).toFloatArray() == [1, 1, -0.5, 0.5])
    #expect(try a.clamp(min: -1, max: 1).toFloatArray() == [1, -1, 1, -0.5])
    #expect(try a.maximum(b).toFloatArray() == [7, 2, 7.5, 1])
    expectClose(try Tensor([-100, 0, 100]).logSigmoid().toFloatArray(), [-100, -0.6931472, 0], tolerance: 1e-6)
    expectClose(try Tensor([0, 50]).softplus().toFloatArray(), [0.6931472, 50], tolerance: 1e-6)
}
