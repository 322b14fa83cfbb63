import Testing
@testable import Models

/// A file image from a header text and data bytes, with an optional forged length.
private func image(_ header: String, data: [UInt8] = [], length: UInt64? = nil) -> [UInt8] {
    let headerBytes = Array(header.utf8)
    var out: [UInt8] = []
    withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { out.append(contentsOf: $0) }
    return out + headerBytes + data
}

private func parse(_ bytes: [UInt8]) throws -> SafetensorsFile {
    try SafetensorsFile(bytes: bytes, name: "bad.safetensors")
}

@Suite struct SafetensorsValidationTests {
    static let eight = [UInt8](repeating: 0, count: 8)

    @Test func tooSmall() {
        #expect(throws: SafetensorsError.fileTooSmall(file: "bad.safetensors", size: 3)) { try parse([1, 2, 3]) }
    }

    @Test func headerLongerThanFile() {
        #expect(throws: SafetensorsError.headerTooLong(file: "bad.safetensors", headerLength: 100, fileSize: 10)) {
            try parse(image("{}", length: 100))
        }
    }

    @Test func headerLengthThatOverflows() {
        #expect(throws: SafetensorsError.headerTooLong(file: "bad.safetensors", headerLength: .max, fileSize: 10)) {
            try parse(image("{}", length: .max))
        }
        #expect(throws: SafetensorsError.self) { try parse(image("{}", length: UInt64(Int.max) + 1)) }
    }

    @Test func invalidJSON() {
        #expect {
            try parse(image(#"{"a": {"#))
        } throws: { error in
            guard case .invalidJSON(let file, _)? = error as? SafetensorsError else { return false }
            return file == "bad.safetensors"
        }
        #expect(throws: SafetensorsError.self) { try parse(image("[1, 2]")) }
        #expect(throws: SafetensorsError.self) { try parse([2, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFE]) }
    }

    @Test func unknownDType() {
        let header = #"{"a":{"dtype":"F17","shape":[2],"data_offsets":[0,8]}}"#
        #expect(throws: SafetensorsError.unknownDType(file: "bad.safetensors", tensor: "a", dtype: "F17")) {
            try parse(image(header, data: Self.eight))
        }
    }

    @Test func shapeAndByteCountDisagree() {
        let header = #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#
        #expect(throws: SafetensorsError.shapeMismatch(file: "bad.safetensors", tensor: "a", shape: [3], dtype: "F32", byteCount: 8)) {
            try parse(image(header, data: Self.eight))
        }
        let huge = #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#
        #expect(throws: SafetensorsError.self) { try parse(image(huge, data: Self.eight)) }
    }

    @Test func offsetsOutOfRange() {
        let reversed = #"{"a":{"dtype":"U8","shape":[0],"data_offsets":[8,0]}}"#
        #expect(throws: SafetensorsError.offsetsOutOfRange(file: "bad.safetensors", tensor: "a", begin: 8, end: 0)) {
            try parse(image(reversed, data: Self.eight))
        }
        let beyond = #"{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]},"b":{"dtype":"U8","shape":[8],"data_offsets":[8,16]}}"#
        #expect(throws: SafetensorsError.truncated(file: "bad.safetensors", expected: 8 + beyond.utf8.count + 16, actual: 8 + beyond.utf8.count + 8)) {
            try parse(image(beyond, data: Self.eight))
        }
        let negative = #"{"a":{"dtype":"U8","shape":[8],"data_offsets":[-8,0]}}"#
        #expect(throws: SafetensorsError.self) { try parse(image(negative, data: Self.eight)) }
    }

    @Test func overlappingAndGaps() {
        let overlap = #"{"a":{"dtype":"U8","shape":[6],"data_offsets":[0,6]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#
        #expect(throws: SafetensorsError.overlapping(file: "bad.safetensors", tensor: "b", other: "a")) {
            try parse(image(overlap, data: Self.eight))
        }
        let gap = #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#
        #expect(throws: SafetensorsError.gap(file: "bad.safetensors", tensor: "b", expectedBegin: 2, begin: 4)) {
            try parse(image(gap, data: Self.eight))
        }
        let trailing = #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}"#
        #expect(throws: SafetensorsError.trailingBytes(file: "bad.safetensors", expected: 8 + trailing.utf8.count + 4, actual: 8 + trailing.utf8.count + 8)) {
            try parse(image(trailing, data: Self.eight))
        }
    }

    @Test func duplicateNames() {
        let header = #"{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[4],"data_offsets":[4,8]}}"#
        #expect(throws: SafetensorsError.duplicateName(file: "bad.safetensors", name: "a")) {
            try parse(image(header, data: Self.eight))
        }
    }

    @Test func truncatedData() throws {
        let good = try TextFile.readBytes(formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        let cut = Array(good.dropLast(5))
        #expect(throws: SafetensorsError.truncated(file: "bad.safetensors", expected: good.count, actual: cut.count)) {
            try parse(cut)
        }
    }

    @Test func badMetadata() {
        #expect(throws: SafetensorsError.self) { try parse(image(#"{"__metadata__":{"format":1}}"#)) }
        #expect(throws: SafetensorsError.self) { try parse(image(#"{"__metadata__":[]}"#)) }
        #expect(throws: SafetensorsError.self) { try parse(image(#"{"a":{"shape":[],"data_offsets":[0,0]}}"#)) }
    }

    @Test func emptyHeaderIsAnEmptyFile() throws {
        let file = try parse(image("{}  "))
        #expect(file.names.isEmpty)
    }

    /// Mutates a valid file thousands of times (header bytes, the length field, truncations,
    /// insertions) and checks that each result is a consistent file or a `SafetensorsError`.
    @Test func fuzzedFilesGiveValuesOrErrors() throws {
        let good = try TextFile.readBytes(formatsFixture("formats/safetensors/all_dtypes.safetensors"))
        let headerEnd = 8 + Int(good[0]) + Int(good[1]) << 8
        var generator = SeededGenerator(seed: 2024)
        let interesting: [UInt8] = Array("{}[]\",:0123456789-eE.tfn \\u".utf8) + [0, 0xFF, 0xC3, 0x80]
        var accepted = 0
        var rejected = 0
        for round in 0..<4000 {
            var bytes = good
            switch round % 5 {
            case 0:  // flip header bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let position = Int.random(in: 8..<headerEnd, using: &generator)
                    bytes[position] = interesting.randomElement(using: &generator) ?? 0
                }
            case 1:  // forge the length
                let length = [UInt64.random(in: 0...UInt64(good.count + 16), using: &generator), .random(in: 0...UInt64.max, using: &generator)]
                let chosen = length[Int.random(in: 0...1, using: &generator)]
                withUnsafeBytes(of: chosen.littleEndian) { for i in 0..<8 { bytes[i] = $0[i] } }
            case 2:  // truncate anywhere
                bytes = Array(bytes.prefix(Int.random(in: 0..<good.count, using: &generator)))
            case 3:  // insert or delete inside the header
                let position = Int.random(in: 8..<headerEnd, using: &generator)
                if Bool.random(using: &generator) {
                    bytes.insert(interesting.randomElement(using: &generator) ?? 0, at: position)
                } else {
                    bytes.remove(at: position)
                }
            default:  // change digits in place (offsets and shapes)
                let digits = (8..<headerEnd).filter { (48...57).contains(bytes[$0]) }
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    if let position = digits.randomElement(using: &generator) {
                        bytes[position] = UInt8.random(in: 48...57, using: &generator)
                    }
                }
            }
            do {
                let file = try parse(bytes)
                accepted += 1
                for name in file.names {
                    let info = try file.info(name)
                    #expect(file.header.dataStart + info.dataOffsets.upperBound <= bytes.count)
                    #expect(info.elementCount * info.dtype.byteSize == info.byteCount)
                    _ = try file.floats(of: name)
                }
            } catch is SafetensorsError {
                rejected += 1
            }
        }
        #expect(accepted + rejected == 4000)
        #expect(rejected > 2000)
        #expect(accepted > 50)
    }
}
