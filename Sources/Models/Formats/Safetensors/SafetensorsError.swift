/// Everything that can be wrong with a safetensors file or a sharded checkpoint.
/// Each case names the file and the problem; none is ever a crash.
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened, mapped, read or written.
    case io(file: String, detail: String)
    /// The file is shorter than the 8-byte header length.
    case fileTooSmall(file: String, size: Int)
    /// The header length is larger than the rest of the file (or than any file can be).
    case headerTooLong(file: String, headerLength: UInt64, fileSize: Int)
    /// The header is not valid JSON (or not UTF-8).
    case invalidJSON(file: String, detail: String)
    /// The header is JSON but not a safetensors header (wrong kinds, missing fields).
    case invalidHeader(file: String, detail: String)
    /// Two tensors (or metadata keys) share a name.
    case duplicateName(file: String, name: String)
    /// A dtype string the format does not name.
    case unknownDType(file: String, tensor: String, dtype: String)
    /// `data_offsets` not a pair of non-negative integers with begin <= end.
    case offsetsOutOfRange(file: String, tensor: String, begin: Int, end: Int)
    /// A tensor starts before the previous one ends.
    case overlapping(file: String, tensor: String, other: String)
    /// Unused bytes between tensors (or before the first one).
    case gap(file: String, tensor: String, expectedBegin: Int, begin: Int)
    /// The shape's element count times the dtype size is not the byte range's length.
    case shapeMismatch(file: String, tensor: String, shape: [Int], dtype: String, byteCount: Int)
    /// The data section is shorter than the header says.
    case truncated(file: String, expected: Int, actual: Int)
    /// Bytes after the last tensor that no tensor covers.
    case trailingBytes(file: String, expected: Int, actual: Int)
    /// A tensor asked for by name is not in the file or checkpoint.
    case missingTensor(file: String, name: String)
    /// A malformed `model.safetensors.index.json`.
    case invalidIndex(file: String, detail: String)
    /// A tensor cannot be written (bad shape, byte count, name).
    case invalidTensor(file: String, tensor: String, detail: String)

    public var description: String {
        switch self {
        case .io(let file, let detail): return "\(file): \(detail)"
        case .fileTooSmall(let file, let size):
            return "\(file): not a safetensors file: \(size) bytes, shorter than the 8-byte header length"
        case .headerTooLong(let file, let length, let size):
            return "\(file): header length \(length) exceeds the file size \(size)"
        case .invalidJSON(let file, let detail): return "\(file): header is not valid JSON: \(detail)"
        case .invalidHeader(let file, let detail): return "\(file): invalid header: \(detail)"
        case .duplicateName(let file, let name): return "\(file): duplicate tensor name '\(name)'"
        case .unknownDType(let file, let tensor, let dtype):
            return "\(file): tensor '\(tensor)' has unknown dtype '\(dtype)'"
        case .offsetsOutOfRange(let file, let tensor, let begin, let end):
            return "\(file): tensor '\(tensor)' has invalid data_offsets [\(begin), \(end)]"
        case .overlapping(let file, let tensor, let other):
            return "\(file): tensor '\(tensor)' overlaps tensor '\(other)'"
        case .gap(let file, let tensor, let expected, let begin):
            return "\(file): gap before tensor '\(tensor)': it begins at \(begin), expected \(expected)"
        case .shapeMismatch(let file, let tensor, let shape, let dtype, let count):
            return "\(file): tensor '\(tensor)' of shape \(shape) and dtype \(dtype) does not fit its \(count) bytes"
        case .truncated(let file, let expected, let actual):
            return "\(file): truncated: the header needs \(expected) bytes, the file has \(actual)"
        case .trailingBytes(let file, let expected, let actual):
            return "\(file): \(actual - expected) bytes after the last tensor (file has \(actual), header covers \(expected))"
        case .missingTensor(let file, let name): return "\(file): no tensor named '\(name)'"
        case .invalidIndex(let file, let detail): return "\(file): invalid index: \(detail)"
        case .invalidTensor(let file, let tensor, let detail):
            return "\(file): cannot write tensor '\(tensor)': \(detail)"
        }
    }
}
