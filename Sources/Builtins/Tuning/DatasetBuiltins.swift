import Foundation
import Language
import Models
import Tensors
import Tuning

/// An encoded data set as a value: `dataset("identity", template: "chatml")`.
public final class DatasetValue: HostObject {
    /// The records, before encoding (kept for `split` and `preview`).
    public let records: Dataset
    /// The encoded items.
    public let encoded: EncodedDataset
    /// The tokenizer it was encoded with.
    public let tokenizer: Tokenizer
    /// How it was encoded, to encode a split the same way.
    let encoding: DatasetEncoding

    init(records: Dataset, encoding: DatasetEncoding) throws {
        self.records = records
        self.encoding = encoding
        self.tokenizer = encoding.tokenizer
        self.encoded = try encoding.encode(records)
    }

    /// The `Dataset` table.
    public var hostType: HostType { DatasetBuiltins.datasetType }

    /// `Dataset(identity, 100 examples, sft, chatml)`.
    public var summary: String {
        let skipped = encoded.skipped + records.skipped
        var note = skipped > 0 ? ", \(skipped) skipped" : ""
        if encoded.dropped > 0 { note += ", \(encoded.dropped) longer than the cutoff dropped" }
        let packed = encoding.stage == .sft && encoding.packing ? " packed" : ""
        return "Dataset(\(records.name), \(encoded.count)\(packed) examples, \(encoding.stage.rawValue), \(encoding.template)\(note))"
    }
}

/// The training stages a data set can be encoded for.
enum DatasetStage: String, CaseIterable {
    case sft, pt, pairwise, kto
}

/// Everything `dataset(...)` was told about encoding.
struct DatasetEncoding {
    let tokenizer: Tokenizer
    let template: String
    let stage: DatasetStage
    let cutoff: Int
    let trainOnPrompt: Bool
    let maskHistory: Bool
    let strict: Bool
    /// pt: blocks of `cutoff` tokens (else one truncated sequence per text); sft: packs
    /// of `cutoff + 1` tokens (LLaMA-Factory's `PackedSupervisedDatasetProcessor`).
    let packing: Bool

    func encode(_ records: Dataset) throws -> EncodedDataset {
        switch stage {
        case .pt:
            return try EncodedDataset.pretrain(
                records, tokenizer: tokenizer, cutoff: cutoff, packing: packing, template: template)
        case .pairwise:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            return try EncodedDataset.pairwise(records, encoder: encoder, cutoff: cutoff, strict: strict)
        case .kto:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            return try EncodedDataset.feedback(records, encoder: encoder, cutoff: cutoff, strict: strict)
        case .sft:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            let options = DatasetProcessors.SupervisedOptions(
                cutoff: cutoff, trainOnPrompt: trainOnPrompt, maskHistory: maskHistory)
            guard packing else {
                return try EncodedDataset.supervised(records, encoder: encoder, options: options, strict: strict)
            }
            return try EncodedDataset.supervisedPacked(
                records, encoder: encoder, options: options, padID: padID, strict: strict)
        }
    }

    /// The padding id: the tokenizer's pad, else EOS (as LLaMA-Factory fixes a tokenizer
    /// without one), else 0.
    var padID: Int { tokenizer.padTokenID ?? tokenizer.eosTokenID ?? 0 }
}

/// One padded batch as a value: `batch.ids`, `batch.labels`, `batch.mask` ([B, T] int64).
public final class BatchValue: HostObject {
    /// The padded batch.
    public let batch: DataBatch
    /// Wraps a batch.
    public init(_ batch: DataBatch) { self.batch = batch }
    /// The `Batch` table.
    public var hostType: HostType { DatasetBuiltins.batchType }
    /// `Batch(8 x 57, 312 trained tokens)`.
    public var summary: String {
        let trained = batch.labels.joined().filter { $0 != EncodedSequence.ignoreIndex }.count
        return "Batch(\(batch.ids.count) x \(batch.ids.first?.count ?? 0), \(trained) trained tokens)"
    }

    /// The rows as a tensor, or nil when absent.
    static func optionalTensor(_ rows: [[Int]]?) throws -> Value {
        guard let rows else { return .nil }
        return .tensor(try tensor(rows))
    }

    /// A [B, T] int64 tensor of nested rows.
    static func tensor(_ rows: [[Int]]) throws -> Tensor {
        try Tensor(ids: rows.flatMap { $0 }, shape: [rows.count, rows.first?.count ?? 0], dtype: .int64)
    }
}
