#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when the last reference goes.
///
/// Tensors read from a safetensors file keep a reference to the map, so their bytes stay
/// valid without a copy for as long as any of them lives.
public final class MappedFile: @unchecked Sendable {
    // @unchecked: the mapping is read-only (PROT_READ) and never changes after init.

    /// The path the file was opened from.
    public let path: String
    /// The mapped bytes (empty for an empty file).
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private let isHeapCopy: Bool

    /// Bytes held in memory under a display name, used like a mapped file (tests, fuzzing).
    public init(copying source: [UInt8], name: String) {
        path = name
        isHeapCopy = true
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(source.count, 1), alignment: 16)
        source.withUnsafeBytes { raw in
            if let from = raw.baseAddress { storage.copyMemory(from: from, byteCount: raw.count) }
        }
        base = storage
        bytes = UnsafeRawBufferPointer(start: storage, count: source.count)
    }

    /// Maps the file at `path`.
    /// - Throws: `SafetensorsError.io` if it cannot be opened, sized or mapped.
    public init(path: String) throws {
        self.path = path
        isHeapCopy = false
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw SafetensorsError.io(file: path, detail: "cannot open: \(Self.lastError())")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SafetensorsError.io(file: path, detail: "cannot stat: \(Self.lastError())")
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw SafetensorsError.io(file: path, detail: "not a regular file")
        }
        let size = Int(info.st_size)
        if size == 0 {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else {
            throw SafetensorsError.io(file: path, detail: "cannot map: \(Self.lastError())")
        }
        base = mapped
        bytes = UnsafeRawBufferPointer(start: mapped, count: size)
    }

    deinit {
        guard let base else { return }
        if isHeapCopy { base.deallocate() } else { munmap(base, bytes.count) }
    }

    static func lastError() -> String {
        String(cString: strerror(errno))
    }
}
