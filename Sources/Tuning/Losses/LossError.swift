/// Errors of the training losses, with a message naming the function and argument.
public enum LossError: Error, Equatable, CustomStringConvertible {
    /// An argument outside its domain (`beta must be positive`, an unknown loss name).
    case invalidArgument(function: String, name: String, reason: String)
    /// Tensors whose shapes do not fit together.
    case shapeMismatch(function: String, detail: String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .invalidArgument(let function, let name, let reason): "\(function): \(name) \(reason)"
        case .shapeMismatch(let function, let detail): "\(function): \(detail)"
        }
    }
}
