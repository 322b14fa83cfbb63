/// Errors raised by optimizers, schedulers and gradient clipping.
public enum OptimError: Error, Equatable, CustomStringConvertible {
    /// A scheduler or optimizer name outside the closed set, with the nearest name if any.
    case unknownName(kind: String, name: String, suggestion: String?)
    /// A hyper-parameter outside its valid range (`lr` negative, `beta1` not in [0, 1) ...).
    case invalidArgument(name: String, reason: String)
    /// A scheduler that needs an argument the caller did not give (`total` for cosine).
    case missingArgument(scheduler: String, argument: String)
    /// A parameter whose value and gradient (or saved state) differ in size.
    case sizeMismatch(parameter: String, expected: Int, actual: Int)
    /// A state dictionary without an entry the optimizer needs to resume.
    case missingState(key: String)
    /// A state dictionary saved for a different optimizer or parameter list.
    case incompatibleState(reason: String)

    /// A one-line message for users.
    public var description: String {
        switch self {
        case .unknownName(let kind, let name, let suggestion):
            let hint = suggestion.map { "; did you mean '\($0)'?" } ?? ""
            return "unknown \(kind) '\(name)'\(hint)"
        case .invalidArgument(let name, let reason):
            return "invalid argument '\(name)': \(reason)"
        case .missingArgument(let scheduler, let argument):
            return "scheduler '\(scheduler)' needs '\(argument)'"
        case .sizeMismatch(let parameter, let expected, let actual):
            return "parameter '\(parameter)': expected \(expected) elements, got \(actual)"
        case .missingState(let key):
            return "optimizer state has no entry '\(key)'"
        case .incompatibleState(let reason):
            return "optimizer state does not fit this optimizer: \(reason)"
        }
    }
}
