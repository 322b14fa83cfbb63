import Foundation
import TestSupport
import Testing

@testable import Tensors

@Test func fanOutAccumulatesGradients() throws {
    let x = try Tensor(shape: [3], scalars: [1, 2, 3])
    x.requiresGrad = true
    // y = x * x + x, so dy/dx = 2x + 1.
    let y = try (x * x + x).sum()
    try y.backward()
    #expect(x.grad?.toFloatArray() == [3, 5, 7])
    // A second backward through a new graph accumulates into .grad.
    try (x * 2).sum().backward()
    #expect(x.grad?.toFloatArray() == [5, 7, 9])
}

@Test func backwardReleasesTheGraphUnlessRetained() throws {
    let x = try Tensor(shape: [2], scalars: [1, 2])
    x.requiresGrad = true
    let y = try x.exp().sum()
    try y.backward(retainGraph: true)
    try y.backward()
    let e: [Float] = [1, 2].map { 2 * Foundation.exp($0) }
    expectClose(x.grad?.toFloatArray() ?? [], e)
    #expect(throws: TensorError.graphReleased(op: "sum")) { try y.backward() }
}

@Test func backwardWithAGivenGradient() throws {
    let x = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
    x.requiresGrad = true
    let y = try x * 3
    try y.backward(gradient: try Tensor(shape: [2, 2], scalars: [1, 0, 0, 2]))
    #expect(x.grad?.toFloatArray() == [3, 0, 0, 6])
    #expect(throws: TensorError.notScalar(op: "backward", shape: [2, 2])) { try (x * 3).backward() }
    #expect(throws: TensorError.shapeMismatch(op: "backward", lhs: [2, 2], rhs: [3])) {
        try (x * 3).backward(gradient: Tensor([1, 2, 3]))
    }
}

@Test func noGradAndDetachStopRecording() throws {
    let x = try Tensor(shape: [2], scalars: [1, 2])
    x.requiresGrad = true
    let quiet = try withNoGrad { try x * 2 }
    #expect(quiet.producer == nil && !quiet.requiresGrad)
    let cut = try (x * 2).detach()
    #expect(cut.isLeaf && !cut.requiresGrad)
    #expect(throws: TensorError.noGradient(op: "backward")) { try cut.sum().backward() }
    // Gradients skip detached branches.
    try (x * cut).sum().backward()
    #expect(x.grad?.toFloatArray() == [2, 4])
}

@Test func tapeIsReadableWithScopesAndNames() throws {
    let weight = try Tensor.ones([3, 2])
    weight.requiresGrad = true
    weight.isParameter = true
    weight.name = "model.layers.0.mlp.down_proj.weight"
    let input = try Tensor.ones([4, 3])
    let output = try Tensor.withScope("model") {
        try Tensor.withScope("layers.0.mlp") { try input.matmul(weight).relu() }
    }
    let node = try #require(output.producer)
    #expect(node.opName == "relu")
    #expect(node.scope == "model.layers.0.mlp")
    let matmul = try #require(node.inputs[0].producer)
    #expect(matmul.opName == "matmul")
    #expect(matmul.inputs[1] === weight && matmul.inputs[1].isParameter)
    #expect(matmul.inputs[1].name == "model.layers.0.mlp.down_proj.weight")
    #expect(matmul.sequence < node.sequence)
    let summed = try output.sum(dim: 1, keepdim: true)
    #expect(summed.producer?.label == "sum(dims=[1], keepdim=True)")
}

@Test func gradientsFlowThroughViews() throws {
    let x = try Tensor.arange(0, 6).reshape([2, 3])
    x.requiresGrad = true
    let y = try x.transposed().slice(dim: 0, start: 1).reshape([4]).mul(Tensor([1, 2, 3, 4]))
    try y.sum().backward()
    // x.T[1:] = [[1, 4], [2, 5]] -> weights 1, 2, 3, 4 on elements 1, 4, 2, 5.
    #expect(x.grad?.toFloatArray() == [0, 1, 3, 0, 2, 4])
}

@Test func observerSeesEveryOpWithCost() throws {
    let seen = EventLog()
    let a = try Tensor.ones([8, 4])
    let b = try Tensor.ones([4, 2])
    TensorRuntime.setOpObserver { event in
        if event.scope == "observer-test" { seen.append(event) }
    }
    defer { TensorRuntime.setOpObserver(nil) }
    _ = try Tensor.withScope("observer-test") { try a.matmul(b).exp() }
    let events = seen.events
    #expect(events.map(\.name) == ["matmul", "exp"])
    #expect(events.first?.cost.flops == 2 * 8 * 4 * 2)
    #expect(events.first?.outputShape == [8, 2])
}

/// A thread-safe list of observed events.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [OpEvent] = []
    func append(_ event: OpEvent) { lock.withLock { stored.append(event) } }
    var events: [OpEvent] { lock.withLock { stored } }
}

@Test func interruptStopsTheNextOp() throws {
    let flag = InterruptFlag()
    let x = try Tensor.ones([4])
    try TensorRuntime.withInterruptFlag(flag) {
        _ = try x.exp()
        flag.request()
        #expect(throws: TensorError.interrupted) { try x.exp() }
        #expect(!flag.isRequested)  // cleared, so the next op runs
        #expect(try x.exp().count == 4)
    }
}

@Test func longChainsBackwardAndFreeWithoutDeepRecursion() throws {
    let x = Tensor([1])
    x.requiresGrad = true
    var total = x
    for _ in 0..<20_000 { total = try total + x }
    try total.backward(retainGraph: true)
    #expect(x.grad?.toFloatArray() == [20_001])
    total = x  // drops the 20,000-node chain
    #expect(total.isLeaf)
}
