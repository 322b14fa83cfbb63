import Foundation
import Language
import Models
import Tensors
import Tuning

/// Data sets in LLaMA-Factory's formats, encoded with a chat template, and their batches.
public enum DatasetBuiltins: BuiltinDomain {
    /// The host types this domain registers.
    public static var types: [HostType] { [datasetType, batchType] }

    /// The functions this domain registers.
    public static let functions: [Builtin] = [
        Builtin(
            "dataset",
            Signature(
                ["source"],
                labelled: [
                    ("template", .string("auto")), ("cutoff", .int(1024)), ("stage", .nil),
                    ("tokenizer", .nil), ("format", .string("alpaca")), ("max_samples", .nil),
                    ("train_on_prompt", .bool(false)), ("mask_history", .bool(false)),
                    ("strict", .bool(true)), ("name", .string("lfs")),
                    ("author", .string("the lfs authors")), ("dataset_dir", .nil),
                    ("kto_tag", .string("kto_tag")), ("packing", .nil), ("neat_packing", .bool(false)),
                ]),
            doc: "a bundled data set by name (identity, sft_demo ...) or a .json/.jsonl/.csv/.txt file, "
                + "encoded with a template for stage sft, pt, pairwise (rm, dpo) or kto (kto_tag: the boolean column); "
                + "packing: true packs sft examples into rows of cutoff + 1 tokens with positions (default: pt only)"
        ) { arguments in
            let source = try arguments.string(0)
            let records = try loadRecords(source, arguments: arguments)
            let tokenizer = try tokenizerArgument(arguments)
            var stage = DatasetStage.sft
            if let name = try arguments.optionalString("stage") {
                guard let parsed = DatasetStage(rawValue: name == "rm" || name == "dpo" ? "pairwise" : name) else {
                    throw HostError(
                        "bad argument 'stage' to 'dataset' (sft, pt, pairwise or kto expected, got '\(name)')")
                }
                stage = parsed
            } else if records.attributes.ranking {
                stage = .pairwise
            } else if records.examples.first?.desirable != nil {
                stage = .kto
            }
            let encoding = DatasetEncoding(
                tokenizer: tokenizer, template: try arguments.string("template"), stage: stage,
                cutoff: try arguments.int("cutoff"),
                trainOnPrompt: try arguments.bool("train_on_prompt"),
                maskHistory: try arguments.bool("mask_history"), strict: try arguments.bool("strict"),
                packing: try packingArgument(arguments, stage: stage))
            return .host(try DatasetValue(records: records, encoding: encoding))
        }
    ]

    /// `packing:` (LLaMA-Factory's default: on for stage pt only) and `neat_packing:`.
    /// - Throws: `HostError` for `neat_packing: true` (block-diagonal attention is not
    ///   supported), packing for a pairwise or KTO stage, or a cutoff below 1 with packing.
    static func packingArgument(_ arguments: Arguments, stage: DatasetStage) throws -> Bool {
        if try arguments.bool("neat_packing") {
            throw HostError(
                "bad argument 'neat_packing' to 'dataset' (neat_packing, packing without attention "
                    + "across examples, is not supported)",
                hint: "packing: true packs sft examples with attention across them and positions "
                    + "restarting at each example, as LLaMA-Factory's packing")
        }
        guard case .bool(let packing) = arguments["packing"] else {
            if case .nil = arguments["packing"] { return stage == .pt }
            throw arguments.badArgument("packing", expected: "bool or nil", got: arguments["packing"])
        }
        if packing, stage != .sft, stage != .pt {
            throw HostError(
                "bad argument 'packing' to 'dataset' (packing applies to stage sft and pt, not \(stage.rawValue))")
        }
        if packing, try arguments.int("cutoff") < 1 {
            throw HostError("bad argument 'cutoff' to 'dataset' (packing needs a cutoff of at least 1)")
        }
        return packing
    }

    /// The records of a bundled set or a file.
    static func loadRecords(_ source: String, arguments: Arguments) throws -> Dataset {
        let maxSamples = try arguments.optionalInt("max_samples")
        if FileManager.default.fileExists(atPath: source) {
            let file = (source as NSString).lastPathComponent
            var attributes = DatasetAttributes(
                name: file, fileName: file,
                formatting: try DatasetFormatting(parsing: try arguments.string("format")))
            if try arguments.optionalString("stage") == "kto" { attributes.ktoTag = try arguments.string("kto_tag") }
            return try Dataset(
                path: source, attributes: attributes, maxSamples: maxSamples,
                strict: try arguments.bool("strict"))
        }
        if let directory = try arguments.optionalString("dataset_dir") {  // a user's dataset_info.json
            // "a,b" concatenates registered sets, max_samples each, as LLaMA-Factory's `dataset: a,b`.
            let names = source.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let parts = try names.filter { !$0.isEmpty }.map { name in
                let data = try Dataset(
                    named: name, registryDirectory: directory, maxSamples: maxSamples,
                    strict: try arguments.bool("strict"))
                if name == "identity" {
                    data.fillPlaceholders([
                        "name": try arguments.string("name"), "author": try arguments.string("author"),
                    ])
                }
                return data
            }
            return try Dataset.concatenating(parts, name: source)
        }
        if source == "identity" {
            return try BundledData.identity(
                name: try arguments.string("name"), author: try arguments.string("author"),
                maxSamples: maxSamples)
        }
        return try BundledData.dataset(named: source, maxSamples: maxSamples)
    }

    /// The `tokenizer:` argument (a tokenizer or a model), else the last loaded model's.
    static func tokenizerArgument(_ arguments: Arguments) throws -> Tokenizer {
        switch arguments["tokenizer"] {
        case .nil:
            guard let tokenizer = ModelBuiltins.latestTokenizer else {
                throw HostError(
                    "dataset: no tokenizer to encode with",
                    hint: "load a model first, or pass tokenizer: model.tokenizer")
            }
            return tokenizer
        case .host(let object as TokenizerValue): return object.tokenizer
        case .host(let object as ModelValue): return try object.model.requireTokenizer()
        case let other:
            throw arguments.badArgument("tokenizer", expected: "tokenizer or model", got: other)
        }
    }
}
