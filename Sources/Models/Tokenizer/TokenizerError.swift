/// A tokenizer file lfs cannot use, or a request it cannot serve.
public enum TokenizerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read.
    case io(file: String, detail: String)
    /// tokenizer.json or tokenizer_config.json is malformed: the file, the field path
    /// (`model.merges[3]`) and what is wrong.
    case malformed(file: String, field: String, detail: String)
    /// A component lfs does not implement (a model, normalizer, pre-tokenizer, decoder).
    case unsupported(file: String, field: String, detail: String)
    /// An id outside the vocabulary.
    case unknownID(Int)

    public var description: String {
        switch self {
        case .io(let file, let detail): return "\(file): \(detail)"
        case .malformed(let file, let field, let detail): return "\(file): field '\(field)': \(detail)"
        case .unsupported(let file, let field, let detail): return "\(file): field '\(field)': unsupported \(detail)"
        case .unknownID(let id): return "token id \(id) is not in the vocabulary"
        }
    }
}
