/// Drives an optimizer's learning rates through a schedule, as torch's `LambdaLR` does for
/// transformers' schedules: at creation every group's lr becomes `initial_lr * factor(0)`;
/// each `step()` advances the count and sets `initial_lr * factor(count)`. For
/// reduce_lr_on_plateau, `step(metric:)` follows torch's `ReduceLROnPlateau` instead.
public final class LRScheduler {
    /// The schedule.
    public let schedule: LRSchedule
    /// The groups whose `lr` the scheduler sets.
    public let groups: [ParameterGroup]
    /// Steps taken (torch's `last_epoch`).
    public private(set) var stepCount = 0
    /// reduce_lr_on_plateau's best metric so far.
    public private(set) var best: Double
    /// reduce_lr_on_plateau's steps since the last improvement.
    public private(set) var badSteps = 0
    /// reduce_lr_on_plateau's remaining cool-down steps.
    public private(set) var cooldownRemaining = 0

    /// Attaches a schedule to an optimizer and sets its learning rates for step 0. Each
    /// group's current lr becomes its `initialLR`, as torch records `initial_lr`.
    /// - Parameters:
    ///   - schedule: the schedule.
    ///   - optimizer: the optimizer whose groups it drives.
    public init(_ schedule: LRSchedule, optimizer: Optimizer) {
        self.schedule = schedule
        self.groups = optimizer.groups
        self.best = schedule.options.plateau.maximize ? -.infinity : .infinity
        for group in groups { group.initialLR = group.lr }
        apply()
    }

    /// The first group's learning rate (what the next optimizer step uses).
    public var lr: Double { groups.first?.lr ?? 0 }

    /// Every group's learning rate.
    public var lrs: [Double] { groups.map(\.lr) }

    /// Advances one step and sets the learning rates. For reduce_lr_on_plateau, which
    /// needs a metric, this only counts the step.
    public func step() {
        stepCount += 1
        if schedule.kind != .reduceLROnPlateau { apply() }
    }

    /// Advances one step with a metric (an evaluation loss). For reduce_lr_on_plateau this
    /// is torch's `ReduceLROnPlateau.step(metrics)`; other kinds ignore the metric.
    /// - Parameter metric: the value to watch.
    public func step(metric: Double) {
        guard schedule.kind == .reduceLROnPlateau else {
            step()
            return
        }
        stepCount += 1
        let options = schedule.options.plateau
        if isBetter(metric, than: best, options: options) {
            best = metric
            badSteps = 0
        } else {
            badSteps += 1
        }
        if cooldownRemaining > 0 {
            cooldownRemaining -= 1
            badSteps = 0
        }
        if badSteps > options.patience {
            for group in groups {
                let reduced = max(group.lr * options.factor, options.minLR)
                if group.lr - reduced > options.eps { group.lr = reduced }
            }
            cooldownRemaining = options.cooldown
            badSteps = 0
        }
    }

    /// torch's `_is_better` for the four mode/threshold combinations.
    private func isBetter(_ value: Double, than best: Double, options: PlateauOptions) -> Bool {
        switch (options.maximize, options.relativeThreshold) {
        case (false, true): return value < best * (1 - options.threshold)
        case (false, false): return value < best - options.threshold
        case (true, true): return value > best * (1 + options.threshold)
        case (true, false): return value > best + options.threshold
        }
    }

    private func apply() {
        let factor = schedule.factor(at: stepCount)
        for group in groups { group.lr = group.initialLR * factor }
    }

    /// The scheduler's state for a checkpoint (`last_epoch`, the plateau counters).
    public func stateDict() -> [String: Double] {
        [
            "last_epoch": Double(stepCount), "best": best, "num_bad_epochs": Double(badSteps),
            "cooldown_counter": Double(cooldownRemaining),
        ]
    }

    /// Restores a state written by `stateDict()` and sets the learning rates it implies.
    /// The plateau kind keeps the groups' lr as the optimizer's state restored them.
    /// - Throws: `OptimError.missingState` for a missing key.
    public func loadStateDict(_ state: [String: Double]) throws {
        func value(_ key: String) throws -> Double {
            guard let value = state[key] else { throw OptimError.missingState(key: key) }
            return value
        }
        let steps = try value("last_epoch")
        let best = try value("best")
        let bad = try value("num_bad_epochs")
        let cooldown = try value("cooldown_counter")
        stepCount = Int(steps)
        self.best = best
        badSteps = Int(bad)
        cooldownRemaining = Int(cooldown)
        if schedule.kind != .reduceLROnPlateau { apply() }
    }
}
