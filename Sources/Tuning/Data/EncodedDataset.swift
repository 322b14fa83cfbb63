import Models

/// A data set encoded to token ids, ready for batching.
public final class EncodedDataset {
    /// The encoded items.
    public let items: [EncodedExample]
    /// Examples dropped while encoding (`strict: false`).
    public let skipped: Int
    /// Packed SFT: examples left out for being longer than the cutoff.
    public let dropped: Int

    /// Wraps encoded items.
    public init(items: [EncodedExample], skipped: Int = 0, dropped: Int = 0) {
        self.items = items
        self.skipped = skipped
        self.dropped = dropped
    }

    /// The number of items.
    public var count: Int { items.count }

    /// Encodes every example for SFT.
    /// - Throws: `DatasetError.invalidArgument` for `trainOnPrompt` with an efficient-EOS
    ///   template (LLaMA-Factory refuses it too: its prompts would start with the previous
    ///   answer's EOS); the first example's error when `strict`; others are skipped and counted.
    public static func supervised(
        _ dataset: Dataset, encoder: any ConversationEncoding,
        options: DatasetProcessors.SupervisedOptions, strict: Bool = true
    ) throws -> EncodedDataset {
        if options.trainOnPrompt && encoder.efficientEOS {
            throw DatasetError.invalidArgument(
                name: "train_on_prompt", reason: "the template puts one EOS at the end (efficient EOS) and does not support it")
        }
        return try encodeEach(dataset, strict: strict) {
            .single(try DatasetProcessors.supervised($0, encoder: encoder, options: options, file: dataset.name))
        }
    }

    /// Encodes every example for SFT and packs them (`packing: true`), as LLaMA-Factory's
    /// `PackedSupervisedDatasetProcessor`: see `DatasetProcessors.packSupervised`. As its
    /// `dataset.map(batched=True)`, the examples are packed in groups of `groupSize`
    /// (`preprocessing_batch_size`, 1000); a group's malformed examples count towards its
    /// size (records skipped while reading, `Dataset.skipped`, do not).
    /// - Parameters:
    ///   - options: `cutoff` is the packed length less one (LLaMA-Factory's `cutoff_len`
    ///     after its `DataArguments` took one off for packing).
    ///   - padID: the id padding each pack.
    /// - Throws: as `supervised`.
    public static func supervisedPacked(
        _ dataset: Dataset, encoder: any ConversationEncoding,
        options: DatasetProcessors.SupervisedOptions, padID: Int, strict: Bool = true,
        groupSize: Int = 1000
    ) throws -> EncodedDataset {
        var items: [EncodedExample] = []
        var skipped = 0
        var dropped = 0
        for start in stride(from: 0, to: dataset.examples.count, by: max(1, groupSize)) {
            let group = Dataset(
                name: dataset.name, attributes: dataset.attributes,
                examples: Array(dataset.examples[start..<min(dataset.examples.count, start + max(1, groupSize))]))
            let encoded = try supervised(group, encoder: encoder, options: options, strict: strict)
            let sequences = encoded.items.compactMap { item -> EncodedSequence? in
                if case .single(let sequence) = item { return sequence }
                return nil
            }
            let packed = DatasetProcessors.packSupervised(sequences, cutoff: options.cutoff, padID: padID)
            items += packed.packs.map { .single($0) }
            skipped += encoded.skipped
            dropped += packed.dropped
        }
        return EncodedDataset(items: items, skipped: skipped, dropped: dropped)
    }

    /// Encodes every example as a chosen/rejected pair (reward modelling, DPO, ORPO ...).
    /// - Throws: the first example's error when `strict`; others are skipped and counted.
    public static func pairwise(
        _ dataset: Dataset, encoder: any ConversationEncoding, cutoff: Int, strict: Bool = true
    ) throws -> EncodedDataset {
        try encodeEach(dataset, strict: strict) {
            let pair = try DatasetProcessors.pairwise(
                $0, encoder: encoder, cutoff: cutoff, file: dataset.name)
            return .pair(chosen: pair.chosen, rejected: pair.rejected)
        }
    }

