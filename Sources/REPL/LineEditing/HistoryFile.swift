import Foundation

/// Where the REPL keeps its history: `LFS_HISTORY` if set, else `~/.lfs_history`.
public enum HistoryFile {
    /// The environment variable that overrides the history path.
    public static let environmentVariable = "LFS_HISTORY"
    /// The most entries kept in the file.
    public static let maximumEntries: Int32 = 10_000

    /// The history path for this environment; nil when no home folder is known.
    /// - Parameter environment: the process environment.
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let path = environment[environmentVariable], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        guard !home.isEmpty else { return nil }
        return (home as NSString).appendingPathComponent(".lfs_history")
    }
}
