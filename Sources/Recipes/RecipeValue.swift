/// A scalar from a recipe, typed as YAML types it (`8` an int, `1.0e-4` a float,
/// `true` a bool, `null`/`~` nothing, anything else text).
public enum RecipeValue: Equatable, Sendable {
    case string(String)
    case int(Int)
    case float(Double)
    case bool(Bool)
    case null

    /// The value as the user wrote it, for messages.
    public var text: String {
        switch self {
        case .string(let text): return text
        case .int(let value): return String(value)
        case .float(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .null: return "null"
        }
    }

    /// What kind of value it is, for messages ("an int", "text").
    public var kindName: String {
        switch self {
        case .string: return "text"
        case .int: return "an int"
        case .float: return "a float"
        case .bool: return "a bool"
        case .null: return "null"
        }
    }
}

/// One `key: value` of a recipe, with where it came from.
public struct RecipeEntry: Equatable, Sendable {
    /// The key, as written.
    public var key: String
    /// The typed value.
    public var value: RecipeValue
    /// Where it was written: `recipe.yaml:7` or `command line`.
    public var location: RecipeLocation
}

/// A place in a recipe file or on the command line, for error messages.
public struct RecipeLocation: Equatable, Sendable, CustomStringConvertible {
    /// The file's path as given, or nil for a `key=value` override.
    public var file: String?
    /// The 1-based line (the override's position among the overrides when `file` is nil).
    public var line: Int

    /// A location in a file.
    public init(file: String?, line: Int) {
        self.file = file
        self.line = line
    }

    /// `recipe.yaml:7`, or `override 2 on the command line`.
    public var description: String {
        if let file { return "\(file):\(line)" }
        return "command-line override \(line)"
    }
}
