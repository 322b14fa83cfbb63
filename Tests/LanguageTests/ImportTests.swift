import Foundation
import Testing
@testable import Language

/// `import` searches the importing file's folder, then `searchPaths` in order (the host
/// passes stdlib/ then the folders of LFS_PATH).
@Test func importSearchOrder() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("lfs-import-\(UUID().uuidString)")
    let project = base.appendingPathComponent("project"), stdlib = base.appendingPathComponent("stdlib")
    let extra = base.appendingPathComponent("extra")
    for folder in [project, stdlib, extra] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    defer { try? FileManager.default.removeItem(at: base) }
    // `shared` exists in all three: the importing file's folder wins; `lib` in stdlib and
    // extra: stdlib wins; `only_extra` comes from the last path.
    try "let origin = \"project\"".write(to: project.appendingPathComponent("shared.lfs"), atomically: true, encoding: .utf8)
    try "let origin = \"stdlib\"".write(to: stdlib.appendingPathComponent("shared.lfs"), atomically: true, encoding: .utf8)
    try "let origin = \"stdlib\"".write(to: stdlib.appendingPathComponent("lib.lfs"), atomically: true, encoding: .utf8)
    try "let origin = \"extra\"".write(to: extra.appendingPathComponent("lib.lfs"), atomically: true, encoding: .utf8)
    try "let origin = \"extra\"\nimport lib\nlet nested = lib.origin".write(
        to: extra.appendingPathComponent("only_extra.lfs"), atomically: true, encoding: .utf8)
    let main = project.appendingPathComponent("main.lfs")
    try """
        import shared
        import lib
        import only_extra as o
        print(shared.origin, lib.origin, o.origin, o.nested)
        """.write(to: main, atomically: true, encoding: .utf8)
    let interpreter = Interpreter()
    let capture = OutputCapture()
    interpreter.output = { capture.text += $0 }
    interpreter.searchPaths = [stdlib.path, extra.path]
    try interpreter.runFile(path: main.path)
    // A module imported from extra/ finds its own sibling first.
    #expect(capture.text == "project stdlib extra extra\n")
}

@Test func defaultSearchPathsReadLFSPath() {
    let paths = Interpreter.defaultSearchPaths(stdlib: "/opt/lfs/stdlib")
    #expect(paths.first == "/opt/lfs/stdlib")
    let env = ProcessInfo.processInfo.environment["LFS_PATH"] ?? ""
    #expect(paths.count == 1 + env.split(separator: ":").filter { !$0.isEmpty }.count)
}

@Test func importCycleIsAnError() throws {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("lfs-cycle-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: base) }
    try "import b\nlet x = 1".write(to: base.appendingPathComponent("a.lfs"), atomically: true, encoding: .utf8)
    try "import a\nlet y = 2".write(to: base.appendingPathComponent("b.lfs"), atomically: true, encoding: .utf8)
    try "import a".write(to: base.appendingPathComponent("main.lfs"), atomically: true, encoding: .utf8)
    let interpreter = Interpreter()
    let error = scriptError { try interpreter.runFile(path: base.appendingPathComponent("main.lfs").path) }
    #expect(error?.diagnostics.first?.message == "import cycle: 'a' is already being imported")
    #expect(error?.diagnostics.first?.trace.count == 3)
}

@Test func missingFileIsADiagnostic() {
    let interpreter = Interpreter()
    let error = scriptError { try interpreter.runFile(path: "/nonexistent/x.lfs") }
    #expect(error?.diagnostics.first?.message == "cannot read file '/nonexistent/x.lfs'")
    #expect(interpreter.render(error ?? ScriptError(kind: .runtime, diagnostics: [])) == "error: cannot read file '/nonexistent/x.lfs'\n")
}
