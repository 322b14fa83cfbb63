/// Identifies one source text (a file, a `-e` string or a REPL chunk) in a `SourceManager`.
public struct SourceID: Hashable, Sendable {
    /// The index of the source in its manager.
    public let rawValue: Int
    /// Wraps a raw index.
    public init(rawValue: Int) { self.rawValue = rawValue }
}

/// A position in a source text: 1-based line and column (columns count characters).
public struct SourceLocation: Hashable, Sendable, Comparable {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, in characters.
    public var column: Int
    /// Creates a location.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}

/// A half-open range of source text, `start..<end`, in one source.
public struct SourceSpan: Hashable, Sendable {
    /// The source the span lies in.
    public var source: SourceID
    /// First character of the span.
    public var start: SourceLocation
    /// One past the last character of the span (same line as `start` for one-line spans).
    public var end: SourceLocation
    /// Creates a span.
    public init(source: SourceID, start: SourceLocation, end: SourceLocation) {
        self.source = source
        self.start = start
        self.end = end
    }
    /// The smallest span covering both spans (which must share a source).
    public func merged(with other: SourceSpan) -> SourceSpan {
        SourceSpan(source: source, start: min(start, other.start), end: max(end, other.end))
    }
}

/// Maps `SourceID`s to their names and texts, for the renderer (LispKit's SourceManager).
public final class SourceManager: @unchecked Sendable {
    private var names: [String] = []
    private var lines: [[Substring]] = []

    /// Creates an empty manager.
    public init() {}

    /// Registers a source text and returns its id.
    public func add(name: String, text: String) -> SourceID {
        names.append(name)
        lines.append(text.split(separator: "\n", omittingEmptySubsequences: false))
        return SourceID(rawValue: names.count - 1)
    }

    /// The name a source was registered with (`file.lfs`, `<repl>`, `-e`).
    public func name(of id: SourceID) -> String {
        names.indices.contains(id.rawValue) ? names[id.rawValue] : "<unknown>"
    }

    /// The text of one line (1-based) without its newline, or nil when out of range.
    public func line(_ number: Int, of id: SourceID) -> String? {
        guard lines.indices.contains(id.rawValue) else { return nil }
        let all = lines[id.rawValue]
        guard number >= 1, number <= all.count else { return nil }
        var text = String(all[number - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