    /// Encodes every example for KTO with its KL sequence (`DatasetProcessors.feedback`),
    /// the KL answers paired as LLaMA-Factory pairs them (`klResponses`, in file order).
    /// - Throws: the first example's error when `strict`; others are skipped and counted.
    public static func feedback(
        _ dataset: Dataset, encoder: any ConversationEncoding, cutoff: Int, strict: Bool = true
    ) throws -> EncodedDataset {
        let klResponses = DatasetProcessors.klResponses(dataset.examples)
        var position = 0
        return try encodeEach(dataset, strict: strict) { example in
            defer { position += 1 }
            let encoded = try DatasetProcessors.feedback(
                example, klResponse: klResponses[position], encoder: encoder, cutoff: cutoff, file: dataset.name)
            return .feedback(encoded.sequence, kl: encoded.kl, desirable: encoded.desirable)
        }
    }

    /// Encodes the texts for pre-training with the tokenizer: packed into blocks of
    /// `cutoff` (LLaMA-Factory's default for stage pt) or one truncated sequence each.
    /// - Parameter template: the template name; as LLaMA-Factory's PretrainDatasetProcessor,
    ///   `llama3` ends each text with `<|end_of_text|>` instead of the tokenizer's EOS.
    /// - Throws: `DatasetError.invalidArgument` when the tokenizer has no EOS token.
    public static func pretrain(
        _ dataset: Dataset, tokenizer: Tokenizer, cutoff: Int, packing: Bool = true,
        template: String? = nil
    ) throws -> EncodedDataset {
        guard let eos = template == "llama3" ? "<|end_of_text|>" : tokenizer.config.eosToken else {
            throw DatasetError.invalidArgument(name: "tokenizer", reason: "has no EOS token")
        }
        guard cutoff > 0 else {
            throw DatasetError.invalidArgument(name: "cutoff", reason: "must be positive")
        }
        let texts = dataset.examples.map(\.text)
        let addsBOS = tokenizer.config.addBosToken ?? false
        let tokenize = { (text: String) in tokenizer.encode(text, addSpecialTokens: false) }
        let sequences =
            packing
            ? DatasetProcessors.pretrainPacked(
                texts, tokenize: tokenize, eosText: eos, blockSize: cutoff,
                bosTokenID: addsBOS ? tokenizer.bosTokenID : nil)
            : DatasetProcessors.pretrainUnpacked(
                texts, tokenize: tokenize, eosText: eos, cutoff: cutoff,
                bosText: addsBOS ? tokenizer.config.bosToken : nil)
        return EncodedDataset(items: sequences.map { .single($0) })
    }

    private static func encodeEach(
        _ dataset: Dataset, strict: Bool, _ encode: (DataExample) throws -> EncodedExample
    ) throws -> EncodedDataset {
        var items: [EncodedExample] = []
        var skipped = 0
        for example in dataset.examples {
            do {
                items.append(try encode(example))
            } catch where !strict {
                skipped += 1
            }
        }
        return EncodedDataset(items: items, skipped: skipped)
    }

    /// Padded batches: ids padded with `padID` on the right, labels with -100 and an
    /// attention mask of 1s and 0s, to the longest sequence of the batch. Pairwise batches
    /// hold the chosen sequences first, then the rejected ones, as LLaMA-Factory's
    /// `PairwiseDataCollatorWithPadding`.
    /// - Parameters:
    ///   - size: examples per batch.
    ///   - shuffle: visit the items in a seeded random order.
    ///   - seed: the shuffle's seed.
    ///   - dropLast: leave out a last, smaller batch.
    ///   - padID: the padding id (the tokenizer's pad, else EOS, else 0).
    /// - Throws: `DatasetError.invalidArgument` for a size below 1.
    public func batches(
        size: Int, shuffle: Bool = false, seed: UInt64 = 42, dropLast: Bool = false, padID: Int = 0
    ) throws -> [DataBatch] {
        guard size >= 1 else {
            throw DatasetError.invalidArgument(name: "size", reason: "must be at least 1")
        }
        let order = shuffle ? SeededShuffle.permutation(count: items.count, seed: seed) : Array(items.indices)
        var batches: [DataBatch] = []
        for start in stride(from: 0, to: order.count, by: size) {
            let end = min(order.count, start + size)
            if dropLast && end - start < size { break }
            batches.append(DataBatch(order[start..<end].map { items[$0] }, padID: padID))
        }
        return batches
    }
}

