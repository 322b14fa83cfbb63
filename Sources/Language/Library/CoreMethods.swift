import Foundation

/// Methods of the core types, as member tables of `Builtin`s whose receiver is the value.
enum CoreMethods {
    /// The table for a value's type (nil for types with no methods).
    static func table(for value: Value) -> [String: Builtin]? {
        switch value {
        case .list: return list
        case .dict: return dict
        case .string: return string
        case .tuple, .range: return iterable
        default: return nil
        }
    }

    private static func table(_ builtins: [Builtin], including base: [String: Builtin] = [:]) -> [String: Builtin] {
        var result = base
        for builtin in builtins { result[builtin.name] = builtin }
        return result
    }

    static func receiverList(_ args: Arguments) throws -> ListObject {
        guard case .list(let list) = args.receiver else { throw HostError("'\(args.function)' needs a list") }
        return list
    }

    static func receiverDict(_ args: Arguments) throws -> DictObject {
        guard case .dict(let dict) = args.receiver else { throw HostError("'\(args.function)' needs a dict") }
        return dict
    }

    static func receiverString(_ args: Arguments) throws -> String {
        guard case .string(let text) = args.receiver else { throw HostError("'\(args.function)' needs a string") }
        return text
    }

    // MARK: Any iterable

    /// Methods every iterable has, host iterables included.
    static let iterable: [String: Builtin] = table([
        Builtin("enumerate", Signature(labelled: [("start", .int(0))]), doc: "Pairs (index, element) lazily.") { args in
            try CoreLibrary.enumerate(args.receiver, start: try args.int("start"), args)
        },
        Builtin("take", Signature(["n"]), doc: "The first n elements, lazily.") { args in
            let iterator = try args.interpreter.makeIterator(args.receiver, nil)
            var left = try args.int(0)
            return .host(IteratorObject("take", ValueIterator {
                guard left > 0 else { return nil }
                left -= 1
                return try iterator.next()
            }))
        },
        Builtin("map", Signature(["function"]), doc: "A list of f(x) for each element x.") { args in
            let function = try args.callable(0)
            return .list(ListObject(try args.interpreter.elements(of: args.receiver, nil).map { try args.call(function, [$0]) }))
        },
        Builtin("filter", Signature(["function"]), doc: "A list of the elements x for which f(x) is true.") { args in
            let function = try args.callable(0)
            return .list(ListObject(try args.interpreter.elements(of: args.receiver, nil).filter { try args.call(function, [$0]).isTruthy }))
        },
        Builtin("list", Signature(), doc: "The elements as a new list.") { args in
            .list(ListObject(try args.interpreter.elements(of: args.receiver, nil)))
        },
        Builtin("contains", Signature(["x"]), doc: "True when x is an element.") { args in
            .bool(try args.interpreter.elements(of: args.receiver, nil).contains(args[0]))
        },
    ])

    // MARK: Lists

    static let list: [String: Builtin] = table([
        Builtin("append", Signature(["x"]), doc: "Adds x at the end.") { args in
            try receiverList(args).items.append(args[0])
            return .nil
        },
        Builtin("pop", Signature(labelled: [("index", .int(-1))]), doc: "Removes and returns the element at index (the last by default).") { args in
            let list = try receiverList(args)
            guard !list.items.isEmpty else { throw HostError("pop from an empty list") }
            var i = try args.int("index")
            if i < 0 { i += list.items.count }
            guard list.items.indices.contains(i) else { throw HostError("pop index out of range") }
            return list.items.remove(at: i)
        },
        Builtin("insert", Signature(["index", "x"]), doc: "Inserts x before index.") { args in
            let list = try receiverList(args)
            var i = try args.int(0)
            if i < 0 { i += list.items.count }
            list.items.insert(args[1], at: min(max(i, 0), list.items.count))
            return .nil
        },
        Builtin("extend", Signature(["values"]), doc: "Appends every element of an iterable.") { args in
            let list = try receiverList(args)
            list.items += try args.interpreter.elements(of: args[0], nil)
            return .nil
        },
        Builtin("index", Signature(["x"]), doc: "The position of the first element equal to x.") { args in
            guard let i = try receiverList(args).items.firstIndex(of: args[0]) else { throw HostError("\(args[0].repr) is not in the list") }
            return .int(i)
        },
        Builtin("count", Signature(["x"]), doc: "How many elements equal x.") { args in
            .int(try receiverList(args).items.filter { $0 == args[0] }.count)
        },
        Builtin("remove", Signature(["x"]), doc: "Removes the first element equal to x.") { args in
            let list = try receiverList(args)
            guard let i = list.items.firstIndex(of: args[0]) else { throw HostError("\(args[0].repr) is not in the list") }
            list.items.remove(at: i)
            return .nil
        },
        Builtin("reverse", Signature(), doc: "Reverses the list in place.") { args in
            try receiverList(args).items.reverse()
            return .nil
        },
        Builtin("sort", Signature(labelled: [("key", .nil), ("reverse", .bool(false))]), doc: "Sorts the list in place.") { args in
            let list = try receiverList(args)
            list.items = try CoreLibrary.sort(list.items, key: args["key"], reverse: try args.bool("reverse"), args)
            return .nil
        },
        Builtin("copy", Signature(), doc: "A shallow copy.") { args in
            .list(ListObject(try receiverList(args).items))
        },
        Builtin("clear", Signature(), doc: "Removes every element.") { args in
            try receiverList(args).items.removeAll()
            return .nil
        },
        Builtin("join", Signature(labelled: [("separator", .string(""))]), doc: "The elements as strings, joined by separator.") { args in
            .string(try receiverList(args).items.map(\.description).joined(separator: try args.string("separator")))
        },
        Builtin("contains", Signature(["x"]), doc: "True when x is an element.") { args in
            .bool(try receiverList(args).items.contains(args[0]))
        },
    ], including: iterable)

    // MARK: Dicts

    static let dict: [String: Builtin] = table([
        Builtin("get", Signature(["key"], labelled: [("default", .nil)]), doc: "The value for key, or default when absent.") { args in
            try receiverDict(args).get(args[0]) ?? args["default"]
        },
        Builtin("keys", Signature(), doc: "The keys, in insertion order.") { args in
            .list(ListObject(try receiverDict(args).keys))
        },
        Builtin("values", Signature(), doc: "The values, in insertion order.") { args in
            .list(ListObject(try receiverDict(args).values))
        },
        Builtin("items", Signature(), doc: "(key, value) tuples, in insertion order.") { args in
            .list(ListObject(try receiverDict(args).entries.map { .tuple([$0.key, $0.value]) }))
        },
        Builtin("contains", Signature(["key"]), doc: "True when key is present.") { args in
            .bool(try receiverDict(args).get(args[0]) != nil)
        },
        Builtin("pop", Signature(["key"], labelled: [("default", .nil)]), doc: "Removes key and returns its value (or default).") { args in
            try receiverDict(args).remove(args[0]) ?? args["default"]
        },
        Builtin("update", Signature(["other"]), doc: "Copies every entry of another dict.") { args in
            let dict = try receiverDict(args)
            for (k, v) in try args.dict(0).entries { dict.set(k, v) }
            return .nil
        },
        Builtin("copy", Signature(), doc: "A shallow copy.") { args in
            .dict(try receiverDict(args).copy())
        },
        Builtin("clear", Signature(), doc: "Removes every entry.") { args in
            try receiverDict(args).removeAll()
            return .nil
        },
    ], including: iterable)

    // MARK: Strings

    static let string: [String: Builtin] = table(StringMethods.all, including: iterable)
}
