import Foundation

/// Reads a file line by line in 64 KiB chunks, so a large JSONL file is never held whole.
final class LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private static let chunkSize = 1 << 16

    /// Opens `path`.
    /// - Throws: `DatasetError.unreadable`.
    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "cannot open the file")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The next line's bytes without its `\n` (and a `\r` before it), nil at the end.
    func nextLine() -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return line
            }
            // Drop consumed bytes before reading more.
            buffer.removeFirst(start)
            start = 0
            let chunk = (try? handle.read(upToCount: Self.chunkSize)) ?? nil
            if let chunk, !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }
}
