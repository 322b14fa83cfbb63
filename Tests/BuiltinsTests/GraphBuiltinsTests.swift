import Foundation
import Testing

@testable import Builtins

/// `graph(...)` from scripts: the Graph value, files by extension, errors.
@Suite struct GraphBuiltinsTests {
    static func temporaryFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-graph-builtins-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    static let step = """
        let w = tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad: true)
        let x = tensor([[0.5, -1.0]])
        let loss = (x @ w).sum()
        loss.backward()
        """

    @Test func graphValuePrintsItsDot() {
        let lines = ScriptRunner.lines(Self.step + "\nlet g = graph(loss)\nprint(g)\nprint(g.nodes)")
        #expect(lines.first == "digraph lfs {")
        #expect(lines.contains { $0.contains("label=\"matmul\\n[1, 2]\"") })
        #expect(lines.last == "4")
    }

    @Test func graphWritesTheFormatOfTheExtension() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let lines = ScriptRunner.lines(
            Self.step + """

                print(graph(loss, "\(folder)/g.svg", backward: true))
                graph(loss).save("\(folder)/g.png")
                graph(loss, file: "\(folder)/g.pdf", depth: 0)
                """)
        #expect(lines == ["\(folder)/g.svg"])
        let svg = try String(contentsOfFile: "\(folder)/g.svg", encoding: .utf8)
        #expect(svg.contains("<svg"))
        #expect(svg.contains(">matmul</text>"))
        let png = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/g.png"))
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let pdf = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/g.pdf"))
        #expect(pdf.prefix(5) == Data("%PDF-".utf8))
    }

    @Test(arguments: [
        ("graph(1)", "bad argument 'value' to 'graph' (tensor, model or graph expected, got int)"),
        ("graph(tensor([1.0]), \"out.jpg\")", "cannot tell the graph format of 'out.jpg'"),
        (
            "graph(tensor([1.0]), \"/nonexistent-lfs/out.svg\")",
            "cannot write graph to '/nonexistent-lfs/out.svg': folder '/nonexistent-lfs' does not exist"
        ),
        ("graph(tensor([1.0]), depth: -1)", "bad argument 'depth' to 'graph' (must be 0 or more"),
    ])
    func errorsAreClear(source: String, message: String) {
        let outcome = ScriptRunner.run(source)
        #expect(outcome.error?.contains(message) == true, "\(outcome.error ?? "no error")")
    }
}
