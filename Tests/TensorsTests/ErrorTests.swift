import Foundation
import Testing

@testable import Tensors

/// One user-reachable failure and the error it must raise.
struct ErrorCase: Sendable, CustomStringConvertible {
    let description: String
    let expected: TensorError
    let run: @Sendable () throws -> Void
}

let errorCases: [ErrorCase] = [
    ErrorCase(description: "add of incompatible shapes", expected: .shapeMismatch(op: "add", lhs: [2, 3], rhs: [2])) {
        _ = try Tensor.zeros([2, 3]) + Tensor.zeros([2])
    },
    ErrorCase(description: "sum over a missing dim", expected: .invalidDimension(op: "sum", dim: 2, rank: 2)) {
        _ = try Tensor.zeros([2, 3]).sum(dim: 2)
    },
    ErrorCase(description: "softmax dim -3 of a matrix", expected: .invalidDimension(op: "softmax", dim: -3, rank: 2)) {
        _ = try Tensor.zeros([2, 3]).softmax(dim: -3)
    },
    ErrorCase(description: "gather index too large", expected: .indexOutOfRange(op: "gather", index: 5, size: 3)) {
        _ = try Tensor.zeros([2, 3]).gather(dim: 1, index: try Tensor(ids: [5, 0], shape: [2, 1]))
    },
    ErrorCase(description: "exp of ids", expected: .unsupportedDType(op: "exp", dtype: .int64)) {
        _ = try Tensor(ids: [1, 2]).exp()
    },
    ErrorCase(description: "cat of float and int", expected: .dtypeMismatch(op: "cat", lhs: .float32, rhs: .int32)) {
        _ = try Tensor.cat([Tensor([1]), try Tensor(ids: [1], dtype: .int32)])
    },
    ErrorCase(description: "negative size", expected: .invalidShape(op: "zeros", shape: [2, -1], reason: "negative size")) {
        _ = try Tensor.zeros([2, -1])
    },
    ErrorCase(description: "reshape to a wrong count", expected: .invalidShape(op: "reshape", shape: [4], reason: "cannot hold the 6 elements of shape [2, 3]")) {
        _ = try Tensor.zeros([2, 3]).reshape([4])
    },
    ErrorCase(description: "element count overflow", expected: .sizeOverflow(op: "zeros", shape: [1 << 40, 1 << 40])) {
        _ = try Tensor.zeros([1 << 40, 1 << 40])
    },
    ErrorCase(description: "expand overflow", expected: .sizeOverflow(op: "expand", shape: [1 << 40, 1 << 40])) {
        _ = try Tensor.zeros([1]).expand([1 << 40, 1 << 40])
    },
    ErrorCase(description: "an allocation beyond the address space", expected: .outOfMemory(op: "storage", bytes: 1 << 60)) {
        _ = try Tensor.zeros([1 << 58])
    },
    ErrorCase(description: "elementwise op over a huge broadcast view", expected: .outOfMemory(op: "storage", bytes: 1 << 60)) {
        _ = try Tensor.zeros([1]).expand([1 << 29, 1 << 29]).exp()
    },
    ErrorCase(description: "slice step Int.min", expected: .invalidArgument(op: "slice", reason: "slice step \(Int.min) is out of range")) {
        _ = try Tensor.zeros([3]).slice(dim: 0, step: Int.min)
    },
    ErrorCase(description: "integer arange beyond Int64", expected: .invalidArgument(op: "arange", reason: "bounds do not fit in int64")) {
        _ = try Tensor.arange(1e300, 1e300 + 1, dtype: .int64)
    },
    ErrorCase(description: "arange with zero step", expected: .invalidArgument(op: "arange", reason: "bounds and step must be finite, step non-zero")) {
        _ = try Tensor.arange(0, 5, step: 0)
    },
    ErrorCase(description: "op with too few inputs", expected: .arityMismatch(op: "add", expected: 2, got: 1)) {
        _ = try OpSpec.add.apply([Tensor([1])])
    },
    ErrorCase(description: "item of a vector", expected: .notScalar(op: "item", shape: [2])) {
        _ = try Tensor([1, 2]).item()
    },
    ErrorCase(description: "view of a transpose", expected: .notViewable(op: "view", shape: [3, 2], strides: [1, 3])) {
        _ = try Tensor.zeros([2, 3]).transposed().view([6])
    },
    ErrorCase(description: "backward twice", expected: .graphReleased(op: "sum")) {
        let x = Tensor([1, 2])
        x.requiresGrad = true
        let y = try x.sum()
        try y.backward()
        try y.backward()
    },
    ErrorCase(description: "backward of a constant", expected: .noGradient(op: "backward")) {
        try Tensor([1]).backward()
    },
    ErrorCase(description: "writing wrapped read-only memory", expected: .readOnlyStorage(op: "copy")) {
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        defer { bytes.deallocate() }
        let storage = try TensorStorage(wrapping: bytes, byteCount: 16, dtype: .float32, owner: nil)
        try Tensor.wrapping(storage, shape: [4]).copy(from: Tensor([1, 2, 3, 4]))
    },
    ErrorCase(description: "interrupt", expected: .interrupted) {
        let flag = InterruptFlag()
        try TensorRuntime.withInterruptFlag(flag) {
            flag.request()
            _ = try Tensor([1]).exp()
        }
    },
]

@Test(arguments: errorCases)
func userErrorsThrowTheirCase(_ errorCase: ErrorCase) {
    #expect(throws: errorCase.expected) { try errorCase.run() }
}

@Test func errorMessagesNameTheOpAndShapes() {
    let message = TensorError.shapeMismatch(op: "matmul", lhs: [2, 3], rhs: [4, 5]).description
    #expect(message == "matmul: shape mismatch: [2, 3] and [4, 5]")
    #expect(TensorError.invalidDimension(op: "sum", dim: 3, rank: 2).description.contains("-2 to 1"))
}
