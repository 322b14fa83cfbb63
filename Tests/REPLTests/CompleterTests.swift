import Foundation
import Testing

@testable import REPL

@Suite struct CompleterTests {
    let completer = Completer(provider: FakeProvider(), commands: StandardCommands.registry())

    @Test func globalsAndKeywords() {
        #expect(completer.complete(textBeforeCursor: "z").candidates == ["zeros", "zip"])
        #expect(completer.complete(textBeforeCursor: "wh").candidates == ["while"])
    }

    @Test func membersAfterDot() {
        #expect(completer.complete(textBeforeCursor: "model.l").candidates == ["layers", "lora"])
        #expect(completer.complete(textBeforeCursor: "unknown.l").candidates.isEmpty)
    }

    @Test func labelsInsideACall() {
        let result = completer.complete(textBeforeCursor: "model.lora(ra")
        #expect(result.candidates == ["rank:"])
        let all = completer.complete(textBeforeCursor: "model.lora(8, ")
        #expect(all.candidates.contains("alpha:") && all.candidates.contains("zeros"))
    }

    @Test func commandsAndTheirArguments() {
        #expect(completer.complete(textBeforeCursor: ":l").candidates == ["load"])
        #expect(completer.complete(textBeforeCursor: ":help ze").candidates == ["zeros"])
        #expect(completer.complete(textBeforeCursor: ":time model.sa").candidates == ["save"])
        #expect(completer.usesPathBreaks(textBeforeCursor: ":load x"))
        #expect(!completer.usesPathBreaks(textBeforeCursor: ":time x"))
    }

    @Test func pathsInsideStrings() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("data"), withIntermediateDirectories: true)
        try Data().write(to: folder.appendingPathComponent("data/train.jsonl"))
        try Data().write(to: folder.appendingPathComponent("data/.hidden"))
        try Data().write(to: folder.appendingPathComponent("dataset.lfs"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let completer = Completer(provider: FakeProvider(), workingDirectory: { folder.path })
        let top = completer.complete(textBeforeCursor: "load(\"da")
        #expect(top.isPath)
        #expect(top.candidates == ["data/", "dataset.lfs"])
        #expect(
            completer.complete(textBeforeCursor: "load(\"data/").candidates == ["data/train.jsonl"])
        #expect(
            completer.complete(textBeforeCursor: "load(\"data/.").candidates == ["data/.hidden"])
        #expect(completer.usesPathBreaks(textBeforeCursor: "load(\"data/"))
        let absolute = completer.complete(textBeforeCursor: "\"\(folder.path)/data/t")
        #expect(absolute.candidates == ["\(folder.path)/data/train.jsonl"])
    }

    @Test func commonPrefix() {
        #expect(CompletionResult.commonPrefix(of: ["layers", "lora"]) == "l")
        #expect(CompletionResult.commonPrefix(of: ["zeros"]) == "zeros")
        #expect(CompletionResult.commonPrefix(of: []) == "")
    }
}
