import Foundation
import Models
import Testing

@testable import Tuning

/// Data encoding compared token for token with LLaMA-Factory's own pipeline. The data
/// files and `dataset_info.json` in Tests/Fixtures/tuning/templates/ are encoded by
/// LLaMA-Factory (Scripts/fixtures/templates.py, its `get_dataset` with the embedded tiny
/// model's tokenizer) into `expected.json`: alpaca (input, system, history), sharegpt
/// (multi-turn, system tag and column, custom role tags, a record LLaMA-Factory drops), pairwise (alpaca and sharegpt),
/// KTO, pre-training text (packed and not) and packed SFT (both SFT files packed together,
/// position ids compared too), under the templates qwen, chatml, default,
/// alpaca, fewshot (efficient EOS) with the tiny tokenizer and llama3, llama2 and mistral
/// with fixture tokenizers that have their special tokens, with train_on_prompt,
/// mask_history and cutoffs that truncate.
/// Here the same files go through lfs's registry, converters and encoders.
@Suite struct TemplateFixtureTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/tuning/templates").path
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let tiny = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/Models/Embedded/tiny").path

    /// One encoding LLaMA-Factory made: the data set, how it was encoded, and its rows.
    struct Case: CustomStringConvertible, Sendable {
        let dataset: String
        let stage: String
        let template: String
        /// "tiny" (the embedded model's) or "tokenizers/<name>" under Tests/Fixtures.
        let tokenizer: String
        let cutoff: Int
        /// Stage pt: packed into blocks; stage sft: examples packed into rows with positions.
        let packing: Bool
        let trainOnPrompt: Bool
        let maskHistory: Bool
        /// Each row's columns (`kto_tags` as `[1]` or `[0]`).
        let examples: [[String: [Int]]]

        var description: String {
            "\(stage) \(dataset) template \(template) (\(tokenizer)) cutoff \(cutoff)"
                + (packing ? " packing" : "") + (trainOnPrompt ? " train_on_prompt" : "") + (maskHistory ? " mask_history" : "")
        }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: folder + "/expected.json"),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let cases = object["cases"] as? [[String: Any]]
        else { return [] }
        return cases.map { entry in
            Case(
                dataset: entry["dataset"] as? String ?? "", stage: entry["stage"] as? String ?? "",
                template: entry["template"] as? String ?? "", tokenizer: entry["tokenizer"] as? String ?? "tiny",
                cutoff: entry["cutoff"] as? Int ?? 0, packing: entry["packing"] as? Bool ?? false,
                trainOnPrompt: entry["train_on_prompt"] as? Bool ?? false,
                maskHistory: entry["mask_history"] as? Bool ?? false,
                examples: (entry["examples"] as? [[String: Any]] ?? []).map { row in
                    row.mapValues { value in
                        if let flag = value as? Bool { return [flag ? 1 : 0] }
                        return value as? [Int] ?? []
                    }
                })
        }
    }()

    @Test func fixtureCoversEveryStageAndTemplate() {
        #expect(Set(Self.cases.map(\.stage)) == ["sft", "rm", "kto", "pt"])
        #expect(Set(Self.cases.map(\.template)).isSuperset(of: ["qwen", "default", "alpaca", "llama2", "fewshot", "llama3"]))
        #expect(Self.cases.contains { $0.stage == "pt" && !$0.packing })
        // The sharegpt record that starts with the assistant is dropped.
        #expect(Self.cases.contains { $0.dataset == "sharegpt_fx" && $0.examples.count == 3 })
        #expect(Self.cases.contains { $0.trainOnPrompt })
        #expect(Self.cases.contains { $0.maskHistory })
        // A cutoff below the longest example, so truncation is compared too.
        #expect(Self.cases.contains { $0.cutoff == 40 && $0.stage == "sft" })
        // Packed SFT: several packs, with equal lengths (cutoff 40) and an efficient-EOS template.
        let packed = Self.cases.filter { $0.stage == "sft" && $0.packing }
        #expect(packed.contains { $0.examples.count > 3 && $0.cutoff == 40 })
        #expect(packed.contains { $0.template == "fewshot" })
        #expect(packed.allSatisfy { $0.examples.allSatisfy { $0["position_ids"] != nil } })
    }

    /// The sequences lfs makes for a case, named as LLaMA-Factory's columns.
    static func encode(_ testCase: Case) throws -> [[String: [Int]]] {
        let tokenizer = try Tokenizer.load(
            directory: testCase.tokenizer == "tiny" ? tiny : fixtures + "/" + testCase.tokenizer)
        // LLaMA-Factory drops malformed records (sharegpt_fx has one); lfs skips them when not
        // strict. "a,b" concatenates registered sets, as LLaMA-Factory's `dataset: a,b`.
        let records = try Dataset.concatenating(
            testCase.dataset.split(separator: ",").map {
                try Dataset(named: String($0), registryDirectory: folder, strict: false)
            }, name: testCase.dataset)
        func columns(_ sequence: EncodedSequence, prefix: String = "") -> [String: [Int]] {
            var row = [prefix + "input_ids": sequence.ids, prefix + "labels": sequence.labels]
            if let positions = sequence.positions { row["position_ids"] = positions }
            return row
        }
        if testCase.stage == "pt" {
            // LLaMA-Factory's DataArguments take one off cutoff_len when packing ("avoid
            // pad_to_multiple_of") when a recipe sets `packing: true`, as these cases do; the
            // recipe translator then passes cutoff_len - 1.
            let encoded = try EncodedDataset.pretrain(
                records, tokenizer: tokenizer, cutoff: testCase.packing ? testCase.cutoff - 1 : testCase.cutoff,
                packing: testCase.packing, template: testCase.template)
            return encoded.items.map { item in
                guard case .single(let sequence) = item else { return [:] }
                return columns(sequence)
            }
        }
        let encoder = try TemplateEncoder(templateNamed: testCase.template, tokenizer: tokenizer)
        let encoded: EncodedDataset
        switch testCase.stage {
        case "rm": encoded = try EncodedDataset.pairwise(records, encoder: encoder, cutoff: testCase.cutoff)
        case "kto": encoded = try EncodedDataset.feedback(records, encoder: encoder, cutoff: testCase.cutoff)
        case _ where testCase.packing:
            // As for pt, the processor sees cutoff_len - 1 and pads each pack to cutoff_len.
            encoded = try EncodedDataset.supervisedPacked(
                records, encoder: encoder,
                options: .init(
                    cutoff: testCase.cutoff - 1, trainOnPrompt: testCase.trainOnPrompt,
                    maskHistory: testCase.maskHistory),
                padID: tokenizer.padTokenID ?? tokenizer.eosTokenID ?? 0)
        default:
            encoded = try EncodedDataset.supervised(
                records, encoder: encoder,
                options: .init(
                    cutoff: testCase.cutoff, trainOnPrompt: testCase.trainOnPrompt,
                    maskHistory: testCase.maskHistory))
        }
        return encoded.items.map { item in
            switch item {
            case .single(let sequence): return columns(sequence)
            case .pair(let chosen, let rejected):
                return columns(chosen, prefix: "chosen_").merging(columns(rejected, prefix: "rejected_")) { $1 }
            case .feedback(let sequence, let kl, let desirable):
                return columns(sequence).merging(columns(kl, prefix: "kl_")) { $1 }
                    .merging(["kto_tags": [desirable ? 1 : 0]]) { $1 }
            }
        }
    }

    @Test(arguments: cases) func encodingMatchesLLaMAFactory(_ testCase: Case) throws {
        let ours = try Self.encode(testCase)
        try #require(ours.count == testCase.examples.count, "\(testCase): \(ours.count) examples, expected \(testCase.examples.count)")
        for (index, expected) in testCase.examples.enumerated() {
            for (column, want) in expected {
                let got = ours[index][column] ?? []
                #expect(
                    got == want,
                    "\(testCase), example \(index), \(column): first difference at \(Self.firstDifference(got, want))\n lfs: \(got)\n LLaMA-Factory: \(want)")
            }
        }
    }

    static func firstDifference(_ a: [Int], _ b: [Int]) -> Int {
        zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
    }

    /// LLaMA-Factory refuses train_on_prompt with an efficient-EOS template.
    @Test func trainOnPromptNeedsAnEOSPerAnswer() throws {
        let tokenizer = try Tokenizer.load(directory: Self.tiny)
        let encoder = try TemplateEncoder(templateNamed: "fewshot", tokenizer: tokenizer)
        let records = try Dataset(named: "alpaca_fx", registryDirectory: Self.folder)
        #expect(throws: DatasetError.self) {
            try EncodedDataset.supervised(
                records, encoder: encoder, options: .init(cutoff: 64, trainOnPrompt: true))
        }
    }
}
