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
        let note = skipped > 0 ? ", \(skipped) skipped" : ""
        return "Dataset(\(records.name), \(encoded.count) examples, \(encoding.stage.rawValue), \(encoding.template)\(note))"
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

    func encode(_ records: Dataset) throws -> EncodedDataset {
        switch stage {
        case .pt:
            return try EncodedDataset.pretrain(records, tokenizer: tokenizer, cutoff: cutoff, template: template)
        case .pairwise:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            return try EncodedDataset.pairwise(records, encoder: encoder, cutoff: cutoff, strict: strict)
        case .kto:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            return try EncodedDataset.feedback(records, encoder: encoder, cutoff: cutoff, strict: strict)
        case .sft:
            let encoder = try TemplateEncoder(templateNamed: template, tokenizer: tokenizer)
            return try EncodedDataset.supervised(
                records, encoder: encoder,
                options: DatasetProcessors.SupervisedOptions(
                    cutoff: cutoff, trainOnPrompt: trainOnPrompt, maskHistory: maskHistory),
                strict: strict)
        }
    }
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
