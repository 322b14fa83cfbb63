/// Errors of adapters and fine-tuning methods, with a message for the user.
public enum AdapterError: Error, Equatable, CustomStringConvertible {
    /// An argument outside its domain (`rank must be positive`).
    case invalidArgument(name: String, reason: String)
    /// No linear layer of the model matched the targets.
    case noTargets(targets: [String])
    /// The model already has an adapter with this name.
    case duplicateName(String)
    /// No adapter with this name is attached.
    case unknownAdapter(String)
    /// An adapter folder that cannot be read (missing file, bad config, missing tensor).
    case invalidFile(path: String, detail: String)
    /// A feature this version does not implement.
    case unsupported(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .invalidArgument(let name, let reason): "adapter: \(name) \(reason)"
        case .noTargets(let targets):
            "adapter: no linear layer matches targets \(targets) (try \"all\" or names such as q_proj)"
        case .duplicateName(let name): "adapter: the model already has an adapter named \"\(name)\""
        case .unknownAdapter(let name): "adapter: no adapter named \"\(name)\" is attached"
        case .invalidFile(let path, let detail): "adapter: \(path): \(detail)"
        case .unsupported(let what): "adapter: \(what) is not implemented"
        }
    }
}
