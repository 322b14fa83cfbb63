import Foundation

/// TFRecord framing, as TensorBoard event files use it: each record is a little-endian
/// uint64 length, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C
/// of the data.
public enum TFRecord {
    /// Frames one record.
    /// - Parameter data: the payload (an encoded Event).
    public static func frame(_ data: [UInt8]) -> [UInt8] {
        var length = UInt64(data.count).littleEndian
        let lengthBytes = withUnsafeBytes(of: &length) { Array($0) }
        var result = lengthBytes
        result += littleEndian(CRC32C.masked(lengthBytes))
        result += data
        result += littleEndian(CRC32C.masked(data))
        return result
    }

    /// Splits a file's bytes into records, verifying both checksums of each.
    /// - Parameters:
    ///   - bytes: the whole file.
    ///   - path: the file's name, for errors.
    /// - Throws: `TensorBoardError.truncatedRecord` or `.checksumMismatch`.
    public static func records(in bytes: [UInt8], path: String = "<memory>") throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 12 <= bytes.count else {
                throw TensorBoardError.truncatedRecord(path: path, offset: offset)
            }
            let lengthBytes = Array(bytes[offset..<offset + 8])
            if readUInt32(bytes, at: offset + 8) != CRC32C.masked(lengthBytes) {
                throw TensorBoardError.checksumMismatch(path: path, offset: offset, what: "length")
            }
            let length = lengthBytes.enumerated().reduce(UInt64(0)) {
                $0 | UInt64($1.element) << (8 * UInt64($1.offset))
            }
            let start = offset + 12
            guard length <= UInt64(bytes.count - start), bytes.count - start - Int(length) >= 4
            else {
                throw TensorBoardError.truncatedRecord(path: path, offset: offset)
            }
            let end = start + Int(length)
            let data = Array(bytes[start..<end])
            if readUInt32(bytes, at: end) != CRC32C.masked(data) {
                throw TensorBoardError.checksumMismatch(path: path, offset: offset, what: "data")
            }
            records.append(data)
            offset = end + 4
        }
        return records
    }

    /// Reads and decodes every Event of an event file.
    /// - Throws: `TensorBoardError` for an unreadable file, bad framing or a bad Event.
    public static func readEvents(atPath path: String) throws -> [TensorBoardEvent] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TensorBoardError.io(path: path, reason: "cannot read the file")
        }
        return try records(in: Array(data), path: path).map { try TensorBoardEvent(decoding: $0) }
    }

    private static func littleEndian(_ value: UInt32) -> [UInt8] {
        var value = value.littleEndian
        return withUnsafeBytes(of: &value) { Array($0) }
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * UInt32($1)) }
    }
}
