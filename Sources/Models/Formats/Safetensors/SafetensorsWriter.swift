#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes safetensors files byte-identical to the Python `safetensors` library's output
/// for the same tensors and metadata.
///
/// As the Rust library's `prepare`: tensors sorted by dtype (larger alignment first, in
/// its `Dtype` order) then by name, laid out contiguously with no gaps; the compact JSON
/// header with `__metadata__` first is padded with spaces to a multiple of 8.
public enum SafetensorsWriter {
    /// The metadata transformers writes, and ours by default.
    public static let defaultMetadata = ["format": "pt"]

    /// The header bytes (JSON plus padding) and the entries in data order.
    /// - Throws: `SafetensorsError.duplicateName` or `.invalidTensor` (shape and byte count
    ///   disagree, or the reserved name `__metadata__`).
    public static func layout(
        _ entries: [SafetensorsEntry], metadata: [String: String]?, file: String
    ) throws -> (header: [UInt8], ordered: [SafetensorsEntry]) {
        var seen = Set<String>()
        for entry in entries {
            guard seen.insert(entry.name).inserted else {
                throw SafetensorsError.duplicateName(file: file, name: entry.name)
            }
            if entry.name == "__metadata__" {
                throw SafetensorsError.invalidTensor(file: file, tensor: entry.name, detail: "reserved name")
            }
            var expected = entry.dtype.byteSize
            var overflow = false
            for dimension in entry.shape {
                let (product, didOverflow) = expected.multipliedReportingOverflow(by: dimension)
                overflow = overflow || didOverflow || dimension < 0
                expected = product
            }
            guard !overflow, expected == entry.byteCount else {
                throw SafetensorsError.invalidTensor(
                    file: file, tensor: entry.name,
                    detail: "shape \(entry.shape) of \(entry.dtype.rawValue) needs \(expected) bytes, got \(entry.byteCount)")
            }
        }
        let ordered = entries.sorted { lhs, rhs in
            if lhs.dtype.writeOrderRank != rhs.dtype.writeOrderRank {
                return lhs.dtype.writeOrderRank > rhs.dtype.writeOrderRank
            }
            return lhs.name.utf8.lexicographicallyPrecedes(rhs.name.utf8)
        }
        var object = JSONObject()
        if let metadata {
            let sorted = metadata.keys.sorted().map { ($0, JSONValue.string(metadata[$0] ?? "")) }
            object["__metadata__"] = .object(JSONObject(sorted))
        }
        var offset = 0
        for entry in ordered {
            object[entry.name] = .object(JSONObject([
                ("dtype", .string(entry.dtype.rawValue)),
                ("shape", .array(entry.shape.map { .int(Int64($0)) })),
                ("data_offsets", .array([.int(Int64(offset)), .int(Int64(offset + entry.byteCount))])),
            ]))
            offset += entry.byteCount
        }
        var header = Array(JSONWriter.compact(.object(object)).utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))
        return (header, ordered)
    }

    /// The whole file image in memory.
    /// - Throws: as `layout`, or `.invalidTensor` if a provider hands over the wrong byte count.
    public static func serialize(
        _ entries: [SafetensorsEntry], metadata: [String: String]? = defaultMetadata
    ) throws -> [UInt8] {
        let (header, ordered) = try layout(entries, metadata: metadata, file: "<memory>")
        var out: [UInt8] = []
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: header)
        for entry in ordered {
            let before = out.count
            try entry.provider { out.append(contentsOf: $0) }
            try checkCount(entry, written: out.count - before, file: "<memory>")
        }
        return out
    }

    /// Writes the file at `path` through a temporary file in the same folder, renamed into
    /// place once complete, so a reader never sees a partial file.
    /// - Throws: `SafetensorsError` (`.io` for file-system failures).
    public static func write(
        _ entries: [SafetensorsEntry], to path: String, metadata: [String: String]? = defaultMetadata
    ) throws {
        let (header, ordered) = try layout(entries, metadata: metadata, file: path)
        let temporary = temporaryPath(for: path)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_TRUNC, 0o644)
        guard descriptor >= 0 else {
            throw SafetensorsError.io(file: path, detail: "cannot create \(temporary): \(MappedFile.lastError())")
        }
        var closed = false
        do {
            var prefix: [UInt8] = []
            withUnsafeBytes(of: UInt64(header.count).littleEndian) { prefix.append(contentsOf: $0) }
            prefix.append(contentsOf: header)
            try prefix.withUnsafeBytes { try writeAll(descriptor, $0, file: path) }
            for entry in ordered {
                var written = 0
                try entry.provider { chunk in
                    try writeAll(descriptor, chunk, file: path)
                    written += chunk.count
                }
                try checkCount(entry, written: written, file: path)
            }
            guard fsync(descriptor) == 0 else {
                throw SafetensorsError.io(file: path, detail: "cannot sync: \(MappedFile.lastError())")
            }
            closed = true
            guard close(descriptor) == 0 else {
                throw SafetensorsError.io(file: path, detail: "cannot close: \(MappedFile.lastError())")
            }
            guard rename(temporary, path) == 0 else {
                throw SafetensorsError.io(file: path, detail: "cannot rename into place: \(MappedFile.lastError())")
            }
        } catch {
            if !closed { close(descriptor) }
            unlink(temporary)
            throw error
        }
    }

    // MARK: - Helpers

    private static func checkCount(_ entry: SafetensorsEntry, written: Int, file: String) throws {
        guard written == entry.byteCount else {
            throw SafetensorsError.invalidTensor(
                file: file, tensor: entry.name, detail: "provider wrote \(written) bytes, expected \(entry.byteCount)")
        }
    }

    private static func writeAll(_ descriptor: Int32, _ chunk: UnsafeRawBufferPointer, file: String) throws {
        var offset = 0
        while offset < chunk.count {
            guard let base = chunk.baseAddress else { return }
            let result = Glibc.write(descriptor, base + offset, chunk.count - offset)
            if result < 0 {
                if errno == EINTR { continue }
                throw SafetensorsError.io(file: file, detail: "cannot write: \(MappedFile.lastError())")
            }
            offset += result
        }
    }

    /// `<folder>/.<name>.tmp-<pid>-<n>`: same folder, so `rename` is atomic.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(folder).\(name).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }
}
