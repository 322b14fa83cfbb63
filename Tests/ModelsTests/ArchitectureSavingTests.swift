import Foundation
import Tensors
import Testing

@testable import Models

@Suite("Saving and loading models")
struct ArchitectureSavingTests {
    static func temporaryDirectory(_ label: String) -> String {
        let path = NSTemporaryDirectory() + "lfs-models-\(label)-\(UUID().uuidString)"
        return path
    }

    static func bytes(_ tensor: Tensor) -> [UInt8] {
        let count = tensor.count * tensor.dtype.byteSize
        let start = tensor.storage.baseAddress + tensor.offset * tensor.dtype.byteSize
        return Array(UnsafeRawBufferPointer(start: start, count: count))
    }

    @Test(arguments: ["llama", "llama-bf16", "gemma", "qwen2"], [nil, 60_000])
    func saveThenLoadIsBitIdentical(name: String, shardBytes: Int?) throws {
        let fixture = try ModelFixture(name)
        let model = try CausalLM.load(directory: fixture.directory)
        let directory = Self.temporaryDirectory(name)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try model.save(to: directory, maximumShardBytes: shardBytes)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains("config.json"))
        #expect(files.contains("generation_config.json"))
        #expect(files.contains("tokenizer.json"))
        #expect(files.contains(SafetensorsCheckpoint.indexName) == (shardBytes != nil))
        let reloaded = try CausalLM.load(directory: directory)
        #expect(reloaded.config.modelType == model.config.modelType)
        #expect(reloaded.isTied == model.isTied)
        let original = model.stateDict
        let again = reloaded.stateDict
        #expect(original.map(\.0) == again.map(\.0))
        for ((key, a), (_, b)) in zip(original, again) {
            #expect(a.dtype == b.dtype, "\(key)")
            #expect(Self.bytes(a) == Self.bytes(b), "\(key)")
        }
        let ids = try Tensor(ids: [1, 2, 3, 4, 5], shape: [1, 5])
        let first = try withNoGrad { try model(ids).toFloatArray() }
        let second = try withNoGrad { try reloaded(ids).toFloatArray() }
        #expect(first == second)
    }

    @Test func bf16WeightsStayBF16() throws {
        let model = try CausalLM.load(directory: ModelFixture("llama-bf16").directory)
        #expect(model.stateDict.allSatisfy { $0.1.dtype == .bfloat16 })
        #expect(model.config.dtype == "bfloat16")
        let converted = try CausalLM.load(
            directory: ModelFixture("llama-bf16").directory, dtype: .float32)
        #expect(converted.stateDict.allSatisfy { $0.1.dtype == .float32 })
    }

    @Test func missingKeyNamesTheModulePath() throws {
        let fixture = try ModelFixture("llama")
        let model = try CausalLM.load(directory: fixture.directory)
        let directory = Self.temporaryDirectory("missing")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try model.config.write(to: directory + "/config.json")
        let kept = model.stateDict.filter { $0.0 != "model.layers.1.self_attn.k_proj.weight" }
        try SafetensorsCheckpoint.write(
            kept.map { try SafetensorsEntry(name: $0.0, tensor: $0.1) }, directory: directory)
        #expect(
            throws: ModelError.missingKey(
                path: "model.layers.1.self_attn.k_proj.weight",
                file: directory + "/model.safetensors")
        ) { try CausalLM.load(directory: directory) }
    }

    @Test func notAModelFolder() {
        #expect(throws: ModelError.self) { try CausalLM.load(directory: "/nonexistent/folder") }
    }
}
