/// The common part of every optimizer: parameter groups, the step loop that skips a step
/// whose gradients are not finite, `zeroGrad`, and the state dictionary. Subclasses
/// (`AdamW`, `SGD`, `Adafactor`) supply the per-parameter update and its state.
public class Optimizer {
    /// The optimizer's name (`adamw`, `sgd`, `adafactor`).
    public let kind: String
    /// The parameter groups, inspectable and adjustable (`lr`, `weightDecay`).
    public let groups: [ParameterGroup]
    /// Receives warnings such as a skipped step; the host decides where they go.
    public var warningHandler: ((String) -> Void)?
    /// Steps that updated the parameters.
    public private(set) var stepCount = 0
    /// Steps skipped because a gradient held a NaN or an infinity.
    public private(set) var skippedSteps = 0

    /// Sets up the groups; the slots number parameters across groups in order.
    /// - Throws: `OptimError.invalidArgument` when no group holds a parameter or a learning
    ///   rate or weight decay is negative or not finite.
    init(kind: String, groups: [ParameterGroup]) throws {
        if groups.allSatisfy({ $0.parameters.isEmpty }) {
            throw OptimError.invalidArgument(name: "params", reason: "empty parameter list")
        }
        for group in groups {
            if !(group.lr >= 0) || !group.lr.isFinite {
                throw OptimError.invalidArgument(name: "lr", reason: "\(group.lr) is not >= 0")
            }
            if !(group.weightDecay >= 0) || !group.weightDecay.isFinite {
                throw OptimError.invalidArgument(
                    name: "weight_decay", reason: "\(group.weightDecay) is not >= 0")
            }
        }
        self.kind = kind
        self.groups = groups
    }

    /// Every parameter with its group, in slot order.
    var slots: [(group: ParameterGroup, parameter: NamedParameter)] {
        groups.flatMap { group in group.parameters.map { (group, $0) } }
    }

    /// The learning rate of the first group (what a single-group user means by `opt.lr`).
    public var lr: Double { groups.first?.lr ?? 0 }

    /// Updates every parameter that has a gradient, unless some gradient holds a NaN or an
    /// infinity: then nothing changes, `skippedSteps` grows and `warningHandler` is told.
    /// - Parameter skipNonFinite: check the gradients first (one extra read of each).
    /// - Returns: whether the parameters were updated.
    /// - Throws: `OptimError.sizeMismatch` when a gradient's size differs from its value's;
    ///   a parameter's error when its buffers cannot be written.
    @discardableResult
    public func step(skipNonFinite: Bool = true) throws -> Bool {
        let slots = self.slots
        if skipNonFinite {
            for (_, named) in slots where try !GradientClipping.gradientIsFinite(named.parameter) {
                skippedSteps += 1
                warningHandler?(
                    "skipped optimizer step: the gradient of '\(named.name)' is not finite")
                return false
            }
        }
        for (slot, entry) in slots.enumerated() {
            let parameter = entry.parameter.parameter
            let count = parameter.elementCount
            _ = try parameter.withMutableGradient { gradient in
                if gradient.count != count {
                    throw OptimError.sizeMismatch(
                        parameter: entry.parameter.name, expected: count, actual: gradient.count)
                }
                try parameter.withMutableValues { values in
                    try update(
                        slot: slot, group: entry.group, shape: parameter.parameterShape,
                        values: values, gradient: UnsafeBufferPointer(gradient))
                }
            }
        }
        stepCount += 1
        return true
    }

    /// Drops every parameter's gradient (torch's `zero_grad()`, which sets them to None).
    public func zeroGrad() {
        for group in groups {
            for named in group.parameters { named.parameter.clearGradient() }
        }
    }

    /// The state for a checkpoint: the subclass's buffers and counts, plus each group's
    /// `lr`, `initial_lr` and `weight_decay` and the optimizer's counters.
    public func stateDict() -> OptimizerState {
        var state = OptimizerState(kind: kind)
        for (index, group) in groups.enumerated() {
            state.scalars["param_groups.\(index).lr"] = group.lr
            state.scalars["param_groups.\(index).initial_lr"] = group.initialLR
            state.scalars["param_groups.\(index).weight_decay"] = group.weightDecay
        }
        state.scalars["optimizer.step_count"] = Double(stepCount)
        state.scalars["optimizer.skipped_steps"] = Double(skippedSteps)
        for (slot, entry) in slots.enumerated() {
            saveState(slot: slot, shape: entry.parameter.parameter.parameterShape, into: &state)
        }
        return state
    }

    /// Restores a state written by `stateDict()` of an optimizer of the same kind over the
    /// same parameters.
    /// - Throws: `OptimError.incompatibleState` for another kind or group count,
    ///   `OptimError.missingState` or `OptimError.sizeMismatch` for missing or wrong buffers.
    public func loadStateDict(_ state: OptimizerState) throws {
        if state.kind != kind {
            throw OptimError.incompatibleState(reason: "saved by \(state.kind), loading into \(kind)")
        }
        if state.scalars["param_groups.\(groups.count).lr"] != nil {
            throw OptimError.incompatibleState(reason: "more parameter groups than \(groups.count)")
        }
        let slots = self.slots
        // Read everything before changing anything, so a failed load leaves no half state.
        var staged: [() -> Void] = []
        for (slot, entry) in slots.enumerated() {
            let parameter = entry.parameter.parameter
            staged.append(
                try loadState(slot: slot, count: parameter.elementCount, from: state))
        }
        var groupValues: [(Double, Double, Double)] = []
        for index in groups.indices {
            groupValues.append(
                (
                    try state.scalar("param_groups.\(index).lr"),
                    try state.scalar("param_groups.\(index).initial_lr"),
                    try state.scalar("param_groups.\(index).weight_decay")
                ))
        }
        let steps = try state.scalar("optimizer.step_count")
        let skipped = try state.scalar("optimizer.skipped_steps")
        for apply in staged { apply() }
        for (group, values) in zip(groups, groupValues) {
            (group.lr, group.initialLR, group.weightDecay) = values
        }
        stepCount = Int(steps)
        skippedSteps = Int(skipped)
    }

    // MARK: Subclass hooks

    /// Updates one parameter in place. Called only for parameters with a gradient.
    /// - Parameters:
    ///   - slot: the parameter's index across groups (stable for the optimizer's life).
    ///   - group: its group (lr, weight decay).
    ///   - shape: its shape.
    ///   - values: its values, `[n]`.
    ///   - gradient: its gradient, `[n]`.
    func update(
        slot: Int, group: ParameterGroup, shape: [Int], values: UnsafeMutableBufferPointer<Float>,
        gradient: UnsafeBufferPointer<Float>
    ) throws {
        throw OptimError.incompatibleState(reason: "\(kind) does not implement update")
    }

    /// Writes one slot's state into `state` (nothing when the slot has none yet).
    func saveState(slot: Int, shape: [Int], into state: inout OptimizerState) {}

    /// Reads one slot's state from `state` and returns the closure that installs it.
    func loadState(slot: Int, count: Int, from state: OptimizerState) throws -> () -> Void {
        {}
    }
}
