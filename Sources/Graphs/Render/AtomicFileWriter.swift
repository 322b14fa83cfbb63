#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file through a temporary sibling renamed into place, so a reader never
/// sees half a graph and a failed render leaves any previous file intact.
enum AtomicFileWriter {
    /// Fails early, before an expensive render, when `path`'s folder is missing or not
    /// writable, or `path` is a folder.
    static func checkWritable(_ path: String) throws(GraphError) {
        let folder = folderOf(path)
        var status = stat()
        if stat(folder, &status) != 0 {
            throw .unwritablePath(path: path, reason: "folder '\(folder)' does not exist")
        }
        if (status.st_mode & S_IFMT) != S_IFDIR {
            throw .unwritablePath(path: path, reason: "'\(folder)' is not a folder")
        }
        if access(folder, W_OK) != 0 {
            throw .unwritablePath(path: path, reason: "folder '\(folder)' is not writable")
        }
        if stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFDIR {
            throw .unwritablePath(path: path, reason: "it is a folder")
        }
    }

    /// Writes `bytes` to `path` atomically.
    ///
    /// - Throws: `GraphError.unwritablePath` with the system's reason.
    static func write(_ bytes: [UInt8], to path: String) throws(GraphError) {
        let temporary = "\(folderOf(path))/.\(fileNameOf(path)).\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw .unwritablePath(path: path, reason: systemReason())
        }
        var written = 0
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Glibc.write(
                    descriptor, buffer.baseAddress.map { $0 + written }, buffer.count - written)
                if count < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason()
                    return
                }
                written += count
            }
        }
        if close(descriptor) != 0, failure == nil { failure = systemReason() }
        if failure == nil, rename(temporary, path) != 0 { failure = systemReason() }
        if let failure {
            unlink(temporary)
            throw .unwritablePath(path: path, reason: failure)
        }
    }

    private static func systemReason() -> String {
        String(cString: strerror(errno))
    }

    private static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func fileNameOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
