import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// adapter.save writes the folder as a whole (temporary folder renamed into place).
@Suite struct AdapterFolderTests {
    static func parent() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-adapter-folder-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }

    @Test func newAndExistingFoldersKeepOtherFilesAndLeaveNoTemporaries() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/adapter"
        let model = try CausalLM.load("tiny")
        let adapter = try LoRAAdapter.attach(
            to: model, config: LoRAConfig(r: 4, alpha: 8, targets: ["q_proj"]))
        try adapter.save(to: folder)
        #expect(Self.entries(parent) == ["adapter"])
        #expect(Self.entries(folder) == ["adapter_config.json", "adapter_model.safetensors"])

        // Saving again over a folder with other files: they stay, the adapter is new.
        try "notes".write(toFile: folder + "/README.md", atomically: true, encoding: .utf8)
        try "stale".write(toFile: folder + "/adapter_config.json", atomically: true, encoding: .utf8)
        try adapter.save(to: folder)
        #expect(Self.entries(parent) == ["adapter"])
        #expect(Self.entries(folder) == ["README.md", "adapter_config.json", "adapter_model.safetensors"])
        #expect(try String(contentsOfFile: folder + "/README.md", encoding: .utf8) == "notes")
        let config = try String(contentsOfFile: folder + "/adapter_config.json", encoding: .utf8)
        #expect(config.contains("\"peft_type\" : \"LORA\""))
        let fresh = try CausalLM.load("tiny")
        _ = try LoRAAdapter.load(into: fresh, from: folder)
    }

    @Test func aFailedWriteLeavesTheOldFolderAsItWas() throws {
        struct Failure: Error {}
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let folder = parent + "/adapter"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try "old".write(toFile: folder + "/adapter_config.json", atomically: true, encoding: .utf8)
        #expect(throws: Failure.self) {
            try AdapterFolder.write(to: folder) { temporary in
                try "new".write(toFile: temporary + "/adapter_config.json", atomically: true, encoding: .utf8)
                throw Failure()
            }
        }
        #expect(Self.entries(parent) == ["adapter"])
        #expect(try String(contentsOfFile: folder + "/adapter_config.json", encoding: .utf8) == "old")
    }

    @Test func aFileInTheWayIsAClearError() throws {
        let parent = try Self.parent()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try "x".write(toFile: parent + "/adapter", atomically: true, encoding: .utf8)
        #expect(throws: AdapterError.self) { try AdapterFolder.write(to: parent + "/adapter") { _ in } }
        #expect(Self.entries(parent) == ["adapter"])
    }
}
