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
}
