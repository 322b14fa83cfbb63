#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written.
public struct FileIOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's path.
    public var path: String
    /// What went wrong (the system's message).
    public var detail: String

    public var description: String { "\(path): \(detail)" }
}

/// Whole-file reads and atomic writes for the small JSON files of a model folder.
public enum TextFile {
    /// The file's bytes.
    /// - Throws: `FileIOError`.
    public static func readBytes(_ path: String) throws -> [UInt8] {
        do {
            let mapped = try MappedFile(path: path)
            return Array(mapped.bytes)
        } catch let error as SafetensorsError {
            if case .io(_, let detail) = error { throw FileIOError(path: path, detail: detail) }
            throw FileIOError(path: path, detail: "\(error)")
        }
    }

    /// Whether a regular file or folder exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Writes `text` as UTF-8 through a temporary file in the same folder renamed into place.
    /// - Throws: `FileIOError`.
    public static func write(_ text: String, to path: String) throws {
        let temporary = SafetensorsWriter.temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw FileIOError(path: path, detail: "cannot create \(temporary): \(MappedFile.lastError())")
        }
        var bytes = Array(text.utf8)
        var offset = 0
        let count = bytes.count
        let failed: Bool = bytes.withUnsafeMutableBytes { raw in
            while offset < count {
                guard let base = raw.baseAddress else { return false }
                let result = Glibc.write(descriptor, base + offset, count - offset)
                if result < 0 {
                    if errno == EINTR { continue }
                    return true
                }
                offset += result
            }
            return false
        }
        bytes = []
        let closeFailed = close(descriptor) != 0
        if failed || closeFailed || rename(temporary, path) != 0 {
            let detail = MappedFile.lastError()
            unlink(temporary)
            throw FileIOError(path: path, detail: "cannot write: \(detail)")
        }
    }
}
