/// Errors writing or reading TensorBoard event files and run logs.
public enum TensorBoardError: Error, Equatable, CustomStringConvertible {
    /// A file could not be created, written or read.
    case io(path: String, reason: String)
    /// A record ends before its declared length.
    case truncatedRecord(path: String, offset: Int)
    /// A record's masked CRC-32C does not match (`what` is `length` or `data`).
    case checksumMismatch(path: String, offset: Int, what: String)
    /// An Event protobuf that does not parse.
    case malformedEvent(reason: String)

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .io(let path, let reason): return "\(path): \(reason)"
        case .truncatedRecord(let path, let offset):
            return "\(path): record at byte \(offset) is truncated"
        case .checksumMismatch(let path, let offset, let what):
            return "\(path): bad \(what) checksum in the record at byte \(offset)"
        case .malformedEvent(let reason): return "malformed event: \(reason)"
        }
    }
}
