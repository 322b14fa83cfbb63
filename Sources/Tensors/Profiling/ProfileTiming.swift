import Dispatch

/// The start of one timed piece of work (a backward, a region): its clock and the
/// allocation counter, turned into an `OpEvent` when the work ends.
struct ProfileTiming {
    /// `DispatchTime` uptime at the start, in nanoseconds.
    let start: UInt64
    /// `TensorMemory.totalBytesAllocated` at the start.
    let allocatedBefore: Int

    /// Starts timing now.
    static func begin() -> ProfileTiming {
        ProfileTiming(
            start: DispatchTime.now().uptimeNanoseconds,
            allocatedBefore: TensorMemory.totalBytesAllocated)
    }

    /// An event of `phase` named `name` ending now.
    func event(
        name: String, phase: OpPhase, scope: String = "", inputShapes: [[Int]] = [],
        outputShape: [Int] = [], cost: OpCost = OpCost(flops: 0, bytes: 0)
    ) -> OpEvent {
        let end = DispatchTime.now().uptimeNanoseconds
        return OpEvent(
            name: name, label: name, scope: scope, inputShapes: inputShapes,
            outputShape: outputShape, seconds: Double(end &- start) / 1e9, cost: cost,
            phase: phase, startNanoseconds: start, endNanoseconds: end,
            bytesAllocated: TensorMemory.totalBytesAllocated &- allocatedBefore)
    }

    /// The backward of `node` ending now. Its cost is the op's `backwardCost`, or else
    /// the forward's cost once per input gradient computed (matmul's dA and dB are each
    /// a GEMM of the forward's size).
    func backwardEvent(_ node: TapeNode, output: Tensor, gradients: [Tensor?]) -> OpEvent {
        let shapes = node.inputs.map(\.shape)
        let cost: OpCost
        if let declared = node.op.backwardCost {
            cost = declared(shapes, output.shape, node.attributes)
        } else {
            let forward = node.op.cost(shapes, output.shape, node.attributes)
            let computed = zip(node.inputs, gradients).filter { $0.requiresGrad && $1 != nil }.count
            cost = OpCost(flops: forward.flops &* computed, bytes: forward.bytes &* computed)
        }
        return event(
            name: node.opName, phase: .backward, scope: node.scope, inputShapes: shapes,
            outputShape: output.shape, cost: cost)
    }

    /// The walker adding a gradient into a leaf's `.grad`, ending now.
    func leafEvent(_ leaf: Tensor) -> OpEvent {
        event(
            name: "autograd: accumulate .grad", phase: .region, outputShape: leaf.shape,
            cost: OpCost(flops: leaf.count, bytes: 12 &* leaf.count))
    }
}
