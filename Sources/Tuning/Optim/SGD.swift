/// SGD as torch.optim.SGD computes it: `g += wd * p` (L2, coupled), then with momentum
/// `b = g` at the first step and `b = momentum * b + (1 - dampening) * g` after it,
/// `g = nesterov ? g + momentum * b : b`, and `p -= lr * g`.
public final class SGD: Optimizer {
    /// The momentum factor (0 for plain SGD).
    public let momentum: Double
    /// The dampening of the momentum's gradient term (0).
    public let dampening: Double
    /// Whether to use Nesterov momentum.
    public let nesterov: Bool
    private var buffers: [Int: [Float]] = [:]

    /// Makes an SGD over parameter groups.
    /// - Parameters:
    ///   - groups: the groups with their lr and weight decay.
    ///   - momentum: the momentum factor, not negative.
    ///   - dampening: the dampening, not negative.
    ///   - nesterov: Nesterov momentum; needs momentum > 0 and dampening 0, as in torch.
    /// - Throws: `OptimError.invalidArgument` for values out of range or no parameters.
    public init(
        groups: [ParameterGroup], momentum: Double = 0, dampening: Double = 0, nesterov: Bool = false
    ) throws {
        if !(momentum >= 0) {
            throw OptimError.invalidArgument(name: "momentum", reason: "\(momentum) < 0")
        }
        if !(dampening >= 0) {
            throw OptimError.invalidArgument(name: "dampening", reason: "\(dampening) < 0")
        }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw OptimError.invalidArgument(
                name: "nesterov", reason: "requires a momentum and zero dampening")
        }
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        try super.init(kind: "sgd", groups: groups)
    }

    override func update(
        slot: Int, group: ParameterGroup, shape: [Int], values: UnsafeMutableBufferPointer<Float>,
        gradient: UnsafeBufferPointer<Float>
    ) throws {
        let lr = Float(group.lr)
        let weightDecay = Float(group.weightDecay)
        let momentum = Float(self.momentum)
        let keep = Float(1 - dampening)
        let nesterov = self.nesterov
        guard self.momentum != 0 else {
            ParallelLoop.forEachChunk(count: values.count) { range in
                for i in range { values[i] -= lr * (gradient[i] + weightDecay * values[i]) }
            }
            return
        }
        let first = buffers[slot] == nil
        var buffer = buffers[slot] ?? [Float](repeating: 0, count: values.count)
        buffers[slot] = nil  // keep the array uniquely referenced while it is written
        buffer.withUnsafeMutableBufferPointer { b in
            // p, g, b: [n]
            ParallelLoop.forEachChunk(count: values.count) { range in
                for i in range {
                    let g = gradient[i] + weightDecay * values[i]
                    b[i] = first ? g : momentum * b[i] + keep * g
                    let direction = nesterov ? g + momentum * b[i] : b[i]
                    values[i] -= lr * direction
                }
            }
        }
        buffers[slot] = buffer
    }

    override func saveState(slot: Int, shape: [Int], into stateDict: inout OptimizerState) {
        guard let buffer = buffers[slot] else { return }
        stateDict.tensors["state.\(slot).momentum_buffer"] = .init(shape: shape, values: buffer)
    }

    override func loadState(slot: Int, count: Int, from stateDict: OptimizerState) throws
        -> () -> Void
    {
        guard stateDict.tensors["state.\(slot).momentum_buffer"] != nil else {
            return { [self] in buffers[slot] = nil }
        }
        let buffer = try stateDict.buffer("state.\(slot).momentum_buffer", count: count)
        return { [self] in buffers[slot] = buffer }
    }
}

extension SGD {
    /// An SGD over named parameters in one group (torch's default: weight decay applies to
    /// every parameter).
    /// - Throws: `OptimError.invalidArgument` for out-of-range values or no parameters.
    public convenience init(
        parameters: [NamedParameter], lr: Double = 1e-3, momentum: Double = 0,
        dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false
    ) throws {
        let group = ParameterGroup(
            label: "default", parameters: parameters, lr: lr, weightDecay: weightDecay)
        try self.init(groups: [group], momentum: momentum, dampening: dampening, nesterov: nesterov)
    }
}
