import Foundation

/// Adafactor as transformers' `Adafactor` computes it (transformers/optimization.py;
/// Shazeer & Stern, arXiv:1804.04235), with all of its options: factored second moments
/// over the last two axes of parameters of rank >= 2, `beta2_t = 1 - t^decay_rate`,
/// update clipping by RMS, optional first moment (`beta1`), relative step sizes scaled by
/// the parameter's RMS, and weight decay `p -= wd * lr * p`. With `relativeStep` (the
/// default) the groups' `lr` is not used: the step size is `min(1e-2, 1/sqrt(t))`
/// (`min(1e-6 t, 1/sqrt(t))` with `warmupInit`).
public final class Adafactor: Optimizer {
    /// Regularisers of the squared gradient and of the parameter scale (1e-30, 1e-3).
    public let eps: (Double, Double)
    /// The RMS threshold of an update (1.0).
    public let clipThreshold: Double
    /// The exponent of the second-moment decay (-0.8).
    public let decayRate: Double
    /// The first-moment decay; nil (the default) keeps no first moment.
    public let beta1: Double?
    /// Scale the step by the parameter's RMS (true).
    public let scaleParameter: Bool
    /// Use the time-dependent step size instead of the groups' lr (true).
    public let relativeStep: Bool
    /// Warm the relative step up linearly (false); needs `relativeStep`.
    public let warmupInit: Bool

    final class Slot {
        var step = 0
        var rms = 0.0
        var expAvg: [Float]?
        var row: [Float]?  // [batch * rows], factored only
        var column: [Float]?  // [batch * columns], factored only
        var expAvgSq: [Float]?  // [n], unfactored only
    }
    private var state: [Int: Slot] = [:]

    /// Makes an Adafactor with transformers' defaults.
    /// - Parameters:
    ///   - groups: the groups (their lr is used only when `relativeStep` is false).
    ///   - eps: the two regularisers.
    ///   - clipThreshold: the update RMS threshold.
    ///   - decayRate: the second-moment decay exponent.
    ///   - beta1: the first-moment decay, or nil.
    ///   - scaleParameter: scale by the parameter RMS.
    ///   - relativeStep: time-dependent step size.
    ///   - warmupInit: warm-up of the relative step.
    /// - Throws: `OptimError.invalidArgument` for `warmupInit` without `relativeStep`.
    public init(
        groups: [ParameterGroup], eps: (Double, Double) = (1e-30, 1e-3),
        clipThreshold: Double = 1.0, decayRate: Double = -0.8, beta1: Double? = nil,
        scaleParameter: Bool = true, relativeStep: Bool = true, warmupInit: Bool = false
    ) throws {
        if warmupInit && !relativeStep {
            throw OptimError.invalidArgument(
                name: "warmup_init", reason: "warmup_init requires relative_step")
        }
        self.eps = eps
        self.clipThreshold = clipThreshold
        self.decayRate = decayRate
        self.beta1 = beta1
        self.scaleParameter = scaleParameter
        self.relativeStep = relativeStep
        self.warmupInit = warmupInit
        try super.init(kind: "adafactor", groups: groups)
    }

    /// The step size for a slot as transformers' `_get_lr` computes it.
    private func stepSize(group: ParameterGroup, slot: Slot) -> Double {
        var relative = group.lr
        if relativeStep {
            let minimum = warmupInit ? 1e-6 * Double(slot.step) : 1e-2
            relative = min(minimum, 1 / Double(slot.step).squareRoot())
        }
        let scale = scaleParameter ? max(eps.1, slot.rms) : 1
        return scale * relative
    }

    private static func rms(_ values: UnsafeBufferPointer<Float>) -> Double {
        var sum = 0.0
        for value in values { sum += Double(value) * Double(value) }
        return (sum / Double(max(1, values.count))).squareRoot()
    }

