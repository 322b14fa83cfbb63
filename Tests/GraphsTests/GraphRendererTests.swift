import Foundation
import Testing

@testable import Graphs

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Renders through libgvc in process and checks the bytes each format must start with.
@Suite struct GraphRendererTests {
    static let smallDot = """
        digraph G {
          subgraph cluster_block { label="model.layers.0"; a [label="matmul\\n[2, 3]"]; }
          b [label="relu"];
          a -> b;
        }
        """

    @Test func svgIsXMLWithLabelsAndClusters() throws {
        let bytes = try GraphRenderer.render(dot: Self.smallDot, format: .svg)
        let summary = try SVGSummary(data: Data(bytes))
        #expect(summary.texts.contains("matmul"))
        #expect(summary.texts.contains("[2, 3]"))
        #expect(summary.texts.contains("relu"))
        #expect(summary.texts.contains("model.layers.0"))
        #expect(summary.groupClasses.filter { $0 == "cluster" }.count == 1)
        #expect(summary.groupClasses.filter { $0 == "node" }.count == 2)
        #expect(summary.groupClasses.filter { $0 == "edge" }.count == 1)
    }

    @Test func pngStartsWithPNGSignature() throws {
        let bytes = try GraphRenderer.render(dot: Self.smallDot, format: .png)
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
    }

    @Test func pdfStartsWithPDFMagic() throws {
        let bytes = try GraphRenderer.render(dot: Self.smallDot, format: .pdf)
        #expect(Array(bytes.prefix(5)) == Array("%PDF-".utf8))
    }

    @Test func dotFormatIsTheTextItself() throws {
        let bytes = try GraphRenderer.render(dot: Self.smallDot, format: .dot)
        #expect(String(decoding: bytes, as: UTF8.self) == Self.smallDot)
    }

    @Test func syntaxErrorIsAValueWithGraphvizMessage() throws {
        let error = #expect(throws: GraphError.self) {
            try GraphRenderer.render(dot: "digraph { a -> ; }", format: .svg)
        }
        guard case .invalidDot(let message) = error else {
            Issue.record("expected invalidDot, got \(String(describing: error))")
            return
        }
        #expect(message.contains("syntax error"))
        // The parser recovers: the next render works.
        let bytes = try GraphRenderer.render(dot: Self.smallDot, format: .svg)
        #expect(!bytes.isEmpty)
    }

    @Test func unknownLayoutEngineIsReported() throws {
        let error = #expect(throws: GraphError.self) {
            try GraphRenderer.render(dot: Self.smallDot, format: .svg, engine: "nonesuch")
        }
        guard case .layoutFailed(let engine, let message) = error else {
            Issue.record("expected layoutFailed, got \(String(describing: error))")
            return
        }
        #expect(engine == "nonesuch")
        #expect(message.contains("nonesuch"))
    }

    @Test(arguments: ["out.jpg", "graph", "archive.svg.bak", "dir.d/name"])
    func unknownExtensionIsAClearError(path: String) throws {
        let error = #expect(throws: GraphError.self) {
            try GraphRenderer.write(dot: Self.smallDot, to: path)
        }
        guard case .unknownFormat(let reported, _) = error else {
            Issue.record("expected unknownFormat, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(error?.description.contains(".svg, .png, .pdf") == true)
    }

    @Test func formatFollowsExtensionCaseInsensitively() throws {
        #expect(try GraphFormat(path: "a/b/c.SVG") == .svg)
        #expect(try GraphFormat(path: "g.gv") == .dot)
        #expect(try GraphFormat(path: "x.pdf") == .pdf)
        #expect(throws: GraphError.self) { try GraphFormat(path: ".png") }
    }

    @Test func unwritablePathIsAClearError() throws {
        let path = "/nonexistent-lfs-folder/sub/graph.svg"
        let error = #expect(throws: GraphError.self) {
            try GraphRenderer.write(dot: Self.smallDot, to: path)
        }
        guard case .unwritablePath(let reported, let reason) = error else {
            Issue.record("expected unwritablePath, got \(String(describing: error))")
            return
        }
        #expect(reported == path)
        #expect(reason.contains("does not exist"))
    }

    @Test func writeReplacesTheFileAndLeavesNoTemporary() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-graphs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("g.png").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))

        let format = try GraphRenderer.write(dot: Self.smallDot, to: path)
        #expect(format == .png)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(written.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        let entries = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(entries == ["g.png"])
    }

    @Test func writingIntoAFolderPathFails() throws {
        let folder = FileManager.default.temporaryDirectory.path
        let error = #expect(throws: GraphError.self) {
            try GraphRenderer.write(dot: Self.smallDot, to: folder + "/")
        }
        #expect(error != nil)
    }
}
