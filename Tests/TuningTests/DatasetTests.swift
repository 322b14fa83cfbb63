import Foundation
import Testing

@testable import Tuning

/// Reading LLaMA-Factory layouts: alpaca, sharegpt, openai, pairwise, KTO, CSV, JSONL.
struct DatasetTests {
    static var directory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tuning/data").path
    }

    static func load(_ name: String, strict: Bool = true, maxSamples: Int? = nil) throws -> Dataset {
        try Dataset(named: name, registryDirectory: directory, maxSamples: maxSamples, strict: strict)
    }

    @Test func alpacaWithHistoryAndSystem() throws {
        let data = try Self.load("alpaca_local")
        #expect(data.count == 3)
        let first = data.examples[0]
        #expect(first.prompt == [
            DataMessage(.user, "Hi"), DataMessage(.assistant, "Hello!"),
            DataMessage(.user, "Add the numbers.\n2 and 3"),
        ])
        #expect(first.response == [DataMessage(.assistant, "5")])
        #expect(first.system == "Be brief.")
        #expect(data.examples[1].prompt == [DataMessage(.user, "Say hi.")])
        // A record without an output converts with no response (LLaMA-Factory's
        // "unsupervised" example); SFT encoding rejects it.
        #expect(data.examples[2].response.isEmpty)
    }

    @Test func malformedRecordsNameFileIndexAndField() throws {
        let attributes = DatasetAttributes(name: "broken", fileName: "broken.jsonl")
        let path = Self.directory + "/broken.jsonl"
        #expect(throws: DatasetError.wrongField(
            file: "broken.jsonl", record: 1, field: "output", reason: "must be a string, not int")) {
            try Dataset(path: path, attributes: attributes)
        }
        let lenient = try Dataset(path: path, attributes: attributes, strict: false)
        #expect(lenient.examples.map(\.index) == [0, 2, 4])
        #expect(lenient.skipped == 2)
    }

    @Test func maxSamplesStopsReadingEarly() throws {
        let attributes = DatasetAttributes(name: "broken", fileName: "broken.jsonl")
        let path = Self.directory + "/broken.jsonl"
        // Stops after the first record: the malformed lines later are never read.
        let data = try Dataset(path: path, attributes: attributes, maxSamples: 1)
        #expect(data.count == 1 && data.examples[0].response == [DataMessage(.assistant, "1")])
        var seen: [Int] = []
        try Dataset.stream(path: path, attributes: attributes, strict: false) {
            seen.append($0.index)
            return $0.index < 2
        }
        #expect(seen == [0, 2])
    }

    @Test func malformedJSONLineIsReportedWithItsIndex() throws {
        var failures: [DatasetError] = []
        try RecordReader.forEach(path: Self.directory + "/broken.jsonl", type: .jsonl) {
            _, record in
            if case .failure(let error) = record { failures.append(error) }
            return true
        }
        #expect(failures.count == 1)
        guard case .malformedRecord(let file, let record, let reason)? = failures.first else {
            Issue.record("expected a malformed record")
            return
        }
        #expect(file == "broken.jsonl" && record == 3 && reason.hasPrefix("not valid JSON"))
        let skipped = try Dataset.stream(
            path: Self.directory + "/broken.jsonl",
            attributes: DatasetAttributes(name: "b", fileName: "broken.jsonl"), strict: false
        ) { _ in true }
        #expect(skipped == 2)
    }

    @Test func sharegptStrictAndLenient() throws {
        #expect(throws: DatasetError.wrongField(
            file: "sharegpt.json", record: 1, field: "conversations",
            reason: "turn 0 is 'assistant', expected a user turn")) {
            try Self.load("chat")
        }
        let data = try Self.load("chat", strict: false)
        #expect(data.count == 1 && data.skipped == 1)
        let example = data.examples[0]
        #expect(example.system == "You are kind.")
        #expect(example.prompt.map(\.content) == ["Hi", "Hello", "Bye"])
        #expect(example.response == [DataMessage(.assistant, "Goodbye")])
    }

    @Test func sharegptPairwiseWithCustomTags() throws {
        let data = try Self.load("custom_pairs")
        let example = try #require(data.examples.first)
        #expect(example.prompt.map(\.content) == ["Hi", "Hello", "2+2?"])
        #expect(example.response == [DataMessage(.assistant, "four"), DataMessage(.assistant, "five")])
    }

    @Test func openAIMessagesFoldToolCalls() throws {
        let data = try Self.load("openai_chat")
        #expect(data.count == 2)
        let example = data.examples[0]
        #expect(example.system == "Sys")
        #expect(example.prompt.map(\.role) == [.user, .function, .observation])
        #expect(example.prompt[1].content == #"[{"name":"weather","arguments":"{}"}]"#)
        #expect(example.prompt[2].content == "sunny")
        #expect(example.response == [DataMessage(.assistant, "It is sunny.")])
    }

    @Test func ktoTagOrdersTheResponses() throws {
        let data = try Self.load("feedback")
        #expect(data.examples[0].desirable == true)
        #expect(data.examples[0].response.map(\.content) == ["Yes", ""])
        #expect(data.examples[1].response.map(\.content) == ["", "No"])
    }

    @Test func csvWithQuotesAndNewlines() throws {
        let data = try Dataset(
            path: Self.directory + "/table.csv", attributes: DatasetAttributes(name: "t", fileName: "table.csv"))
        #expect(data.count == 2)
        #expect(data.examples[0].prompt == [DataMessage(.user, #"Quote "this""#)])
        #expect(data.examples[0].response == [DataMessage(.assistant, "a, b")])
        #expect(data.examples[1].prompt == [DataMessage(.user, "Two\nlines\nx")])
    }

    @Test func registryFollowsLlamaFactorysSchema() throws {
        let registry = try DatasetRegistry(directory: Self.directory)
        #expect(registry.names.contains("custom_pairs"))
        let pairs = try registry.attributes(named: "custom_pairs")
        #expect(pairs.ranking && pairs.formatting == .sharegpt)
        #expect(pairs.roleTag == "speaker" && pairs.userTag == "me")
        // Tags not listed in an entry's "tags" become unset, as DatasetAttr.join does.
        #expect(pairs.systemTag == nil)
        // Columns not listed become unset too.
        let feedback = try registry.attributes(named: "feedback")
        #expect(feedback.query == nil && feedback.ktoTag == "label")
        #expect(throws: DatasetError.unknownName(kind: "dataset", name: "chatt", suggestion: "chat")) {
            try registry.attributes(named: "chatt")
        }
        #expect(throws: DatasetError.self) { try registry.attributes(named: "remote_only") }
        #expect(throws: DatasetError.unknownName(kind: "format", name: "sharegtp", suggestion: "sharegpt")) {
            try DatasetFormatting(parsing: "sharegtp")
        }
    }

    @Test func splitAndShuffleAreSeeded() throws {
        let data = try BundledData.dataset(named: "sft_demo")
        #expect(data.count == 50)
        let (train, validation) = try data.split(validation: 0.1, seed: 7)
        #expect(train.count == 45 && validation.count == 5)
        let again = try data.split(validation: 0.1, seed: 7)
        #expect(again.validation.examples == validation.examples)
        let other = try data.split(validation: 0.1, seed: 8)
        #expect(other.validation.examples != validation.examples)
        let all = Set((train.examples + validation.examples).map(\.index))
        #expect(all.count == 50)
        #expect(try data.split(validation: 3).validation.count == 3)
        #expect(throws: DatasetError.self) { try data.split(validation: 50) }
        #expect(data.shuffled(seed: 1).examples.map(\.index) != data.examples.map(\.index))
    }

    @Test func bundledSetsLoadAndIdentityIsFilled() throws {
        let registry = try BundledData.registry()
        #expect(registry.names == ["identity", "sft_demo", "preference_demo", "kto_demo", "pretrain_demo"])
        let identity = try BundledData.identity(name: "Ada", author: "the lab")
        #expect(identity.count == 100)
        let texts = identity.examples.flatMap { $0.prompt + $0.response }.map(\.content)
        #expect(!texts.contains { $0.contains("{{") })
        #expect(texts.contains("My name is Ada. I was created by the lab."))
        let preference = try BundledData.dataset(named: "preference_demo")
        #expect(preference.count == 30 && preference.examples.allSatisfy { $0.response.count == 2 })
        let text = try BundledData.dataset(named: "pretrain_demo")
        #expect(text.count == 20 && text.examples.allSatisfy { $0.text.count > 100 })
        let kto = try BundledData.dataset(named: "kto_demo")
        #expect(kto.count == 40 && kto.examples.filter { $0.desirable == true }.count == 20)
        #expect(kto.examples.allSatisfy { $0.desirable != nil && $0.response.count == 2 })
    }
}
