import Tensors

/// Per-sequence log-probabilities of the labels, as LLaMA-Factory's `get_batch_logps`
/// (train/trainer_utils.py): position t predicts label t + 1 (the causal-LM shift),
/// labels of -100 take no part, and each row's token log-probabilities are summed
/// (or averaged over its counted tokens).
public enum SequenceLogProbs {
    /// The label that does not count.
    public static let ignoredLabel = -100

    /// log p(labels) per row, differentiable with respect to `logits`.
    /// - Parameters:
    ///   - logits: [B, T, V] float.
    ///   - labels: [B, T] integer labels, -100 where no token counts.
    ///   - average: divide each row's sum by its counted tokens (NaN for a row with none,
    ///     as torch's 0 / 0).
    /// - Returns: [B] float32 on the tape.
    /// - Throws: `LossError.shapeMismatch` for shapes that disagree, `.invalidArgument`
    ///   for a label outside the vocabulary.
    public static func compute(logits: Tensor, labels: Tensor, average: Bool = false) throws -> Tensor {
        let function = "sequence_logps"
        guard logits.rank == 3, logits.dtype.isFloatingPoint else {
            throw LossError.shapeMismatch(
                function: function, detail: "logits must be a float [batch, tokens, vocab] tensor, got \(logits.shape)")
        }
        guard labels.shape == Array(logits.shape.prefix(2)), !labels.dtype.isFloatingPoint else {
            throw LossError.shapeMismatch(
                function: function,
                detail: "labels must be an integer [\(logits.shape[0]), \(logits.shape[1])] tensor, got \(labels.shape) \(labels.dtype)")
        }
        let (b, t, v) = (logits.shape[0], logits.shape[1], logits.shape[2])
        let shifted = try shiftedTargets(labels.toIntArray(), rows: b, length: t, vocabulary: v)
        guard t > 1, b > 0 else {
            return try Tensor(shape: [b], scalars: [Float](repeating: average ? .nan : 0, count: b))
        }
        let index = try Tensor(ids: shifted.targets, shape: [b, t - 1, 1])
        let mask = try Tensor(shape: [b, t - 1], scalars: shifted.mask)
        let tokenLogps = try logits.slice(dim: 1, start: 0, end: t - 1).logSoftmax(dim: -1)
            .gather(dim: 2, index: index).squeeze(2)
        let sums = try tokenLogps.mul(mask).sum(dim: 1)
        guard average else { return sums }
        return try sums.div(try Tensor(shape: [b], scalars: shifted.counts.map(Float.init)))
    }

    /// The number of counted tokens of each row after the shift (LLaMA-Factory's
    /// `valid_length`): labels[:, 1:] that are not -100.
    /// - Parameter labels: [B, T] integer labels.
    /// - Throws: `LossError.shapeMismatch` unless labels is a rank-2 integer tensor.
    public static func lengths(labels: Tensor) throws -> [Int] {
        guard labels.rank == 2, !labels.dtype.isFloatingPoint else {
            throw LossError.shapeMismatch(
                function: "sequence_lengths", detail: "labels must be an integer [batch, tokens] tensor, got \(labels.shape)")
        }
        let (b, t) = (labels.shape[0], labels.shape[1])
        let values = labels.toIntArray()
        return (0..<b).map { row in
            t < 2 ? 0 : values[(row * t + 1)..<((row + 1) * t)].filter { $0 != ignoredLabel }.count
        }
    }

    /// labels[:, 1:] with -100 replaced by 0 (a dummy index), the 1/0 mask of counted
    /// positions and the count per row.
    static func shiftedTargets(_ values: [Int], rows: Int, length: Int, vocabulary: Int) throws
        -> (targets: [Int], mask: [Float], counts: [Int])
    {
        var targets: [Int] = []
        var mask: [Float] = []
        var counts = [Int](repeating: 0, count: rows)
        guard length > 1 else { return ([], [], counts) }
        targets.reserveCapacity(rows * (length - 1))
        mask.reserveCapacity(rows * (length - 1))
        for row in 0..<rows {
            for position in 1..<length {
                let label = values[row * length + position]
                if label == ignoredLabel {
                    targets.append(0)
                    mask.append(0)
                    continue
                }
                guard label >= 0, label < vocabulary else {
                    throw LossError.invalidArgument(
                        function: "sequence_logps", name: "labels",
                        reason: "hold \(label) at row \(row), position \(position): outside the vocabulary of \(vocabulary) (use -100 for tokens that do not count)")
                }
                targets.append(label)
                mask.append(1)
                counts[row] += 1
            }
        }
        return (targets, mask, counts)
    }
}
