import CKernels
import Foundation

/// Cross-entropy of logits against integer targets, row by row.
///
/// PyTorch `F.cross_entropy(logits, targets, ignore_index=-100, label_smoothing=ε,
/// reduction="mean")`: with lse = log Σ_v e^z_v,
///     loss_n = lse - (1 - ε) z[target] - (ε / V) Σ_v z_v,
/// and the mean is taken over the rows whose target is not the ignore index (NaN when
/// there are none, as in PyTorch). The kernel works on any run of rows, so a caller can
/// drive it one chunk of logits at a time (`LinearCrossEntropyKernel` does, so the
/// [N, V] logits never exist whole). Shapes: N rows, V classes.
public enum CrossEntropyKernel {
    /// PyTorch's default ignore index.
    public static let defaultIgnoreIndex: Int64 = -100

    /// The number of rows whose target is not `ignoreIndex`: the mean's denominator.
    /// - Parameters:
    ///   - targets: [N].
    public static func countedRows(
        targets: UnsafePointer<Int64>, N: Int, ignoreIndex: Int64 = defaultIgnoreIndex
    ) -> Int {
        var count = 0
        for n in 0..<N where targets[n] != ignoreIndex { count += 1 }
        return count
    }

    /// Throws for the first target that is neither in 0..<V nor the ignore index.
    /// - Parameters:
    ///   - targets: [N].
    public static func validate(
        targets: UnsafePointer<Int64>, N: Int, V: Int, ignoreIndex: Int64 = defaultIgnoreIndex
    ) throws {
        for n in 0..<N where targets[n] != ignoreIndex && (targets[n] < 0 || targets[n] >= V) {
            throw TensorError.indexOutOfRange(op: "cross_entropy", index: Int(targets[n]), size: V)
        }
    }

    /// Computes each row's loss (0 for ignored rows) and log-sum-exp. Targets must have
    /// passed `validate`.
    /// - Parameters:
    ///   - losses: [N], written.
    ///   - logSumExp: [N], written.
    ///   - logits: [N, V].
    ///   - targets: [N].
    public static func forwardRows(
        losses: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>,
        logits: UnsafePointer<Float>, targets: UnsafePointer<Int64>, N: Int, V: Int,
        labelSmoothing: Float = 0, ignoreIndex: Int64 = defaultIgnoreIndex
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 1) { rows in
            for n in rows {
                let z = logits + n * V
                let lse = lfs_log_sum_exp(z, V)
                logSumExp[n] = lse
                let target = targets[n]
                guard target != ignoreIndex else {
                    losses[n] = 0
                    continue
                }
                losses[n] = rowLoss(
                    logSumExp: lse, logits: z, target: Int(target), V: V, labelSmoothing: labelSmoothing)
            }
        }
    }

    /// lse - (1 - ε) z[target] - (ε / V) Σ_v z_v (the sum only read when ε is not 0).
    @inline(__always)
    static func rowLoss(
        logSumExp lse: Float, logits z: UnsafePointer<Float>, target: Int, V: Int,
        labelSmoothing: Float
    ) -> Float {
        guard labelSmoothing != 0 else { return lse - z[target] }
        return lse - (1 - labelSmoothing) * z[target] - labelSmoothing / Float(V) * lfs_row_sum(z, V)
    }

    /// The mean loss of `losses` over `count` counted rows, summed in Double in row order.
    /// - Parameters:
    ///   - losses: [N], as `forwardRows` wrote them.
    public static func mean(losses: UnsafePointer<Float>, N: Int, count: Int) -> Float {
        var total = 0.0
        for n in 0..<N { total += Double(losses[n]) }
        return Float(total / Double(count))
    }

    /// Writes the gradient of `scale` times the summed row losses:
    /// scale * (softmax(z) - (1 - ε) onehot(target) - ε / V), and 0 for ignored rows.
    /// For the mean loss, `scale` is the upstream gradient divided by the counted rows.
    /// `logitsGradient` may be the same buffer as `logits` (the chunked path does that).
    /// - Parameters:
    ///   - logitsGradient: [N, V], written (not accumulated).
    ///   - logits: [N, V].
    ///   - logSumExp: [N], as `forwardRows` saved it.
    ///   - targets: [N].
    public static func backwardRows(
        logitsGradient: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
        logSumExp: UnsafePointer<Float>, targets: UnsafePointer<Int64>, N: Int, V: Int,
        scale: Float, labelSmoothing: Float = 0, ignoreIndex: Int64 = defaultIgnoreIndex
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 1) { rows in
            for n in rows {
                let z = logits + n * V
                let dz = logitsGradient + n * V
                let target = targets[n]
                guard target != ignoreIndex else {
                    dz.update(repeating: 0, count: V)
                    continue
                }
                // dz = e^(z - lse) * scale - (ε / V) * scale
                lfs_exp_affine(dz, z, V, logSumExp[n], scale, -labelSmoothing / Float(V) * scale)
                dz[Int(target)] -= (1 - labelSmoothing) * scale
            }
        }
    }

    /// `forwardRows` then `backwardRows` in place, with one exp per logit instead of two:
    /// each row's e^(z - max) is stored while it is summed, then scaled into the gradient.
    /// - Parameters:
    ///   - losses: [N], written (0 for ignored rows).
    ///   - logits: [N, V], replaced by scale * (softmax - (1 - ε) onehot - ε / V)
    ///     (0 for ignored rows).
    ///   - targets: [N], validated.
    public static func forwardBackwardRows(
        losses: UnsafeMutablePointer<Float>, logits: UnsafeMutablePointer<Float>,
        targets: UnsafePointer<Int64>, N: Int, V: Int, scale: Float, labelSmoothing: Float = 0,
        ignoreIndex: Int64 = defaultIgnoreIndex
    ) {
        Parallel.forEachChunk(count: N, minimumChunk: 1) { rows in
            for n in rows {
                let z = logits + n * V
                let target = targets[n]
                guard target != ignoreIndex else {
                    losses[n] = 0
                    z.update(repeating: 0, count: V)
                    continue
                }
                // The loss reads z[target] and Σ z before the exps overwrite the row.
                let targetLogit = z[Int(target)]
                let logitSum = labelSmoothing == 0 ? 0 : lfs_row_sum(z, V)
                let m = lfs_row_max(z, V)
                let sum = lfs_exp_sum(z, z, V, m)
                let lse = m + log(sum)
                losses[n] = lse - (1 - labelSmoothing) * targetLogit - labelSmoothing / Float(V) * logitSum
                // dz = e^(z - m) / sum * scale - (ε / V) * scale
                lfs_affine(z, z, V, scale / sum, -labelSmoothing / Float(V) * scale)
                z[Int(target)] -= (1 - labelSmoothing) * scale
            }
        }
    }
}
