/// One tensor's entry in a safetensors header.
public struct SafetensorsTensorInfo: Equatable, Sendable {
    /// The tensor's name (an HF key path such as `model.layers.0.mlp.up_proj.weight`).
    public let name: String
    /// Its element type.
    public let dtype: SafetensorsDType
    /// Its shape; `[]` is a scalar.
    public let shape: [Int]
    /// Its byte range, relative to the start of the data section.
    public let dataOffsets: Range<Int>

    /// The number of elements (product of the shape).
    public var elementCount: Int { shape.reduce(1, *) }
    /// The number of bytes.
    public var byteCount: Int { dataOffsets.count }
}

/// A parsed and validated safetensors header.
///
/// Layout (huggingface/safetensors README): 8 bytes little-endian `N`, then `N` bytes of
/// JSON `{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [b, e]}}`,
/// then the data section. Validation follows the Rust library's: tensors cover the data
/// section exactly, contiguously, with sizes matching shape x dtype.
public struct SafetensorsHeader: Equatable, Sendable {
    /// The header's size limit, as in the Rust library (100 MB).
    public static let maximumHeaderLength: UInt64 = 100_000_000

    /// `__metadata__`, empty if absent.
    public let metadata: [String: String]
    /// The tensors in header order.
    public let tensors: [SafetensorsTensorInfo]
    /// Where the data section starts in the file (8 + N).
    public let dataStart: Int

    /// Parses and validates the header of a complete file image.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - file: the name used in errors.
    /// - Throws: `SafetensorsError` naming the file and the problem.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String) throws -> SafetensorsHeader {
        guard bytes.count >= 8 else { throw SafetensorsError.fileTooSmall(file: file, size: bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        // Compared as UInt64 so that a huge length cannot overflow Int arithmetic.
        guard length <= UInt64(bytes.count - 8), length <= maximumHeaderLength else {
            throw SafetensorsError.headerTooLong(file: file, headerLength: length, fileSize: bytes.count)
        }
        let headerEnd = 8 + Int(length)
        let json: JSONValue
        do {
            json = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd]))
        } catch let error as JSONParser.DuplicateKey {
            throw SafetensorsError.duplicateName(file: file, name: error.key)
        } catch {
            throw SafetensorsError.invalidJSON(file: file, detail: "\(error)")
        }
        guard let object = json.objectValue else {
            throw SafetensorsError.invalidHeader(file: file, detail: "expected a JSON object, got \(json.kindName)")
        }
        var metadata: [String: String] = [:]
        var tensors: [SafetensorsTensorInfo] = []
        for (name, value) in object.pairs {
            if name == "__metadata__" {
                metadata = try parseMetadata(value, file: file)
            } else {
                tensors.append(try parseTensor(name: name, value, file: file))
            }
        }
        try validateLayout(tensors, dataSize: bytes.count - headerEnd, fileSize: bytes.count, headerEnd: headerEnd, file: file)
        return SafetensorsHeader(metadata: metadata, tensors: tensors, dataStart: headerEnd)
    }

    // MARK: - Pieces

    private static func parseMetadata(_ value: JSONValue, file: String) throws -> [String: String] {
        guard let object = value.objectValue else {
            throw SafetensorsError.invalidHeader(file: file, detail: "__metadata__ must be an object of strings")
        }
        var metadata: [String: String] = [:]
        for (key, entry) in object.pairs {
            guard let text = entry.stringValue else {
                throw SafetensorsError.invalidHeader(
                    file: file, detail: "__metadata__ value for '\(key)' must be a string, got \(entry.kindName)")
            }
            metadata[key] = text
        }
        return metadata
    }

    private static func parseTensor(name: String, _ value: JSONValue, file: String) throws -> SafetensorsTensorInfo {
        guard let object = value.objectValue else {
            throw SafetensorsError.invalidHeader(file: file, detail: "tensor '\(name)' must be an object, got \(value.kindName)")
        }
        guard let dtypeName = object["dtype"]?.stringValue else {
            throw SafetensorsError.invalidHeader(file: file, detail: "tensor '\(name)' has no string 'dtype'")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw SafetensorsError.unknownDType(file: file, tensor: name, dtype: dtypeName)
        }
        guard let shapeValues = object["shape"]?.arrayValue else {
            throw SafetensorsError.invalidHeader(file: file, detail: "tensor '\(name)' has no array 'shape'")
        }
        var shape: [Int] = []
        for dimension in shapeValues {
            guard case .int(let size) = dimension, size >= 0, let size = Int(exactly: size) else {
                throw SafetensorsError.invalidHeader(
                    file: file, detail: "tensor '\(name)' has a shape entry that is not a non-negative integer")
            }
            shape.append(size)
        }
        guard let offsets = object["data_offsets"]?.arrayValue, offsets.count == 2 else {
            throw SafetensorsError.invalidHeader(file: file, detail: "tensor '\(name)' needs 'data_offsets' [begin, end]")
        }
        guard case .int(let begin64) = offsets[0], case .int(let end64) = offsets[1] else {
            throw SafetensorsError.invalidHeader(file: file, detail: "tensor '\(name)' has non-integer data_offsets")
        }
        guard let begin = Int(exactly: begin64), let end = Int(exactly: end64), begin >= 0, begin <= end else {
            throw SafetensorsError.offsetsOutOfRange(
                file: file, tensor: name, begin: Int(clamping: begin64), end: Int(clamping: end64))
        }
        // Element count times dtype size, with overflow treated as a mismatch.
        var expected = dtype.byteSize
        var overflow = false
        for dimension in shape {
            let (product, didOverflow) = expected.multipliedReportingOverflow(by: dimension)
            overflow = overflow || didOverflow
            expected = product
        }
        guard !overflow, expected == end - begin else {
            throw SafetensorsError.shapeMismatch(
                file: file, tensor: name, shape: shape, dtype: dtype.rawValue, byteCount: end - begin)
        }
        return SafetensorsTensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end)
    }

    /// Checks that the tensors tile the data section: sorted by offset, each begins where
    /// the previous ended, and the last ends at the end of the file.
    private static func validateLayout(
        _ tensors: [SafetensorsTensorInfo], dataSize: Int, fileSize: Int, headerEnd: Int, file: String
    ) throws {
        let sorted = tensors.sorted {
            ($0.dataOffsets.lowerBound, $0.dataOffsets.upperBound) < ($1.dataOffsets.lowerBound, $1.dataOffsets.upperBound)
        }
        var cursor = 0
        var previous: String?
        for tensor in sorted {
            if tensor.dataOffsets.lowerBound < cursor {
                throw SafetensorsError.overlapping(file: file, tensor: tensor.name, other: previous ?? "")
            }
            if tensor.dataOffsets.lowerBound > cursor {
                throw SafetensorsError.gap(
                    file: file, tensor: tensor.name, expectedBegin: cursor, begin: tensor.dataOffsets.lowerBound)
            }
            cursor = tensor.dataOffsets.upperBound
            previous = tensor.name
        }
        if cursor > dataSize {
            throw SafetensorsError.truncated(file: file, expected: headerEnd + cursor, actual: fileSize)
        }
        if cursor < dataSize {
            throw SafetensorsError.trailingBytes(file: file, expected: headerEnd + cursor, actual: fileSize)
        }
    }
}
