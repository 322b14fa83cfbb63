/// What can go wrong building, loading, running or saving a model. Errors inside the
/// module tree name the module path (`model.layers.3.self_attn.q_proj.weight`).
public enum ModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The checkpoint lacks a parameter the config calls for.
    case missingKey(path: String, file: String)
    /// A parameter whose stored shape differs from what the config implies.
    case shapeMismatch(path: String, expected: [Int], got: [Int])
    /// A stored dtype lfs cannot compute with.
    case unsupportedDType(path: String, dtype: String)
    /// A folder that is not a model (no config.json, no weights).
    case notAModel(path: String, reason: String)
    /// A name passed to `load_model` that is neither a folder nor an embedded model.
    case unknownModel(name: String, embedded: [String])
    /// Something the family does not implement.
    case unsupported(what: String)
    /// Inputs of the wrong shape or kind.
    case invalidInput(String)
    /// A file could not be written.
    case io(path: String, detail: String)

    /// A one-line message.
    public var description: String {
        switch self {
        case .missingKey(let path, let file): return "\(path): missing from \(file)"
        case .shapeMismatch(let path, let expected, let got):
            return "\(path): expected \(expected), got \(got)"
        case .unsupportedDType(let path, let dtype):
            return "\(path): unsupported dtype \(dtype)"
        case .notAModel(let path, let reason): return "\(path): not a model folder (\(reason))"
        case .unknownModel(let name, let embedded):
            return "no model folder \"\(name)\"; embedded models: \(embedded.joined(separator: ", "))"
        case .unsupported(let what): return "unsupported: \(what)"
        case .invalidInput(let message): return message
        case .io(let path, let detail): return "\(path): \(detail)"
        }
    }
}
