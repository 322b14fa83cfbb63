/// Errors reading, converting and encoding data sets. Record errors name the file, the
/// record's index (0-based, in file order) and the field.
public enum DatasetError: Error, Equatable, CustomStringConvertible {
    /// A file or registry that does not exist or cannot be read.
    case unreadable(path: String, reason: String)
    /// Text that is not valid JSON (or CSV) at a record.
    case malformedRecord(file: String, record: Int, reason: String)
    /// A record without a field its format needs.
    case missingField(file: String, record: Int, field: String)
    /// A record whose field has the wrong type or value.
    case wrongField(file: String, record: Int, field: String, reason: String)
    /// A name not in the registry (or an unknown format), with the nearest name if any.
    case unknownName(kind: String, name: String, suggestion: String?)
    /// An argument out of range (`cutoff` not positive, `val_size` above 1 ...).
    case invalidArgument(name: String, reason: String)
    /// A valid request this version does not support, named.
    case unsupported(feature: String)

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        case .malformedRecord(let file, let record, let reason):
            return "\(file): record \(record): \(reason)"
        case .missingField(let file, let record, let field):
            return "\(file): record \(record): missing field '\(field)'"
        case .wrongField(let file, let record, let field, let reason):
            return "\(file): record \(record): field '\(field)' \(reason)"
        case .unknownName(let kind, let name, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return "unknown \(kind) '\(name)'\(hint)"
        case .invalidArgument(let name, let reason): return "invalid argument '\(name)': \(reason)"
        case .unsupported(let feature): return "not supported: \(feature)"
        }
    }
}
