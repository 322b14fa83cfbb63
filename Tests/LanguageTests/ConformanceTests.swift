import Foundation
import Testing
@testable import Language

/// Runs every `.lfs` program under `Conformance/` (files starting with `_` are helper
/// modules, not tests) and checks its inline expectations (craftinginterpreters, Wren):
/// - `# expect: text`: the next line the program prints;
/// - `# expect error: line:col: message`: a syntax or resolution error, in order;
/// - `# expect runtime error: message` (or `line:col: message`): the error the run ends with.
enum Conformance {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Conformance")

    /// Paths relative to `root`, sorted.
    static let programs: [String] = {
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var paths: [String] = []
        for case let path as String in enumerator where path.hasSuffix(".lfs") {
            if (path as NSString).lastPathComponent.hasPrefix("_") { continue }
            paths.append(path)
        }
        return paths.sorted()
    }()

    struct Expectations {
        var output: [String] = []
        var staticErrors: [String] = []
        var runtimeError: String?
    }

    static func expectations(in source: String) -> Expectations {
        var result = Expectations()
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let marker = line.range(of: "# expect") else { continue }
            let rest = line[marker.upperBound...]
            if rest.hasPrefix(": ") || rest == ":" {
                result.output.append(String(rest.dropFirst(2)))
            } else if rest.hasPrefix(" error: ") {
                result.staticErrors.append(String(rest.dropFirst(" error: ".count)))
            } else if rest.hasPrefix(" runtime error: ") {
                result.runtimeError = String(rest.dropFirst(" runtime error: ".count))
            }
        }
        return result
    }
}

final class OutputCapture: @unchecked Sendable {
    var text = ""
}

@Test(arguments: Conformance.programs)
func conformance(_ program: String) throws {
    let path = Conformance.root.appendingPathComponent(program).path
    let source = try String(contentsOfFile: path, encoding: .utf8)
    let expected = Conformance.expectations(in: source)
    let capture = OutputCapture()
    let interpreter = Interpreter(options: .init(stepLimit: 10_000_000, maxCallDepth: 200))
    interpreter.output = { capture.text += $0 }
    interpreter.args = ["first", "second"]
    var staticErrors: [String] = []
    var runtimeError: Diagnostic?
    do {
        try interpreter.runFile(path: path)
    } catch {
        switch error.kind {
        case .syntax, .resolution: staticErrors = error.diagnostics.map(\.description)
        default: runtimeError = error.diagnostics.first
        }
    }
    var lines = capture.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if lines.last == "" { lines.removeLast() }
    #expect(staticErrors == expected.staticErrors, "static errors of \(program)")
    #expect(lines == expected.output, "output of \(program)")
    if let want = expected.runtimeError {
        let got = runtimeError.map { diagnostic in
            want.first?.isNumber == true ? diagnostic.description : diagnostic.message
        }
        #expect(got == want, "runtime error of \(program)")
    } else {
        #expect(runtimeError == nil, "unexpected runtime error in \(program): \(runtimeError?.description ?? "")")
    }
}

@Test func conformanceSuiteIsLarge() {
    #expect(Conformance.programs.count >= 150)
}
