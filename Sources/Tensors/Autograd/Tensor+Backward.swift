/// Reverse-mode differentiation: the tape walker.
extension Tensor {
    /// Accumulates the gradient of this tensor into the `.grad` of every leaf that
    /// requires grad, walking the tape in reverse topological order.
    ///
    /// The walker does the generic work once for every op: `+=` accumulation where a
    /// tensor feeds several ops, summing broadcast dimensions back to each input's
    /// shape, skipping inputs that do not require grad, and checking each backward
    /// returns one gradient per input.
    /// - Parameters:
    ///   - gradient: d(loss)/d(self), of this tensor's shape; defaults to 1 for a
    ///     one-element tensor.
    ///   - retainGraph: keep the saved tensors so backward can run again through the
    ///     same graph (by default they are released).
    /// - Throws: `TensorError.noGradient` when this tensor does not require grad,
    ///   `.notScalar` without a gradient on a tensor of several elements,
    ///   `.shapeMismatch` for a wrong gradient shape, `.graphReleased` through a released
    ///   node, `.interrupted`.
    public func backward(gradient: Tensor? = nil, retainGraph: Bool = false) throws {
        guard requiresGrad else { throw TensorError.noGradient(op: "backward") }
        let seed: Tensor
        if let gradient {
            guard gradient.shape == shape else {
                throw TensorError.shapeMismatch(op: "backward", lhs: shape, rhs: gradient.shape)
            }
            seed = gradient.contiguousFloat32()
        } else {
            guard count == 1 else { throw TensorError.notScalar(op: "backward", shape: shape) }
            seed = try Tensor.ones(shape)
        }
        try GradMode.withNoGrad {
            try Tensor.runBackward(from: self, seed: seed, retainGraph: retainGraph)
        }
    }

    /// The tensors reachable from `root` through producers, inputs before users.
    static func topologicalOrder(from root: Tensor) -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        // Iterative post-order DFS: deep graphs (many layers) must not overflow the stack.
        var stack: [(Tensor, Int)] = [(root, 0)]
        visited.insert(ObjectIdentifier(root))
        while let (tensor, next) = stack.popLast() {
            let inputs = tensor.producer?.inputs ?? []
            if next < inputs.count {
                stack.append((tensor, next + 1))
                let input = inputs[next]
                if input.requiresGrad, visited.insert(ObjectIdentifier(input)).inserted {
                    stack.append((input, 0))
                }
            } else {
                order.append(tensor)
            }
        }
        return order
    }

    private static func runBackward(from root: Tensor, seed: Tensor, retainGraph: Bool) throws {
        let order = topologicalOrder(from: root)
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
        // The entries of `gradients` this walk allocated itself (sums of contributions)
        // and has not handed to any backward yet: nobody else holds them, so further
        // contributions are added in place and a leaf takes one as its .grad uncopied.
        var owned = Set<ObjectIdentifier>()
        let observer = TensorRuntime.opObserver  // the profiler's: backward events below
        for tensor in order.reversed() {
            try TensorRuntime.checkInterrupt()
            let key = ObjectIdentifier(tensor)
            guard let gradient = gradients[key] else { continue }
            let timing = observer.map { _ in ProfileTiming.begin() }
            guard let node = tensor.producer else {
                defer { if let observer, let timing { observer(timing.leafEvent(tensor)) } }
                // A leaf: accumulate into .grad.
                if let existing = tensor.grad {
                    tensor.grad = try Elementwise.add(existing, gradient)
                } else if owned.contains(key) {
                    tensor.grad = gradient
                } else {
                    // A private copy: the same gradient object may reach several leaves.
                    tensor.grad = try gradient.privateGradientCopy()
                }
                gradients[key] = nil
                owned.remove(key)
                continue
            }
            gradients[key] = nil
            owned.remove(key)
            guard !node.isReleased else { throw TensorError.graphReleased(op: node.opName) }
            guard let backward = node.op.backward else { continue }
            let context = BackwardContext(
                gradOutput: gradient, inputs: node.inputs, output: tensor, saved: node.saved,
                attributes: node.attributes)
            let inputGradients = try backward(context)
            guard inputGradients.count == node.inputs.count else {
                throw TensorError.arityMismatch(
                    op: node.opName + " backward", expected: node.inputs.count,
                    got: inputGradients.count)
            }
            for (input, inputGradient) in zip(node.inputs, inputGradients) {
                guard input.requiresGrad, let inputGradient else { continue }
                let reduced = try Reduction.sumToShape(inputGradient, input.shape, op: node.opName)
                let inputKey = ObjectIdentifier(input)
                if let existing = gradients[inputKey] {
                    if owned.contains(inputKey), existing.accumulateInPlace(reduced) { continue }
                    gradients[inputKey] = try Elementwise.add(existing, reduced)
                    owned.insert(inputKey)
                } else {
                    gradients[inputKey] = reduced
                }
            }
            if !retainGraph { node.release() }
            if let observer, let timing {
                observer(timing.backwardEvent(node, output: tensor, gradients: inputGradients))
            }
        }
    }
}

extension Tensor {
    /// Adds `other` into this tensor's elements in place when both are contiguous
    /// float32 of the same shape (this one filling its storage from offset 0); returns
    /// false, changing nothing, otherwise. Only for buffers the caller owns outright.
    func accumulateInPlace(_ other: Tensor) -> Bool {
        guard dtype == .float32, other.dtype == .float32, shape == other.shape, isContiguous,
            other.isContiguous, offset == 0, storage !== other.storage
        else { return false }
        let target = storage.floats
        let source = UnsafePointer(other.storage.floats + other.offset)
        Parallel.forEachChunk(count: count, minimumChunk: Elementwise.parallelGrain) { range in
            KernelMath.addInPlace(target + range.lowerBound, source + range.lowerBound, range.count)
        }
        return true
    }

    /// A contiguous float32 copy that shares no storage with this tensor: one parallel
    /// memcpy when this tensor is already contiguous float32 (a full fine-tuning step
    /// copies every weight's gradient), the generic strided copy otherwise.
    /// - Throws: `TensorError.outOfMemory`.
    func privateGradientCopy() throws -> Tensor {
        guard dtype == .float32, isContiguous else { return materialized(dtype: .float32) }
        let copy = try Tensor.uninitialized(shape)
        let source = UnsafeRawPointer(storage.floats + offset)
        let target = UnsafeMutableRawPointer(copy.storage.floats)
        Parallel.forEachChunk(count: count, minimumChunk: 1 << 18) { range in
            (target + range.lowerBound * 4).copyMemory(
                from: source + range.lowerBound * 4, byteCount: range.count * 4)
        }
        return copy
    }
}
