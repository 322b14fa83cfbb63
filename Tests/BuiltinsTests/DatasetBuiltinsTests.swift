import Foundation
import Testing

@testable import Builtins

/// The `dataset` builtin's ways of naming data: several registered sets at once
/// (`"a,b"` with `dataset_dir:`), and `max_samples` on every kind of source.
@Suite struct DatasetBuiltinsTests {
    /// The repository's bundled `data/` folder, used here as a user's registry.
    static let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data").path

    /// LLaMA-Factory's `dataset: a,b`: each set cut to max_samples, then one after the other.
    @Test func commaSeparatedNamesConcatenateWithMaxSamplesEach() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let both = dataset("identity, sft_demo", dataset_dir: "\(Self.dataDirectory)", max_samples: 3, template: "chatml", name: "Ada")
            let ids = dataset("identity", max_samples: 3, template: "chatml", name: "Ada")
            let sft = dataset("sft_demo", max_samples: 3, template: "chatml")
            print(len(both))
            print(both[0]["ids"] == ids[0]["ids"], both[2]["ids"] == ids[2]["ids"])
            print(both[3]["ids"] == sft[0]["ids"], both[5]["ids"] == sft[2]["ids"])
            print(both[0]["ids"] == sft[0]["ids"])
            print(both.preview(n: 1).contains("Ada"))
            """)
        #expect(lines == ["6", "true true", "true true", "false", "true"])
    }

    @Test func preferenceAndPlainSetsDoNotMix() {
        let outcome = ScriptRunner.run(
            """
            let m = load_model("tiny")
            dataset("sft_demo,preference_demo", dataset_dir: "\(Self.dataDirectory)", template: "chatml")
            """)
        #expect(outcome.error?.contains("'preference_demo' is a preference (ranking) set and 'sft_demo' is not") == true,
                "\(outcome.error ?? "no error")")
    }

    @Test func maxSamplesCutsTheIdentitySet() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            print(len(dataset("identity", template: "chatml", max_samples: 5)))
            print(len(dataset("identity", template: "chatml")) > 5)
            print(len(dataset("identity", dataset_dir: "\(Self.dataDirectory)", template: "chatml", max_samples: 4)))
            """)
        #expect(lines == ["5", "true", "4"])
    }

    /// The bundled KTO set: found by name, encoded for KTO because it has the tag.
    @Test func bundledKTODemo() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let data = dataset("kto_demo", template: "chatml")
            print(data)
            print(data.batches(size: 4)[0].tags)
            print(data.preview(n: 1).startswith("desirable: "))
            """)
        #expect(lines == ["Dataset(kto_demo, 40 examples, kto, chatml)", "[true, false, false, true]", "true"])
    }

    /// The trained ids of a printed label list (`[-100, 5, 6]` -> [5, 6]).
    static func trained(_ line: String) -> [Int] {
        line.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != -100 }
    }

    /// LLaMA-Factory 0.9.5 splits off val_size before encoding (data/loader.py
    /// `get_dataset`: "move front to make sure eval_dataset ... can preprocessed
    /// appropriately"), so the KL answers rotate within each part: the validation
    /// example i is paired with validation example i - 1's answer, the first with the last.
    @Test func ktoSplitPairsKLAnswersWithinEachPart() {
        let lines = ScriptRunner.lines(
            """
            let m = load_model("tiny")
            let train, val = dataset("kto_demo", template: "chatml").split(val: 4, seed: 7)
            print(len(train), len(val))
            for i in 0..<4 { print(val[i]["labels"]) }
            for i in 0..<4 { print(val[i]["kl_labels"]) }
            print(train[0]["labels"])
            print(train[0]["kl_labels"])
            print(train[len(train) - 1]["labels"])
            """)
        guard lines.count == 12 else {
            Issue.record("unexpected output \(lines)")
            return
        }
        #expect(lines[0] == "36 4")
        let answers = lines[1...4].map(Self.trained)
        let kl = lines[5...8].map(Self.trained)
        #expect(kl == [answers[3], answers[0], answers[1], answers[2]])
        // The training part's first example takes the training part's last answer.
        #expect(Self.trained(lines[10]) == Self.trained(lines[11]))
        #expect(Self.trained(lines[10]) != Self.trained(lines[9]))
    }
}
