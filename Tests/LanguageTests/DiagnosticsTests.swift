import Foundation
import Testing
@testable import Language

/// One diagnostic case: source with a `1️⃣` marker where the error must point.
struct PositionCase: CustomStringConvertible, Sendable {
    let marked: String
    let message: String
    var description: String { message }

    /// The source without the marker, and the marker's line and column.
    var sourceAndLocation: (String, Language.SourceLocation) {
        var line = 1, column = 1
        for character in marked {
            if character == "1️⃣" { break }
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (marked.replacingOccurrences(of: "1️⃣", with: ""), Language.SourceLocation(line: line, column: column))
    }
}

/// Every resolver error and the main syntax errors, at exact positions (swift-syntax's
/// `assertParse` markers).
let positionCases: [PositionCase] = [
    PositionCase(marked: "print(1️⃣nope)", message: "undeclared name 'nope'"),
    PositionCase(marked: "let a = 1\n1️⃣a = 2", message: "cannot assign to 'a': it is a 'let' constant"),
    PositionCase(marked: "1️⃣break", message: "'break' outside a loop"),
    PositionCase(marked: "fn f() { 1️⃣continue }", message: "'continue' outside a loop"),
    PositionCase(marked: "1️⃣return 3", message: "'return' outside a function"),
    PositionCase(marked: "fn f(x, 1️⃣x) { }", message: "duplicate parameter 'x'"),
    PositionCase(marked: "let a = 1\nlet 1️⃣a = 2", message: "'a' is already declared in this scope"),
    PositionCase(marked: "print(1️⃣z)\nlet z = 1", message: "'z' is used before its declaration"),
    PositionCase(marked: "if true {\n  1️⃣import x\n}", message: "'import' is only allowed at the top level of a file"),
    PositionCase(marked: "1️⃣len = 2", message: "cannot assign to builtin 'len'"),
    PositionCase(marked: "let x = (1, 1️⃣]", message: "expected an expression, found ']'"),
    PositionCase(marked: "let s = 1️⃣\"abc", message: "unterminated string"),
    PositionCase(marked: "let n = 1 1️⃣? 2", message: "unexpected character '?'"),
    PositionCase(marked: "fn f(a: 1, 1️⃣b) {}", message: "parameter 'b' follows a labelled parameter and needs a default"),
    PositionCase(marked: "1️⃣f() = 3", message: "cannot assign to this expression"),
    PositionCase(marked: "let s = \"{1️⃣}\"", message: "empty interpolation '{}' in string"),
]

@Test(arguments: positionCases)
func diagnosticPosition(_ testCase: PositionCase) {
    let (source, location) = testCase.sourceAndLocation
    let interpreter = Interpreter()
    var diagnostics = interpreter.check(source: source, name: "case.lfs")
    if testCase.message.hasPrefix("empty interpolation") {
        // The span starts at the brace, one column before the marker.
        diagnostics = diagnostics.map { d in
            var copy = d
            copy.span?.start.column += 1
            return copy
        }
    }
    #expect(diagnostics.first?.message == testCase.message)
    #expect(diagnostics.first?.span?.start == location)
}

@Test func runtimeErrorsPointAtTheFailingOperation() throws {
    let cases: [(String, String)] = [
        ("let xs = [1]\nprint(1️⃣xs[3])", "index 3 out of range for list of length 1"),
        ("fn f(x) { 1️⃣x / 0 }\nf(1)", "division by zero"),
        ("let d = {\"a\": 1}\nlet v = 1️⃣d[\"b\"]", "key \"b\" not found in dict"),
        ("1️⃣round(\"x\")", "bad argument 'x' to 'round' (number expected, got string)"),
        ("let n = 3\n1️⃣n()", "int is not callable"),
        ("[1].1️⃣nope", "list has no member 'nope'"),
    ]
    for (marked, message) in cases {
        let (source, location) = PositionCase(marked: marked, message: message).sourceAndLocation
        let interpreter = Interpreter()
        let error = scriptError { try interpreter.run(source: source, name: "rt.lfs") }
        #expect(error?.diagnostics.first?.message == message)
        #expect(error?.diagnostics.first?.span?.start == location, "\(source)")
    }
}

/// The `ScriptError` a body throws, or nil.
func scriptError(_ body: () throws -> Void) -> ScriptError? {
    do {
        try body()
        return nil
    } catch {
        return error as? ScriptError
    }
}

// MARK: Golden snapshots of rendered errors

enum Snapshot {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// Compares `text` with the snapshot `name`; records it when `LFS_RECORD_SNAPSHOTS` is set.
    static func assert(_ text: String, named name: String) throws {
        let url = folder.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["LFS_RECORD_SNAPSHOTS"] != nil {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        #expect(text == expected, "snapshot \(name) differs; set LFS_RECORD_SNAPSHOTS=1 to re-record")
    }
}

let snapshotCases: [(String, String)] = [
    ("runtime-trace", """
        fn lora(rank: 8, alpha: 16) { rank * alpha }
        fn setup(model) {
            let r = lora(rank: model["rank"], alhpa: 2)
            r
        }
        setup({"rank": 4})
        """),
    ("syntax-errors", """
        let a = )
        fn f(x {
            print(x)
        }
        let ok = [1, 2
        """),
    ("resolver-errors", """
        let learning_rate = 1e-3
        learning_rate = 2e-3
        print(learnin_rate)
        for i in 0..<3 { }
        break
        """),
    ("division-in-nested-call", """
        fn mean(xs) { sum(xs) / len(xs) }
        fn report(rows) {
            for row in rows {
                print("mean {mean(row):.2f}")
            }
        }
        report([[1, 2], []])
        """),
    ("host-error", """
        let values = [3, 1, "two"]
        let best = max(values)
        """),
    ("uncaught-error-call", """
        fn check(step) {
            if step > 2 { error("loss diverged at step {step}") }
        }
        for step in 0..<5 { check(step) }
        """),
]

@Test func renderedErrorsMatchSnapshots() throws {
    for (name, source) in snapshotCases {
        let interpreter = Interpreter()
        var rendered = "no error\n"
        if let error = scriptError({ try interpreter.run(source: source, name: "\(name).lfs") }) {
            rendered = interpreter.render(error)
        }
        try Snapshot.assert(rendered, named: name)
    }
}

@Test func ansiRenderingWrapsThePlainText() throws {
    let interpreter = Interpreter()
    if let error = scriptError({ try interpreter.run(source: "let x = 1 / 0", name: "a.lfs") }) {
        let ansi = interpreter.render(error, ansi: true)
        let plain = interpreter.render(error)
        #expect(ansi.contains("\u{1B}[1;31merror:\u{1B}[0m"))
        let stripped = ansi.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
        #expect(stripped == plain)
    }
}
