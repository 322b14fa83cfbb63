import Foundation
import Testing
@testable import Models
import Tensors

/// The absolute path of a file under Tests/Fixtures/.
func formatsFixture(_ relative: String) -> String {
    let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return tests.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
}

/// A fresh empty folder under the system temporary directory.
func formatsTemporaryFolder() throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lfs-formats-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.path
}

/// SplitMix64: a tiny seeded generator for deterministic property tests.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Expected contents of the Python-written fixtures (Scripts/fixtures/safetensors_files.py).
struct ExpectedTensor {
    var name: String
    var dtype: SafetensorsDType
    var shape: [Int]
    var bytes: [UInt8]
    var values: [Double]

    static func load() throws -> [ExpectedTensor] {
        let json = try JSONParser.parse(TextFile.readBytes(formatsFixture("formats/safetensors/expected.json")))
        let object = try #require(json.objectValue)
        return try object.pairs.map { name, entry in
            let dtype = try #require(SafetensorsDType(rawValue: entry["dtype"]?.stringValue ?? ""))
            let hex = Array(entry["hex"]?.stringValue ?? "")
            let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { UInt8(String(hex[$0...$0 + 1]), radix: 16) }
            return ExpectedTensor(
                name: name, dtype: dtype,
                shape: (entry["shape"]?.arrayValue ?? []).compactMap(\.intValue),
                bytes: bytes,
                values: (entry["values"]?.arrayValue ?? []).compactMap(\.doubleValue))
        }
    }

    var entry: SafetensorsEntry { SafetensorsEntry(name: name, dtype: dtype, shape: shape, bytes: bytes) }
}