/// One padded batch: `[B, T]` ids, labels and attention mask (and positions for packed
/// SFT data), as nested arrays.
public struct DataBatch: Equatable, Sendable {
    /// `[B, T]` token ids, right-padded.
    public var ids: [[Int]]
    /// `[B, T]` labels, -100 on padding and untrained tokens.
    public var labels: [[Int]]
    /// `[B, T]` 1 for tokens, 0 for padding.
    public var attentionMask: [[Int]]
    /// `[B, T]` rotary positions when a row is packed (restarting at 0 for each example
    /// in it, LLaMA-Factory's `position_ids`); nil when no row is, meaning 0..<T.
    public var positions: [[Int]]?
    /// For pairwise batches, the number of chosen rows (the first half); nil otherwise.
    public var chosenCount: Int?
    /// For KTO batches, each row's tag (true: desirable); nil otherwise.
    public var tags: [Bool]?
    /// For KTO batches, the KL rows (`kl_input_ids`), padded on their own as
    /// LLaMA-Factory's `KTODataCollatorWithPadding`; nil otherwise.
    public var klIds: [[Int]]?
    /// For KTO batches, the KL rows' labels; nil otherwise.
    public var klLabels: [[Int]]?
    /// For KTO batches, the KL rows' attention mask; nil otherwise.
    public var klAttentionMask: [[Int]]?

    /// Pads encoded items into one batch (pairs: chosen rows, then rejected rows; KTO
    /// items: their sequences, with the KL sequences and tags alongside).
    public init(_ items: [EncodedExample], padID: Int) {
        var sequences: [EncodedSequence] = []
        var rejected: [EncodedSequence] = []
        var klSequences: [EncodedSequence] = []
        var tags: [Bool] = []
        var pairwise = false
        for item in items {
            switch item {
            case .single(let sequence): sequences.append(sequence)
            case .pair(let chosen, let other):
                pairwise = true
                sequences.append(chosen)
                rejected.append(other)
            case .feedback(let sequence, let kl, let desirable):
                sequences.append(sequence)
                klSequences.append(kl)
                tags.append(desirable)
            }
        }
        chosenCount = pairwise ? sequences.count : nil
        sequences += rejected
        let rows = PaddedRows(sequences, padID: padID)
        (ids, labels, attentionMask) = (rows.ids, rows.labels, rows.attentionMask)
        positions = rows.positions
        if !klSequences.isEmpty {
            self.tags = tags
            let kl = PaddedRows(klSequences, padID: padID)
            (klIds, klLabels, klAttentionMask) = (kl.ids, kl.labels, kl.attentionMask)
        }
    }

    /// Rows in the batch (twice the examples for pairwise batches).
    public var rows: Int { ids.count }
    /// The padded length.
    public var length: Int { ids.first?.count ?? 0 }
}

/// Sequences right-padded to the longest: ids with the pad id, labels with -100, the
/// attention mask, and positions (0 on padding) when any sequence carries them.
struct PaddedRows {
    var ids: [[Int]]
    var labels: [[Int]]
    var attentionMask: [[Int]]
    var positions: [[Int]]?

    init(_ sequences: [EncodedSequence], padID: Int) {
        let length = sequences.map(\.ids.count).max() ?? 0
        ids = sequences.map { $0.ids + [Int](repeating: padID, count: length - $0.ids.count) }
        labels = sequences.map {
            $0.labels + [Int](repeating: EncodedSequence.ignoreIndex, count: length - $0.labels.count)
        }
        attentionMask = sequences.map {
            [Int](repeating: 1, count: $0.ids.count) + [Int](repeating: 0, count: length - $0.ids.count)
        }
        if sequences.contains(where: { $0.positions != nil }) {
            positions = sequences.map {
                ($0.positions ?? Array(0..<$0.ids.count)) + [Int](repeating: 0, count: length - $0.ids.count)
            }
        }
    }
}
