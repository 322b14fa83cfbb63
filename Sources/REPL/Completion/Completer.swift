import Foundation

/// What the interpreter knows that completion needs. The REPL's session implements it
/// over a live `Interpreter`; tests implement it with fixed tables.
public protocol CompletionProvider: AnyObject {
    /// Names bound at top level: globals, builtins, modules.
    func globalNames() -> [String]
    /// The keywords of the language.
    func keywords() -> [String]
    /// Properties and methods of the value a dotted chain of names denotes.
    func memberNames(of receiver: [String]) -> [String]
    /// Parameter labels (without the colon) of the callable a dotted chain denotes.
    func labels(of callee: [String]) -> [String]
}

/// The candidates for the word under the cursor.
public struct CompletionResult: Equatable, Sendable {
    /// Full replacements for the word under the cursor, sorted, without duplicates.
    public var candidates: [String]
    /// Whether the candidates are file paths (readline then shows only their last part).
    public var isPath: Bool

    /// Creates a result.
    public init(candidates: [String], isPath: Bool = false) {
        self.candidates = Array(Set(candidates)).sorted()
        self.isPath = isPath
    }

    /// The longest prefix all strings share (readline's "lowest common denominator").
    public static func commonPrefix(of strings: [String]) -> String {
        guard var prefix = strings.first.map(Array.init) else { return "" }
        for string in strings.dropFirst() {
            let characters = Array(string)
            var length = 0
            while length < min(prefix.count, characters.count),
                prefix[length] == characters[length]
            {
                length += 1
            }
            prefix = Array(prefix[..<length])
        }
        return String(prefix)
    }
}

/// Turns the text before the cursor into candidates: globals and keywords, members
/// after `.`, labels inside a call, paths inside a string, and `:` commands.
public final class Completer {
    let provider: CompletionProvider
    let commands: CommandRegistry?
    /// The folder relative paths are completed against.
    let workingDirectory: () -> String

    /// Creates a completer.
    /// - Parameters:
    ///   - provider: names, members and labels from the interpreter.
    ///   - commands: the REPL's `:` commands, or nil outside the REPL.
    ///   - workingDirectory: the folder relative paths start from.
    public init(
        provider: CompletionProvider, commands: CommandRegistry? = nil,
        workingDirectory: @escaping () -> String = { FileManager.default.currentDirectoryPath }
    ) {
        self.provider = provider
        self.commands = commands
        self.workingDirectory = workingDirectory
    }

    /// The candidates for the word that ends at the cursor.
    /// - Parameter textBeforeCursor: the current line up to the cursor.
    public func complete(textBeforeCursor: String) -> CompletionResult {
        candidates(for: CompletionContext(textBeforeCursor: textBeforeCursor))
    }

    /// Whether readline should break words only at spaces and quotes (paths).
    public func usesPathBreaks(textBeforeCursor: String) -> Bool {
        switch CompletionContext(textBeforeCursor: textBeforeCursor) {
        case .path: return true
        case .commandArgument(let name, let text):
            return commands?.command(named: name)?.argument == .path
                || CompletionContext(textBeforeCursor: text).isPath
        default: return false
        }
    }

    func candidates(for context: CompletionContext) -> CompletionResult {
        switch context {
        case .global(let prefix):
            return matching(prefix, provider.globalNames() + provider.keywords())
        case .member(let receiver, let prefix):
            guard let receiver else { return CompletionResult(candidates: []) }
            return matching(prefix, provider.memberNames(of: receiver))
        case .argument(let callee, let prefix):
            let labels = callee.map { provider.labels(of: $0).map { $0 + ":" } } ?? []
            return matching(prefix, labels + provider.globalNames() + provider.keywords())
        case .path(let prefix):
            return CompletionResult(candidates: paths(prefix), isPath: true)
        case .command(let prefix):
            return matching(prefix, commands?.names ?? [])
        case .commandArgument(let name, let text):
            switch commands?.command(named: name)?.argument {
            case .path?:
                return CompletionResult(candidates: paths(text), isPath: true)
            case .name?:
                return matching(text, provider.globalNames())
            case .expression?:
                return candidates(for: CompletionContext(textBeforeCursor: text))
            case .none?, nil:
                return CompletionResult(candidates: [])
            }
        case .none:
            return CompletionResult(candidates: [])
        }
    }

    func matching(_ prefix: String, _ names: [String]) -> CompletionResult {
        CompletionResult(candidates: names.filter { $0.hasPrefix(prefix) })
    }

    /// Paths that start with `prefix`, relative to the working directory; folders end
    /// with `/`; hidden files only when the prefix's last part starts with `.`.
    func paths(_ prefix: String) -> [String] {
        let slash = prefix.lastIndex(of: "/")
        let folderPart = slash.map { String(prefix[...$0]) } ?? ""
        let namePart = slash.map { String(prefix[prefix.index(after: $0)...]) } ?? prefix
        var folder = folderPart.isEmpty ? "." : folderPart
        if folder.hasPrefix("~") { folder = (folder as NSString).expandingTildeInPath }
        if !folder.hasPrefix("/") {
            folder = (workingDirectory() as NSString).appendingPathComponent(folder)
        }
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: folder) else { return [] }
        return entries.filter {
            $0.hasPrefix(namePart) && (namePart.hasPrefix(".") || !$0.hasPrefix("."))
        }
        .map { name in
            var isFolder: ObjCBool = false
            let full = (folder as NSString).appendingPathComponent(name)
            _ = manager.fileExists(atPath: full, isDirectory: &isFolder)
            return folderPart + name + (isFolder.boolValue ? "/" : "")
        }
    }
}

extension CompletionContext {
    /// Whether this is the inside of a string.
    var isPath: Bool {
        if case .path = self { return true }
        return false
    }
}
