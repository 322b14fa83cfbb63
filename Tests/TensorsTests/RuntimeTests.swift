import Foundation
import Testing

@testable import Tensors

@Test func preferredCoreFollowsCPUFlags() {
    let avx512: Set<String> = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl"]
    let avx2: Set<String> = ["avx", "avx2", "fma"]
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Prescott", flags: avx512, environment: [:]) == "SkylakeX")
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Prescott", flags: avx2, environment: [:]) == "Haswell")
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Haswell", flags: avx512, environment: [:]) == "SkylakeX")
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "SkylakeX", flags: avx512, environment: [:]) == nil)
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Zen", flags: avx2, environment: [:]) == nil)
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Prescott", flags: ["sse2"], environment: [:]) == nil)
    // A user's choice, or an earlier re-execution, is never overridden.
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Prescott", flags: avx2, environment: ["OPENBLAS_CORETYPE": "Prescott"]) == nil)
    #expect(OpenBLASRuntime.preferredCoreType(currentCore: "Prescott", flags: avx2, environment: ["LFS_OPENBLAS_REEXEC": "1"]) == nil)
}

@Test func lfsRunsAnAVX2CoreWhenTheCPUHasAVX2() throws {
    let flags = OpenBLASRuntime.cpuFlags()
    guard flags.contains("avx2") && flags.contains("fma") else { return }  // nothing to check
    // The test process loaded OpenBLAS before any check could run, so ask the built lfs.
    let directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [directory, directory.deletingLastPathComponent()].map { $0.appendingPathComponent("lfs") }
    let binary = try #require(
        candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
        "lfs not built next to the tests (\(directory.path)); run swift build --build-tests")
    let process = Process()
    process.executableURL = binary
    process.arguments = ["--version"]
    var environment = ProcessInfo.processInfo.environment
    environment["OPENBLAS_CORETYPE"] = nil
    environment["LFS_OPENBLAS_REEXEC"] = nil
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("OpenBLAS core:") }, "\(output)")
    let core = line.dropFirst("OpenBLAS core:".count).split(whereSeparator: { $0 == " " || $0 == "," }).first.map { String($0).lowercased() } ?? ""
    #expect(OpenBLASRuntime.avx2Cores.contains(core), "lfs reported \(line)")
}

@Test func threadCountComesFromTheEnvironmentOrCores() {
    #expect(TensorRuntime.threadCount >= 1)
    if let text = ProcessInfo.processInfo.environment["LFS_THREADS"], let value = Int(text), value > 0 {
        #expect(TensorRuntime.threadCount == value)
    } else {
        #expect(TensorRuntime.threadCount == ProcessInfo.processInfo.activeProcessorCount)
    }
}

@Test func parallelChunksCoverTheRangeOnce() {
    let count = 100_003
    let hits = UnsafeMutableBufferPointer<Int32>.allocate(capacity: count)
    defer { hits.deallocate() }
    hits.initialize(repeating: 0)
    Parallel.forEachChunk(count: count, minimumChunk: 1000) { range in
        for index in range { hits[index] += 1 }
    }
    #expect(hits.allSatisfy { $0 == 1 })
    var small: [Int] = []
    Parallel.forEachChunk(count: 5) { small.append(contentsOf: $0) }
    #expect(small == [0, 1, 2, 3, 4])
}

@Test func storageCountsBytesAndWrapsWithoutCopying() throws {
    let big = try Tensor.zeros([1 << 20])
    #expect(TensorMemory.bytesAllocated >= 4 << 20)
    // Not `peak >= bytesAllocated`: another test's allocation may have added to the total
    // and not yet raised the peak. This test's own allocation has done both.
    #expect(TensorMemory.peakBytesAllocated >= 4 << 20)
    #expect(big.storage.byteCount == 4 << 20)
    let bytes = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
    defer { bytes.deallocate() }
    bytes.storeBytes(of: HalfConversion.bfloat16Bits(1.5), toByteOffset: 0, as: UInt16.self)
    bytes.storeBytes(of: HalfConversion.bfloat16Bits(-2), toByteOffset: 2, as: UInt16.self)
    let storage = try TensorStorage(wrapping: bytes, byteCount: 4, dtype: .bfloat16, owner: nil)
    let tensor = try Tensor.wrapping(storage, shape: [2])
    #expect(tensor.storage.baseAddress == bytes)
    #expect(tensor.toFloatArray() == [1.5, -2])
    #expect(throws: TensorError.self) { try Tensor.wrapping(storage, shape: [3]) }
    #expect(throws: TensorError.self) {
        try TensorStorage(wrapping: bytes, byteCount: 3, dtype: .bfloat16, owner: nil)
    }
}