    override func update(
        slot index: Int, group: ParameterGroup, shape: [Int],
        values: UnsafeMutableBufferPointer<Float>, gradient: UnsafeBufferPointer<Float>
    ) throws {
        let n = values.count
        let factored = shape.count >= 2
        let columns = factored ? shape[shape.count - 1] : n
        let rows = factored ? shape[shape.count - 2] : 1
        let batches = factored ? n / max(1, rows * columns) : 1
        let slot = state[index] ?? Slot()
        if state[index] == nil {
            if beta1 != nil { slot.expAvg = [Float](repeating: 0, count: n) }
            if factored {
                slot.row = [Float](repeating: 0, count: batches * rows)
                slot.column = [Float](repeating: 0, count: batches * columns)
            } else {
                slot.expAvgSq = [Float](repeating: 0, count: n)
            }
            state[index] = slot
        }
        slot.step += 1
        slot.rms = Self.rms(UnsafeBufferPointer(values))
        let lr = stepSize(group: group, slot: slot)
        let beta2t = 1 - pow(Double(slot.step), decayRate)
        let eps1 = eps.0
        var update = [Float](repeating: 0, count: n)
        if factored, var row = slot.row, var column = slot.column {
            // g: [B, R, C]; row: [B, R]; column: [B, C]
            for b in 0..<batches {
                let base = b * rows * columns
                var rowMeanSum = 0.0
                for r in 0..<rows {
                    var sum = 0.0
                    for c in 0..<columns {
                        let g = Double(gradient[base + r * columns + c])
                        sum += g * g + eps1
                    }
                    let k = b * rows + r
                    row[k] = Float(beta2t * Double(row[k]) + (1 - beta2t) * sum / Double(columns))
                    rowMeanSum += Double(row[k])
                }
                for c in 0..<columns {
                    var sum = 0.0
                    for r in 0..<rows {
                        let g = Double(gradient[base + r * columns + c])
                        sum += g * g + eps1
                    }
                    let k = b * columns + c
                    column[k] = Float(
                        beta2t * Double(column[k]) + (1 - beta2t) * sum / Double(rows))
                }
                let rowMean = rowMeanSum / Double(rows)
                for r in 0..<rows {
                    let rowFactor = 1 / (Double(row[b * rows + r]) / rowMean).squareRoot()
                    for c in 0..<columns {
                        let columnFactor = 1 / Double(column[b * columns + c]).squareRoot()
                        let i = base + r * columns + c
                        update[i] = Float(rowFactor * columnFactor * Double(gradient[i]))
                    }
                }
            }
            slot.row = row
            slot.column = column
        } else if var expAvgSq = slot.expAvgSq {
            for i in 0..<n {
                let g = Double(gradient[i])
                expAvgSq[i] = Float(beta2t * Double(expAvgSq[i]) + (1 - beta2t) * (g * g + eps1))
                update[i] = Float(Double(gradient[i]) / Double(expAvgSq[i]).squareRoot())
            }
            slot.expAvgSq = expAvgSq
        }
        let updateRMS = update.withUnsafeBufferPointer { Self.rms($0) }
        let divisor = max(updateRMS / clipThreshold, 1)
        let scale = Float(lr / divisor)
        for i in 0..<n { update[i] *= scale }
        if let beta1, var expAvg = slot.expAvg {
            let keep = Float(beta1)
            for i in 0..<n {
                expAvg[i] = keep * expAvg[i] + (1 - keep) * update[i]
            }
            update = expAvg
            slot.expAvg = expAvg
        }
        let decay = Float(-group.weightDecay * lr)
        let applyDecay = group.weightDecay != 0
        for i in 0..<n {
            if applyDecay { values[i] += values[i] * decay }
            values[i] -= update[i]
        }
    }

    override func saveState(slot index: Int, shape: [Int], into stateDict: inout OptimizerState) {
        guard let slot = state[index] else { return }
        let prefix = "state.\(index)"
        stateDict.scalars["\(prefix).step"] = Double(slot.step)
        stateDict.scalars["\(prefix).RMS"] = slot.rms
        if let expAvg = slot.expAvg {
            stateDict.tensors["\(prefix).exp_avg"] = .init(shape: shape, values: expAvg)
        }
        if let row = slot.row, let column = slot.column {
            let rowShape = Array(shape.dropLast())
            let columnShape = Array(shape.dropLast(2)) + [shape.last ?? 0]
            stateDict.tensors["\(prefix).exp_avg_sq_row"] = .init(shape: rowShape, values: row)
            stateDict.tensors["\(prefix).exp_avg_sq_col"] = .init(
                shape: columnShape, values: column)
        }
        if let expAvgSq = slot.expAvgSq {
            stateDict.tensors["\(prefix).exp_avg_sq"] = .init(shape: shape, values: expAvgSq)
        }
    }

    override func loadState(slot index: Int, count: Int, from stateDict: OptimizerState) throws
        -> () -> Void
    {
        let prefix = "state.\(index)"
        guard let step = stateDict.scalars["\(prefix).step"] else {
            return { [self] in state[index] = nil }
        }
        let slot = Slot()
        slot.step = Int(step)
        slot.rms = try stateDict.scalar("\(prefix).RMS")
        if beta1 != nil { slot.expAvg = try stateDict.buffer("\(prefix).exp_avg", count: count) }
        if let row = stateDict.tensors["\(prefix).exp_avg_sq_row"],
            let column = stateDict.tensors["\(prefix).exp_avg_sq_col"]
        {
            slot.row = row.values
            slot.column = column.values
        } else {
            slot.expAvgSq = try stateDict.buffer("\(prefix).exp_avg_sq", count: count)
        }
        return { [self] in state[index] = slot }
    }
}