@Suite struct SafetensorsReadingTests {
    @Test func readsEveryDTypeWrittenByPython() throws {
        let file = try SafetensorsFile(path: formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        #expect(file.metadata == ["format": "pt"])
        let expected = try ExpectedTensor.load()
        #expect(Set(file.names) == Set(expected.map(\.name)))
        #expect(Set(expected.map(\.dtype)) == Set(SafetensorsDType.allCases))
        for tensor in expected {
            let info = try file.info(tensor.name)
            #expect(info.dtype == tensor.dtype, "\(tensor.name)")
            #expect(info.shape == tensor.shape, "\(tensor.name)")
            #expect(Array(try file.bytes(of: tensor.name)) == tensor.bytes, "\(tensor.name)")
            let floats = try file.floats(of: tensor.name)
            #expect(floats == tensor.values.map { Float($0) }, "\(tensor.name)")
        }
        #expect(try file.int64s(of: "i64") == [-(1 << 40), 0, (1 << 40) + 7])
        #expect(try file.int64s(of: "u32") == [4_000_000_000])
    }

    @Test func missingTensorIsAnError() throws {
        let file = try SafetensorsFile(path: formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        #expect(throws: SafetensorsError.missingTensor(file: file.path, name: "nope")) { try file.info("nope") }
    }

    @Test func readsShardedCheckpoint() throws {
        let checkpoint = try SafetensorsCheckpoint(directory: formatsFixture("formats/safetensors/sharded"))
        #expect(checkpoint.files.count == 2)
        #expect(Set(checkpoint.names) == ["f32", "bf16", "i64", "model.layers.0.self_attn.q_proj.weight"])
        #expect(try checkpoint.floats(of: "bf16") == [1.5, -2.0, 0.25, 299_008.0])
        #expect(try checkpoint.info("i64").shape == [3])
        #expect(checkpoint.files[1].path.hasSuffix("model-00002-of-00002.safetensors"))
        #expect(try checkpoint.file(containing: "i64").path == checkpoint.files[1].path)
    }

    @Test func indexNamingAnAbsentTensorIsAnError() throws {
        let folder = try formatsTemporaryFolder()
        try SafetensorsWriter.write([SafetensorsEntry(name: "a", shape: [1], floats: [1])], to: folder + "/s.safetensors")
        try TextFile.write(#"{"weight_map": {"a": "s.safetensors", "b": "s.safetensors"}}"#, to: folder + "/model.safetensors.index.json")
        #expect {
            try SafetensorsCheckpoint(directory: folder)
        } throws: { error in
            guard case .invalidIndex(_, let detail)? = error as? SafetensorsError else { return false }
            return detail.contains("'b'")
        }
    }
}

@Suite struct SafetensorsWritingTests {
    @Test func writesBytesIdenticalToPython() throws {
        var expected = try ExpectedTensor.load()
        var generator = SeededGenerator(seed: 7)
        expected.shuffle(using: &generator)
        let written = try SafetensorsWriter.serialize(expected.map(\.entry))
        let python = try TextFile.readBytes(formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        #expect(written == python)

        let subset = expected.filter { ["f32", "i64"].contains($0.name) }
        let noMetadata = try SafetensorsWriter.serialize(subset.map(\.entry), metadata: nil)
        #expect(noMetadata == (try TextFile.readBytes(formatsFixture("formats/safetensors/no_metadata.safetensors"))))
    }

    @Test func writesShardsIdenticalToPython() throws {
        let expected = try ExpectedTensor.load()
        let byName = Dictionary(uniqueKeysWithValues: expected.map { ($0.name, $0) })
        let order = ["f32", "bf16", "i64", "model.layers.0.self_attn.q_proj.weight"]
        let folder = try formatsTemporaryFolder()
        let files = try SafetensorsCheckpoint.write(
            order.compactMap { byName[$0]?.entry }, directory: folder, maximumShardBytes: 40)
        #expect(files == ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "model.safetensors.index.json"])
        for name in files {
            let ours = try TextFile.readBytes(folder + "/" + name)
            let theirs = try TextFile.readBytes(formatsFixture("formats/safetensors/sharded/" + name))
            #expect(ours == theirs, "\(name)")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test(arguments: SafetensorsDType.allCases)
    func roundTripsEveryDType(dtype: SafetensorsDType) throws {
        var generator = SeededGenerator(seed: UInt64(dtype.byteSize * 31 + dtype.rawValue.count))
        let shape = [3, 5]
        let bytes = (0..<(15 * dtype.byteSize)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let entries = [
            SafetensorsEntry(name: "weights", dtype: dtype, shape: shape, bytes: bytes),
            SafetensorsEntry(name: "scalar", dtype: dtype, shape: [], bytes: Array(bytes.prefix(dtype.byteSize))),
            SafetensorsEntry(name: "none", dtype: dtype, shape: [0], bytes: []),
        ]
        let folder = try formatsTemporaryFolder()
        try SafetensorsWriter.write(entries, to: folder + "/x.safetensors")
        let file = try SafetensorsFile(path: folder + "/x.safetensors")
        #expect(Array(try file.bytes(of: "weights")) == bytes)
        #expect(try file.info("weights").shape == shape)
        #expect(try file.info("scalar").shape == [])
        #expect(try file.info("none").byteCount == 0)
        #expect(file.metadata == ["format": "pt"])
        #expect(file.header.dataStart % 8 == 0)
    }

    @Test func encodesFloatsIntoHalfAndBFloat16() throws {
        let values: [Float] = [1, -0.5, 3.140625, 65504, 1e-7, 0, -0.0]
        for dtype in [SafetensorsDType.f16, .bf16, .f32, .f64] {
            let bytes = SafetensorsEncoding.bytes(values, as: dtype)
            let back = bytes.withUnsafeBytes { SafetensorsConversion.floats($0, dtype: dtype) }
            for (value, decoded) in zip(values, back) {
                let tolerance: Float = dtype == .bf16 ? 0.01 : (dtype == .f16 ? 1e-3 : 0)
                #expect(abs(decoded - value) <= tolerance * max(1, abs(value)), "\(dtype) \(value) -> \(decoded)")
            }
        }
        // Round to nearest even at the halfway points.
        #expect(SafetensorsEncoding.floatToBFloat16(Float(bitPattern: 0x3F80_8000)) == 0x3F80)
        #expect(SafetensorsEncoding.floatToBFloat16(Float(bitPattern: 0x3F81_8000)) == 0x3F82)
        #expect(SafetensorsEncoding.floatToHalf(1 + 1.0 / 2048) == 0x3C00)
        #expect(SafetensorsEncoding.floatToHalf(70000) == 0x7C00)
    }

    @Test func rejectsBadEntries() throws {
        let duplicate = [SafetensorsEntry(name: "a", shape: [1], floats: [1]), SafetensorsEntry(name: "a", shape: [1], floats: [2])]
        #expect(throws: SafetensorsError.duplicateName(file: "<memory>", name: "a")) {
            try SafetensorsWriter.serialize(duplicate)
        }
        let wrongSize = [SafetensorsEntry(name: "a", dtype: .f32, shape: [2], bytes: [0, 0, 0, 0])]
        #expect(throws: SafetensorsError.self) { try SafetensorsWriter.serialize(wrongSize) }
        let folder = try formatsTemporaryFolder()
        #expect(throws: SafetensorsError.self) { try SafetensorsWriter.write(wrongSize, to: folder + "/bad.safetensors") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }
}

@Suite struct SafetensorsTensorTests {
    @Test func storedDTypesWrapWithoutCopyingOthersConvert() throws {
        let file = try SafetensorsFile(path: formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        let bf16 = try file.tensor("bf16")
        #expect(bf16.dtype == .bfloat16)
        #expect(bf16.shape == [2, 2])
        #expect(bf16.storage.isReadOnly)
        #expect(bf16.scalars == [1.5, -2.0, 0.25, 299_008.0])
        #expect(bf16.name == "bf16")
        let mapped = file.storage.bytes
        #expect(bf16.storage.baseAddress == UnsafeMutableRawPointer(mutating: try file.bytes(of: "bf16").baseAddress))
        #expect(mapped.count > 0)
        let copied = try file.tensor("f32", copy: true)
        #expect(!copied.storage.isReadOnly)
        #expect(copied.scalars == (try file.floats(of: "f32")))
        let f64 = try file.tensor("f64")
        #expect(f64.dtype == .float32)
        #expect(f64.scalars == [0.5, -1.25, 3.0, 1e-3, 2.5e10, -0.0])
        let u8 = try file.tensor("u8")
        #expect(u8.dtype == .int64)
        #expect(u8.scalars == [0, 128, 255])
        #expect(try file.tensor("scalar").shape == [])
        #expect(try file.tensor("empty").shape == [0, 4])
    }

    @Test func tensorsWriteAndReadBack() throws {
        let a = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let ids = try Tensor(ids: [5, -1, 7], dtype: .int32)
        let folder = try formatsTemporaryFolder()
        try SafetensorsWriter.write(tensors: ["a": a, "ids": ids], to: folder + "/t.safetensors")
        let file = try SafetensorsFile(path: folder + "/t.safetensors")
        #expect(try file.tensor("a").scalars == [1, 2, 3, 4, 5, 6])
        #expect(try file.info("ids").dtype == .i32)
        #expect(try file.int64s(of: "ids") == [5, -1, 7])
    }
}
