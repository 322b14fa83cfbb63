/// Conversions between value types: str, repr, int, float, bool, list, tuple, dict, type.
enum Conversions {
    static let functions: [Builtin] = [
        Builtin("type", Signature(["x"]), doc: "The name of x's type, as a string.") { args in
            .string(args[0].typeName)
        },
        Builtin("str", Signature(["x"]), doc: "x as a string, as print shows it.") { args in
            .string(args[0].description)
        },
        Builtin("repr", Signature(["x"]), doc: "x as a literal-like string (strings quoted).") { args in
            .string(args[0].repr)
        },
        Builtin("int", Signature(["x"]), doc: "x as an int: floats truncate toward zero, strings are parsed.") { args in
            switch args[0] {
            case .int: return args[0]
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let f):
                guard let i = Int64(exactly: f.rounded(.towardZero)) else { throw HostError("cannot convert \(f) to an int") }
                return .int(i)
            case .string(let s):
                let text = s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
                guard let i = Int64(text) else { throw HostError("cannot convert \(Value.quote(s)) to an int") }
                return .int(i)
            default: throw args.badArgument("x", expected: "number or string", got: args[0])
            }
        },
        Builtin("float", Signature(["x"]), doc: "x as a float; strings are parsed ('inf' and 'nan' too).") { args in
            switch args[0] {
            case .int(let i): return .float(Double(i))
            case .float: return args[0]
            case .bool(let b): return .float(b ? 1 : 0)
            case .string(let s):
                guard let f = Double(s.trimmingCharacters(in: .whitespaces)) else { throw HostError("cannot convert \(Value.quote(s)) to a float") }
                return .float(f)
            default: throw args.badArgument("x", expected: "number or string", got: args[0])
            }
        },
        Builtin("bool", Signature(["x"]), doc: "The truth of x: nil, false, 0 and empty containers are false.") { args in
            .bool(args[0].isTruthy)
        },
        Builtin("list", Signature(labelled: [("values", .nil)]), doc: "A new list of an iterable's elements.") { args in
            if case .nil = args[0] { return .list(ListObject()) }
            return .list(ListObject(try args.interpreter.elements(of: args[0], nil)))
        },
        Builtin("tuple", Signature(labelled: [("values", .nil)]), doc: "A tuple of an iterable's elements.") { args in
            if case .nil = args[0] { return .tuple([]) }
            return .tuple(try args.interpreter.elements(of: args[0], nil))
        },
        Builtin("dict", Signature(labelled: [("pairs", .nil)]), doc: "A new dict, from a dict or from (key, value) pairs.") { args in
            let dict = DictObject()
            switch args[0] {
            case .nil: break
            case .dict(let other): return .dict(other.copy())
            default:
                for pair in try args.interpreter.elements(of: args[0], nil) {
                    guard let items = Arguments.asList(pair), items.count == 2 else { throw HostError("dict() needs (key, value) pairs") }
                    guard dict.set(items[0], items[1]) else { throw HostError("\(items[0].typeName) cannot be a dict key") }
                }
            }
            return .dict(dict)
        },
        Builtin("any", Signature(["values"]), doc: "True when some element is true.") { args in
            .bool(try args.interpreter.elements(of: args[0], nil).contains(where: \.isTruthy))
        },
        Builtin("all", Signature(["values"]), doc: "True when every element is true.") { args in
            .bool(try args.interpreter.elements(of: args[0], nil).allSatisfy(\.isTruthy))
        },
        Builtin("reversed", Signature(["values"]), doc: "A new list with the elements in reverse order.") { args in
            .list(ListObject(try args.interpreter.elements(of: args[0], nil).reversed()))
        },
    ]
}

import Foundation
