import Testing
@testable import Language

/// A host type for the embedding tests: a 2-D point with properties, methods,
/// operators, indexing, iteration, length and call (Wren's test/api).
final class Point: HostObject {
    static let type: HostType = {
        let type = HostType(name: "Point", doc: "A point in the plane.")
        type.property("x", doc: "The x coordinate.", get: { .float(($0 as? Point)?.x ?? 0) }, set: { object, value in
            guard let point = object as? Point, let x = value.asDouble else { throw HostError("x must be a number") }
            point.x = x
        })
        type.property("y", doc: "The y coordinate.") { .float(($0 as? Point)?.y ?? 0) }
        type.method(Builtin("scaled", Signature(["factor"], labelled: [("about", .nil)]), doc: "The point scaled.") { args in
            let point = try args.receiver(as: Point.self)
            let factor = try args.double("factor")
            return .host(Point(point.x * factor, point.y * factor))
        })
        type.method(Builtin("apply", Signature(["body"]), doc: "Calls body with the point's x.") { args in
            let point = try args.receiver(as: Point.self)
            return try args.call(try args.callable(0), [.float(point.x)])
        })
        type.binary = { op, a, b in
            guard let p = a.host(as: Point.self) else { return nil }
            switch (op, b) {
            case (.add, .host(let other as Point)): return .host(Point(p.x + other.x, p.y + other.y))
            case (.multiply, _): return b.asDouble.map { .host(Point(p.x * $0, p.y * $0)) }
            case (.equal, .host(let other as Point)): return .bool(p.x == other.x && p.y == other.y)
            default: return nil
            }
        }
        type.getIndex = { object, components in
            guard let p = object as? Point, components.count == 1, case .value(.int(let i)) = components[0] else {
                throw HostError("Point index must be 0 or 1")
            }
            guard i == 0 || i == 1 else { throw HostError("Point index \(i) out of range") }
            return .float(i == 0 ? p.x : p.y)
        }
        type.iterate = { object in
            let p = object as? Point
            return ValueIterator([.float(p?.x ?? 0), .float(p?.y ?? 0)])
        }
        type.length = { _ in 2 }
        type.call = Builtin("call", Signature(["dx"]), doc: "Moves the point right by dx.") { args in
            let p = try args.receiver(as: Point.self)
            return .host(Point(p.x + (try args.double(0)), p.y))
        }
        return type
    }()
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
    var hostType: HostType { Point.type }
    var summary: String { "Point(\(x), \(y))" }
}

func makeInterpreter(_ output: Capture) -> Interpreter {
    let interpreter = Interpreter(options: .init(useLargeStack: false))
    interpreter.output = { output.text += $0 }
    interpreter.register(Point.type)
    interpreter.register(Builtin("point", Signature(["x", "y"]), doc: "Makes a point.") { args in
        .host(Point(try args.double(0), try args.double(1)))
    })
    interpreter.register(Builtin("lora", Signature(labelled: [("rank", .int(8)), ("alpha", .int(16))]), doc: "Test labels.") { args in
        .int(try args.int("rank") + (try args.int("alpha")))
    })
    return interpreter
}

final class Capture: @unchecked Sendable {
    var text = ""
}

@Test func hostFunctionsAndTypes() throws {
    let out = Capture()
    let lfs = makeInterpreter(out)
    try lfs.run(source: """
        let p = point(1, 2)
        print(p, p.x, p.y, type(p))
        let q = p + point(3, 4) * 2
        print(q, q[0], q[1], len(q))
        for c in q { print(c) }
        print(p.scaled(3), p.scaled(factor: 0.5))
        print(p.apply(fn(x) { x * 10 }))
        print(p.apply(fn(_x) { 7 }))
        print(p(5))
        p.x = 9
        print(p.x, p == point(9, 2))
        print(lora(rank: 4), lora())
        """, name: "host.lfs")
    #expect(out.text == """
        Point(1.0, 2.0) 1.0 2.0 Point
        Point(7.0, 10.0) 7.0 10.0 2
        7.0
        10.0
        Point(3.0, 6.0) Point(0.5, 1.0)
        10.0
        7
        Point(6.0, 2.0)
        9.0 true
        20 24

        """)
}

@Test func argumentErrorsAreUniform() throws {
    let lfs = makeInterpreter(Capture())
    #expect(throws: ScriptError.self) { try lfs.run(source: "lora(rank: \"x\")", name: "a.lfs") }
    do {
        try lfs.run(source: "lora(rank: \"x\")", name: "a.lfs")
    } catch {
        #expect(error.diagnostics[0].message == "bad argument 'rank' to 'lora' (int expected, got string)")
        #expect(error.diagnostics[0].span?.start == Language.SourceLocation(line: 1, column: 1))
    }
    do {
        try lfs.run(source: "lora(alpah: 2)", name: "a.lfs")
    } catch {
        #expect(error.diagnostics[0].message == "unknown argument label 'alpah' in call to 'lora'")
        #expect(error.diagnostics[0].hint == "did you mean 'alpha'?")
    }
}

@Test func globalsPersistAcrossEvaluations() throws {
    let lfs = makeInterpreter(Capture())
    #expect(try lfs.evaluate("let a = 20") == nil)
    #expect(try lfs.evaluate("a + 1") == .int(21))
    #expect(try lfs.evaluate("_ * 2") == .int(42))
    lfs.setGlobal("b", .string("host"))
    #expect(try lfs.evaluate("b + \"!\"") == .string("host!"))
    #expect(lfs.global("a") == .int(20))
    #expect(lfs.isIncomplete("fn f(x) {"))
    #expect(lfs.isIncomplete("let x = [1,"))
    #expect(!lfs.isIncomplete("let x = 1"))
}

@Test func interruptStopsALoopAndBindingsSurvive() throws {
    let lfs = makeInterpreter(Capture())
    _ = try lfs.evaluate("var n = 0")
    lfs.interrupt.request()
    do {
        _ = try lfs.evaluate("while true { n += 1 }")
        Issue.record("expected an interrupt")
    } catch {
        #expect(error.kind == .interrupted)
    }
    #expect(lfs.global("n") != nil)
    #expect(try lfs.evaluate("n >= 0") == .bool(true))
}

@Test func callingAClosureFromSwift() throws {
    let lfs = makeInterpreter(Capture())
    let f = try #require(try lfs.evaluate("fn(a, b: 2) { a * b }"))
    #expect(try lfs.call(f, [.int(5)]) == .int(10))
    #expect(try lfs.call(f, [.int(5)], labelled: [("b", .int(3))]) == .int(15))
    #expect(lfs.labels(of: f) == ["a", "b"])
}
