import Foundation
import Testing

/// Compares `text` with `Snapshots/<name>` next to this file. Set
/// `LFS_RECORD_SNAPSHOTS=1` to (re)write the file instead; a missing snapshot is
/// written and reported as a failure, so it is reviewed before it is trusted.
func assertSnapshot(
    _ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Snapshots")
    let file = folder.appendingPathComponent(name)
    let recording = ProcessInfo.processInfo.environment["LFS_RECORD_SNAPSHOTS"] != nil
    let existing = try? String(contentsOf: file, encoding: .utf8)
    if recording || existing == nil {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        } catch {
            Issue.record("cannot write snapshot \(name): \(error)", sourceLocation: sourceLocation)
        }
        if !recording {
            Issue.record("recorded new snapshot \(name); review it", sourceLocation: sourceLocation)
        }
        return
    }
    if existing != text {
        let firstDifference = zip(
            (existing ?? "").split(separator: "\n", omittingEmptySubsequences: false),
            text.split(separator: "\n", omittingEmptySubsequences: false)
        ).enumerated().first { $0.element.0 != $0.element.1 }
        let detail = firstDifference.map {
            "line \($0.offset + 1): expected `\($0.element.0)`, got `\($0.element.1)`"
        } ?? "lengths differ"
        Issue.record(
            "snapshot \(name) differs (\(detail)); set LFS_RECORD_SNAPSHOTS=1 to re-record",
            sourceLocation: sourceLocation)
    }
}
