import Foundation
import Models

/// A fixture model folder written by Scripts/fixtures/models.py: a Hugging Face checkpoint
/// plus `expected.safetensors` with what transformers computed for it.
struct ModelFixture {
    /// Every fixture folder the script writes.
    static let names = [
        "llama", "llama-rope-llama3", "llama-rope-linear", "llama-rope-dynamic",
        "llama-rope-yarn", "llama-bf16", "mistral", "qwen2", "qwen3", "gemma",
    ]

    /// Tests/Fixtures/models, found from this file's path.
    static let root: String = {
        let here = URL(fileURLWithPath: #filePath)
        return here.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/models").path
    }()

    let name: String
    let directory: String
    let expected: SafetensorsFile

    init(_ name: String) throws {
        self.name = name
        self.directory = ModelFixture.root + "/" + name
        self.expected = try SafetensorsFile(path: directory + "/expected.safetensors")
    }

    func floats(_ key: String) throws -> [Float] { try expected.floats(of: key) }
    func ints(_ key: String) throws -> [Int] { try expected.int64s(of: key).map { Int($0) } }
    func shape(_ key: String) throws -> [Int] { try expected.info(key).shape }
}
