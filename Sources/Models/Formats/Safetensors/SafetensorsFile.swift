/// A safetensors file opened through mmap: the validated header and zero-copy access to
/// each tensor's bytes.
///
/// Nothing is copied until asked: `bytes(of:)` is a view into the map, valid while this
/// object (or anything holding `storage`) lives; `floats(of:)` converts to `[Float]`.
public final class SafetensorsFile: Sendable {
    /// The path (or display name) of the file.
    public let path: String
    /// The validated header.
    public let header: SafetensorsHeader
    /// The mapped file; keep a reference to keep tensor bytes alive.
    public let storage: MappedFile
    private let byName: [String: Int]

    /// Maps and validates the file at `path`.
    /// - Throws: `SafetensorsError` naming the file and the problem.
    public convenience init(path: String) throws {
        try self.init(storage: MappedFile(path: path))
    }

    /// Validates a file image held in `storage`.
    /// - Throws: `SafetensorsError` naming the file and the problem.
    public init(storage: MappedFile) throws {
        self.storage = storage
        path = storage.path
        header = try SafetensorsHeader.parse(storage.bytes, file: storage.path)
        var byName: [String: Int] = [:]
        for (i, tensor) in header.tensors.enumerated() { byName[tensor.name] = i }
        self.byName = byName
    }

    /// Validates an in-memory file image (tests, fuzzing, data received over a pipe).
    /// - Throws: `SafetensorsError` naming `name` and the problem.
    public convenience init(bytes: [UInt8], name: String) throws {
        try self.init(storage: MappedFile(copying: bytes, name: name))
    }

    /// The tensor names in header order.
    public var names: [String] { header.tensors.map(\.name) }

    /// `__metadata__` of the file.
    public var metadata: [String: String] { header.metadata }

    /// Whether the file holds a tensor with this name.
    public func contains(_ name: String) -> Bool { byName[name] != nil }

    /// The header entry of a tensor.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func info(_ name: String) throws -> SafetensorsTensorInfo {
        guard let index = byName[name] else { throw SafetensorsError.missingTensor(file: path, name: name) }
        return header.tensors[index]
    }

    /// The raw little-endian bytes of a tensor, without copying. Valid while `storage` lives.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func bytes(of name: String) throws -> UnsafeRawBufferPointer {
        let tensor = try info(name)
        let start = header.dataStart + tensor.dataOffsets.lowerBound
        return UnsafeRawBufferPointer(rebasing: storage.bytes[start..<(start + tensor.byteCount)])
    }

    /// The tensor's elements converted to `Float` (any dtype; BOOL as 0/1). O(n) copy.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func floats(of name: String) throws -> [Float] {
        let tensor = try info(name)
        return SafetensorsConversion.floats(try bytes(of: name), dtype: tensor.dtype)
    }

    /// The tensor's elements converted to `Int64` (integer and BOOL dtypes exactly,
    /// floating-point ones truncated toward zero). O(n) copy.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func int64s(of name: String) throws -> [Int64] {
        let tensor = try info(name)
        return SafetensorsConversion.int64s(try bytes(of: name), dtype: tensor.dtype)
    }
}
