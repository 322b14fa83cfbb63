import Foundation

/// The core builtins: what every script has without tensors (Lua's `lbaselib`). Each is
/// declared once; `help`, `dir`, argument checks and completion read these declarations.
enum CoreLibrary {
    static func register(in interpreter: Interpreter) {
        for builtin in functions + Conversions.functions + Introspection.functions + TextFiles.functions { interpreter.register(builtin) }
    }

    static let functions: [Builtin] = [
        Builtin("print", Signature(labelled: [("sep", .string(" ")), ("end", .string("\n"))], variadic: "values"),
                doc: "Writes the values, separated by sep and followed by end.") { args in
            let sep = try args.string("sep"), end = try args.string("end")
            args.interpreter.output(args.rest.map(\.description).joined(separator: sep) + end)
            return .nil
        },
        Builtin("len", Signature(["x"]), doc: "The number of elements of a list, dict, string, tuple, range or host object.") { args in
            .int(try length(args[0], args))
        },
        Builtin("range", Signature(["start"], labelled: [("stop", .nil), ("step", .int(1))]),
                doc: "range(n) is 0..<n; range(a, b) is a..<b; with a step, a list.") { args in
            var lower = 0, upper = try args.int(0)
            if case .nil = args["stop"] {} else {
                lower = upper
                upper = try args.int("stop")
            }
            let step = try args.int("step")
            if step == 1 { return .range(RangeObject(lower: Int64(lower), bound: Int64(upper), inclusive: false)) }
            guard step != 0 else { throw HostError("range step cannot be zero") }
            guard Interpreter.strideCount(from: lower, to: upper, by: step) <= Double(Interpreter.maxMaterialized) else {
                throw HostError("range too long for a list")
            }
            let values = stride(from: lower, to: upper, by: step).map { Value.int($0) }
            return .list(ListObject(values))
        },
        Builtin("min", Signature(labelled: [("key", .nil)], variadic: "values"), doc: "The smallest value, of the arguments or of one iterable.") { args in
            try extreme(args, wantMax: false)
        },
        Builtin("max", Signature(labelled: [("key", .nil)], variadic: "values"), doc: "The largest value, of the arguments or of one iterable.") { args in
            try extreme(args, wantMax: true)
        },
        Builtin("abs", Signature(["x"]), doc: "The absolute value of a number.") { args in
            switch args[0] {
            case .int(let i):
                guard i != Int64.min else { throw HostError("integer overflow") }
                return .int(abs(i))
            case .float(let f): return .float(abs(f))
            default: throw args.badArgument("x", expected: "number", got: args[0])
            }
        },
        Builtin("round", Signature(["x"], labelled: [("digits", .nil)]),
                doc: "Rounds half to even: to an int, or to a float with that many digits.") { args in
            let x = try args.double(0)
            if case .nil = args["digits"] {
                let r = x.rounded(.toNearestOrEven)
                guard let i = Int64(exactly: r) else { throw HostError("cannot round \(x) to an int") }
                return .int(i)
            }
            let scale = pow(10.0, Double(try args.int("digits")))
            return .float((x * scale).rounded(.toNearestOrEven) / scale)
        },
        Builtin("sum", Signature(["values"], labelled: [("start", .int(0))]), doc: "The sum of an iterable's elements, plus start.") { args in
            var total = args["start"]
            for value in try args.interpreter.elements(of: args[0], nil) {
                total = try Operators.binary(.add, total, value, Interpreter.noSpan)
            }
            return total
        },
        Builtin("sorted", Signature(["values"], labelled: [("key", .nil), ("reverse", .bool(false))]),
                doc: "A new sorted list; key maps each element to what is compared.") { args in
            let items = try args.interpreter.elements(of: args[0], nil)
            return .list(ListObject(try sort(items, key: args["key"], reverse: try args.bool("reverse"), args)))
        },
        Builtin("enumerate", Signature(["values"], labelled: [("start", .int(0))]), doc: "Pairs (index, element) lazily.") { args in
            try enumerate(args[0], start: try args.int("start"), args)
        },
        Builtin("zip", Signature(variadic: "iterables"), doc: "Tuples of corresponding elements, up to the shortest.") { args in
            let iterators = try args.rest.map { try args.interpreter.makeIterator($0, nil) }
            return .host(IteratorObject("zip", ValueIterator {
                guard !iterators.isEmpty else { return nil }
                var row: [Value] = []
                for iterator in iterators {
                    guard let next = try iterator.next() else { return nil }
                    row.append(next)
                }
                return .tuple(row)
            }))
        },
        Builtin("map", Signature(["a", "b"]), doc: "A list of f(x) for each x: map(xs, f) or map(f, xs).") { args in
            let (items, function) = try iterableAndFunction(args)
            return .list(ListObject(try items.map { try args.call(function, [$0]) }))
        },
        Builtin("filter", Signature(["a", "b"]), doc: "A list of the x for which f(x) is true: filter(xs, f) or filter(f, xs).") { args in
            let (items, function) = try iterableAndFunction(args)
            return .list(ListObject(try items.filter { try args.call(function, [$0]).isTruthy }))
        },
        Builtin("keys", Signature(["dict"]), doc: "The keys of a dict, in insertion order.") { args in
            .list(ListObject(try args.dict(0).keys))
        },
        Builtin("values", Signature(["dict"]), doc: "The values of a dict, in insertion order.") { args in
            .list(ListObject(try args.dict(0).values))
        },
        Builtin("error", Signature(["message"]), doc: "Raises an error with this message.") { args in
            throw HostError(args[0].description)
        },
        Builtin("assert", Signature(["condition"], labelled: [("message", .string("assertion failed"))]),
                doc: "Raises an error when the condition is false.") { args in
            if !args[0].isTruthy { throw HostError(args["message"].description) }
            return .nil
        },
        Builtin("time", Signature(), doc: "Seconds since 1970 as a float, for timing.") { _ in
            .float(Date().timeIntervalSince1970)
        },
        Builtin("timeit", Signature(["body"]), doc: "Runs a block and returns the seconds it took.") { args in
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try args.call(try args.callable(0))
            return .float(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        },
        Builtin("load", Signature(["path"]), doc: "Reads a .json (or .jsonl) file into values.") { args in
            let path = try args.string(0)
            guard path.hasSuffix(".json") || path.hasSuffix(".jsonl") else {
                throw HostError("cannot load '\(path)': unknown format", hint: "load reads .json and .jsonl files")
            }
            return try JSON.load(path: path)
        },
        Builtin("save", Signature(["value", "path"]), doc: "Writes a value to a .json (or .jsonl) file.") { args in
            let path = try args.string(1)
            guard path.hasSuffix(".json") || path.hasSuffix(".jsonl") else {
                throw HostError("cannot save '\(path)': unknown format", hint: "save writes .json and .jsonl files")
            }
            try JSON.save(args[0], path: path)
            return .nil
        },
    ]

    // MARK: Helpers

    static func length(_ value: Value, _ args: Arguments) throws -> Int {
        switch value {
        case .list(let l): return l.items.count
        case .dict(let d): return d.count
        case .string(let s): return s.count
        case .tuple(let t): return t.count
        case .range(let r): return Int(clamping: r.count)
        case .host(let object):
            if let length = object.hostType.length { return try length(object) }
        default: break
        }
        throw HostError("\(value.typeName) has no length")
    }

    static func iterableAndFunction(_ args: Arguments) throws -> ([Value], Value) {
        if args.interpreter.isCallable(args[0]) { return (try args.interpreter.elements(of: args[1], nil), args[0]) }
        guard args.interpreter.isCallable(args[1]) else { throw args.badArgument("b", expected: "function", got: args[1]) }
        return (try args.interpreter.elements(of: args[0], nil), args[1])
    }

    static func enumerate(_ value: Value, start: Int, _ args: Arguments) throws -> Value {
        let iterator = try args.interpreter.makeIterator(value, nil)
        var i = Int64(start)
        return .host(IteratorObject("enumerate", ValueIterator {
            guard let next = try iterator.next() else { return nil }
            defer { i += 1 }
            return .tuple([.int(i), next])
        }))
    }

    static func extreme(_ args: Arguments, wantMax: Bool) throws -> Value {
        let items = args.rest.count == 1 ? try args.interpreter.elements(of: args.rest[0], nil) : args.rest
        guard !items.isEmpty else { throw HostError("\(wantMax ? "max" : "min") of an empty sequence") }
        let key = args["key"]
        let span = Interpreter.noSpan
        var best = items[0]
        var bestKey = try keyOf(best, key, args)
        for item in items.dropFirst() {
            let k = try keyOf(item, key, args)
            let order = try Operators.order(k, bestKey, .less, span)
            if wantMax ? order > 0 : order < 0 {
                best = item
                bestKey = k
            }
        }
        return best
    }

    static func keyOf(_ value: Value, _ key: Value, _ args: Arguments) throws -> Value {
        if case .nil = key { return value }
        return try args.call(key, [value])
    }

    /// A stable sort whose comparisons may fail: the first failure is rethrown.
    static func sort(_ items: [Value], key: Value, reverse: Bool, _ args: Arguments) throws -> [Value] {
        let keys = try items.map { try keyOf($0, key, args) }
        let span = Interpreter.noSpan
        var failure: Error?
        let order = keys.indices.sorted { a, b in
            guard failure == nil else { return false }
            do {
                let o = try Operators.order(keys[a], keys[b], .less, span)
                if o == 0 { return a < b }
                return reverse ? o > 0 : o < 0
            } catch {
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        return order.map { items[$0] }
    }
}
