import Foundation
import Testing
@testable import Language

/// A seeded generator (SplitMix64), so every run sees the same inputs.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Makes inputs: seeded mutations of the conformance programs, random token soup and
/// random bytes.
struct Mutator {
    var rng: SeededGenerator
    let seeds: [String]
    static let fragments = [
        "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "\n", "|>", "..<", "...", "=", "+=", "**", "//", "@",
        "fn", "let", "var", "if", "else", "while", "for", "in", "return", "break", "continue", "try", "catch",
        "import", "and", "or", "not", "nil", "true", "\"", "'", "\"\"\"", "{x}", "#", "\\", "0", "-1", "1e9",
        "9223372036854775807", "x", "xs", "f(", "print(", "len(", "error(", " ", "_", "\u{1F600}", "\u{0}",
    ]

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }

    mutating func mutate(_ text: String) -> String {
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let n = chars.count
            let i = n == 0 ? 0 : Int.random(in: 0...n, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where n > 0:
                let j = min(n, i + Int.random(in: 1...8, using: &rng))
                if i < j { chars.removeSubrange(i..<j) }
            case 1:
                chars.insert(contentsOf: Array(pick(Mutator.fragments)), at: min(i, n))
            case 2 where n > 1:
                let a = Int.random(in: 0..<n, using: &rng), b = Int.random(in: 0..<n, using: &rng)
                chars.swapAt(a, b)
            case 3 where n > 0:
                let j = min(n, i + Int.random(in: 1...20, using: &rng))
                if i < j { chars.insert(contentsOf: chars[i..<j], at: i) }
            case 4 where n > 0:
                chars = Array(chars.prefix(i))
            default:
                let scalar = Unicode.Scalar(UInt8.random(in: 32...126, using: &rng))
                chars.insert(Character(scalar), at: min(i, n))
            }
        }
        return String(chars)
    }

    mutating func randomBytes() -> String {
        let count = Int.random(in: 0...48, using: &rng)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func tokenSoup() -> String {
        (0..<Int.random(in: 1...24, using: &rng)).map { _ in pick(Mutator.fragments) }.joined(separator: pick(["", " "]))
    }

    mutating func next(_ i: Int) -> String {
        switch i % 10 {
        case 0, 1: return randomBytes()
        case 2, 3: return tokenSoup()
        default: return mutate(pick(seeds))
        }
    }
}

enum Fuzz {
    /// Runs `count` inputs; returns how many ended in a value and in a diagnostic.
    static func run(count: Int, seed: UInt64) -> (values: Int, diagnostics: Int, failures: [String]) {
        let seeds = Conformance.programs.filter { !$0.hasPrefix("json/") && !$0.hasPrefix("import/") }.compactMap {
            try? String(contentsOfFile: Conformance.root.appendingPathComponent($0).path, encoding: .utf8)
        }
        var mutator = Mutator(rng: SeededGenerator(state: seed), seeds: seeds)
        var values = 0, diagnostics = 0
        var failures: [String] = []
        let noFiles = Builtin("save", Signature(["value", "path"]), doc: "Disabled while fuzzing.") { _ in .nil }
        let noLoad = Builtin("load", Signature(["path"]), doc: "Disabled while fuzzing.") { _ in .nil }
        for i in 0..<count {
            let input = mutator.next(i)
            let interpreter = Interpreter(options: .init(stepLimit: 300, maxCallDepth: 40, useLargeStack: false))
            interpreter.output = { _ in }
            interpreter.register(noFiles)
            interpreter.register(noLoad)
            if i % 4 == 0 { _ = interpreter.isIncomplete(input) }
            do {
                _ = try interpreter.run(source: input, name: "fuzz.lfs")
                values += 1
            } catch {
                // Every error must carry at least one diagnostic that renders.
                if error.diagnostics.isEmpty || interpreter.render(error).isEmpty { failures.append(input) }
                diagnostics += 1
            }
        }
        return (values, diagnostics, failures)
    }
}

/// 100,000 seeded inputs through lexer, parser, resolver and interpreter under a step
/// limit: each ends in a value or in diagnostics, never a crash or a hang. Runs on a
/// thread with a large stack, as the interpreter does for `run`.
@Test func fuzzedInputsEndInAValueOrADiagnostic() {
    final class Box: @unchecked Sendable { var result: (values: Int, diagnostics: Int, failures: [String]) = (0, 0, []) }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        box.result = Fuzz.run(count: 100_000, seed: 0x5EED_1F5)
        done.signal()
    }
    thread.stackSize = 256 << 20
    thread.start()
    done.wait()
    #expect(box.result.values + box.result.diagnostics == 100_000)
    #expect(box.result.failures.isEmpty, "inputs without diagnostics: \(box.result.failures.prefix(3))")
    // Both outcomes occur: the corpus is neither all broken nor all valid.
    #expect(box.result.values > 1_000)
    #expect(box.result.diagnostics > 10_000)
}

@Test func deepNestingIsAnErrorNotACrash() throws {
    let interpreter = Interpreter()
    let deep = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
    #expect(throws: ScriptError.self) { try interpreter.run(source: deep, name: "deep.lfs") }
    let blocks = String(repeating: "if true {", count: 3_000)
    #expect(throws: ScriptError.self) { try interpreter.run(source: blocks, name: "deep.lfs") }
    #expect(interpreter.isIncomplete(blocks))
}

@Test func stepLimitStopsInfiniteLoops() throws {
    let interpreter = Interpreter(options: .init(stepLimit: 10_000))
    do {
        try interpreter.run(source: "while true { }", name: "loop.lfs")
        Issue.record("expected the step limit")
    } catch {
        #expect(error.kind == .stepLimit)
        #expect(error.diagnostics[0].message == "step limit reached")
    }
    do {
        try interpreter.run(source: "fn f() { f() }\nf()", name: "rec.lfs")
        Issue.record("expected an error")
    } catch {
        #expect(error.kind == .runtime || error.kind == .stepLimit)
    }
}
