/// An encoded example: token ids and labels (-100 where no loss is taken).
public struct EncodedSequence: Equatable, Sendable {
    /// The token ids.
    public var ids: [Int]
    /// The labels: the id to predict, or `ignoreIndex`.
    public var labels: [Int]
    /// The rotary position of each token, for packed SFT examples (restarting at 0 for
    /// each example in the pack, 0 on padding); nil means 0..<count.
    public var positions: [Int]?

    /// The label of tokens that take no loss.
    public static let ignoreIndex = -100

    /// A sequence; `positions` only for packed examples.
    public init(ids: [Int], labels: [Int], positions: [Int]? = nil) {
        self.ids = ids
        self.labels = labels
        self.positions = positions
    }

    /// The number of trained tokens.
    public var trainedTokens: Int { labels.filter { $0 != Self.ignoreIndex }.count }
}

/// An encoded data-set item: one sequence (SFT, pre-training), a chosen/rejected pair,
/// or a KTO example with its KL sequence.
public enum EncodedExample: Equatable, Sendable {
    /// A single sequence.
    case single(EncodedSequence)
    /// A preference pair sharing its prompt.
    case pair(chosen: EncodedSequence, rejected: EncodedSequence)
    /// A KTO example: the answer, whether it is desirable, and the KL sequence (this
    /// prompt with another example's answer).
    case feedback(EncodedSequence, kl: EncodedSequence, desirable: Bool)

    /// The longest sequence's length.
    public var length: Int {
        switch self {
        case .single(let sequence): return sequence.ids.count
        case .pair(let chosen, let rejected): return max(chosen.ids.count, rejected.ids.count)
        case .feedback(let sequence, let kl, _): return max(sequence.ids.count, kl.ids.count)
        }
    }
}

/// What encoding a conversation needs from a chat template and tokenizer: LLaMA-Factory's
/// `Template.encode_multiturn` (source ids, target ids per user/assistant pair) and the
/// template's `efficient_eos` with the tokenizer's EOS id.
public protocol ConversationEncoding {
    /// The (source, target) ids of each user/assistant pair of `messages`.
    /// - Throws: when the template cannot encode the turns.
    func encodePairs(_ messages: [DataMessage], system: String, tools: String) throws
        -> [(source: [Int], target: [Int])]
    /// Whether the template leaves EOS out of the assistant format (added once at the end).
    var efficientEOS: Bool { get }
    /// The tokenizer's EOS id.
    var eosTokenID: Int? { get }
}

/// LLaMA-Factory's `infer_seqlen` (data/processor/processor_utils.py): how much of a
/// source and a target to keep within `cutoff` tokens, truncating the longer side in
/// proportion when both are long.
/// - Returns: the kept source and target lengths.
public func inferSequenceLengths(source: Int, target: Int, cutoff: Int) -> (source: Int, target: Int)
{
    let maxTarget: Int
    if target * 2 < cutoff {
        maxTarget = cutoff
    } else if source * 2 < cutoff {
        maxTarget = cutoff - source
    } else {
        maxTarget = Int(Double(cutoff) * (Double(target) / Double(source + target)))
    }
    let newTarget = min(maxTarget, target)
    let newSource = min(max(cutoff - newTarget, 0), source)
    return (newSource, newTarget)
}
