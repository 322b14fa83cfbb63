import Foundation
import Testing

/// `lfs graph script.lfs -o out.svg [--value name]`, run as a shell would.
@Suite struct GraphSubcommandTests {
    static let script = """
        let w = tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad: true)
        let x = tensor([[0.5, -1.0]])
        let y = (x @ w).relu()
        let loss = (y * y).sum()
        loss.backward()
        """

    @Test func drawsTheLastBackwardRootByDefault() throws {
        let path = try CommandLineTests.temporaryFile("step.lfs", Self.script)
        let output = (path as NSString).deletingLastPathComponent + "/step.svg"
        let result = try CommandLineTests.run(["graph", path, "-o", output])
        #expect(result.status == 0, "stderr: \(result.errors)")
        #expect(result.output == output + "\n")
        let svg = try String(contentsOfFile: output, encoding: .utf8)
        #expect(svg.contains(">relu</text>"))
        #expect(svg.contains(">sum(dims=[], keepdim=False)</text>"))
    }

    @Test func drawsANamedValueInTheFormatOfTheExtension() throws {
        let path = try CommandLineTests.temporaryFile("step.lfs", Self.script)
        let output = (path as NSString).deletingLastPathComponent + "/y.dot"
        let result = try CommandLineTests.run(["graph", path, "--value", "y", "-o", output])
        #expect(result.status == 0, "stderr: \(result.errors)")
        let dot = try String(contentsOfFile: output, encoding: .utf8)
        #expect(dot.contains("label=\"relu\\n[1, 2]\""))
        #expect(!dot.contains("sum("))
    }

    @Test(arguments: [
        (["graph"], 2, "lfs graph: no script given"),
        (["graph", "--depth", "x", "a.lfs"], 2, "--depth needs a whole number"),
        (["graph", "SCRIPT", "--value", "nope"], 1, "the script defines no value 'nope'"),
        (
            ["graph", "SCRIPT", "-o", "/nonexistent-lfs/g.svg"], 1,
            "folder '/nonexistent-lfs' does not exist"
        ),
    ])
    func mistakesAreReported(arguments: [String], status: Int32, message: String) throws {
        let path = try CommandLineTests.temporaryFile("step.lfs", Self.script)
        let result = try CommandLineTests.run(arguments.map { $0 == "SCRIPT" ? path : $0 })
        #expect(result.status == status)
        #expect(result.errors.contains(message), "stderr: \(result.errors)")
    }
}
