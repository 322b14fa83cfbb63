/// Whether ops record the tape. On by default; `withNoGrad` turns it off for a block
/// (task-local, so concurrent tasks do not see each other's mode).
public enum GradMode {
    @TaskLocal static var enabled: Bool = true

    /// Whether ops currently record tape nodes.
    public static var isEnabled: Bool { enabled }

    /// Runs `body` with recording off (`torch.no_grad()`).
    public static func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $enabled.withValue(false, operation: body)
    }

    /// Runs `body` with recording on (inside a no-grad block).
    public static func withGrad<R>(_ body: () throws -> R) rethrows -> R {
        try $enabled.withValue(true, operation: body)
    }
}

/// Runs `body` without recording the tape (`with torch.no_grad():`).
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try GradMode.withNoGrad(body)
}
