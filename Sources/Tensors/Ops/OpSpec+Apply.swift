import Dispatch

/// The single dispatch point of every op: interrupt check, arity check, forward,
/// tape recording and the profiler hook.
extension OpSpec {
    /// Applies the op to `inputs`.
    /// - Parameters:
    ///   - inputs: the operands, `arity` of them.
    ///   - attributes: the op's attributes.
    /// - Returns: the output; when grad mode is on and an input requires grad (and the op
    ///   has a backward), its `producer` records this application.
    /// - Throws: `TensorError.interrupted` when an interrupt is pending,
    ///   `.arityMismatch`, and whatever the forward throws.
    public func apply(_ inputs: [Tensor], _ attributes: OpAttributes = [:]) throws -> Tensor {
        try TensorRuntime.checkInterrupt()
        guard arity.accepts(inputs.count) else {
            throw TensorError.arityMismatch(op: name, expected: arity.minimum, got: inputs.count)
        }
        let observer = TensorRuntime.opObserver
        let start = observer == nil ? 0 : DispatchTime.now().uptimeNanoseconds
        let allocatedBefore = observer == nil ? 0 : TensorMemory.totalBytesAllocated
        let record =
            backward != nil && GradMode.isEnabled && inputs.contains(where: { $0.requiresGrad })
        var result =
            GradMode.isEnabled
            ? try GradMode.withNoGrad { try forward(inputs, attributes) }
            : try forward(inputs, attributes)
        if result.output.producer != nil || inputs.contains(where: { $0 === result.output }) {
            // Never re-label a tensor that already exists: give the output its own object.
            result.output = result.output.detach()
        }
        if record {
            result.output.producer = TapeNode(
                op: self, inputs: inputs, attributes: attributes, saved: result.saved,
                scope: ModuleScope.current)
            result.output.requiresGrad = true
        }
        if let observer {
            let end = DispatchTime.now().uptimeNanoseconds
            let shapes = inputs.map(\.shape)
            observer(
                OpEvent(
                    name: name, label: label(attributes), scope: ModuleScope.current,
                    inputShapes: shapes, outputShape: result.output.shape,
                    seconds: Double(end &- start) / 1e9,
                    cost: cost(shapes, result.output.shape, attributes), startNanoseconds: start,
                    endNanoseconds: end,
                    bytesAllocated: TensorMemory.totalBytesAllocated &- allocatedBefore))
        }
        return result.output
    }
}
