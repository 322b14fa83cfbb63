/// `help` and `dir`: both read the declarations of builtins and host types.
enum Introspection {
    static let functions: [Builtin] = [
        Builtin("help", Signature(labelled: [("x", .nil)]), doc: "Prints the signature and documentation of a function, type or value.") { args in
            args.interpreter.output(args.interpreter.help(args[0]))
            return .nil
        },
        Builtin("dir", Signature(labelled: [("x", .nil)]), doc: "The member names of a value, or the global names.") { args in
            if case .nil = args[0] {
                let names = Set(args.interpreter.globalNames + args.interpreter.builtinNames)
                return .list(ListObject(names.sorted().map(Value.string)))
            }
            return .list(ListObject(args.interpreter.memberNames(of: args[0]).map(Value.string)))
        },
    ]
}

extension Interpreter {
    /// The help text for a value: a builtin's signature and doc, a function's parameters,
    /// a host type's summary and members, or the list of builtins for `help()`.
    public func help(_ value: Value) -> String {
        switch value {
        case .nil:
            return "builtins: " + builtinNames.joined(separator: ", ") + "\nhelp(x) describes x; dir(x) lists its members.\n"
        case .builtin(let builtin):
            return builtin.helpText + "\n"
        case .function(let function):
            return "\(function.name)\(function.code.signature)\n    defined at line \(function.code.span.start.line)\n"
        case .string(let name):
            if let type = hostTypes[name] { return helpText(for: type) }
            if let builtin = builtin(named: name) { return builtin.helpText + "\n" }
            return "no help for '\(name)'\n"
        case .host(let object):
            if let bound = object as? BoundMethod { return bound.method.helpText + "\n" }
            return helpText(for: object.hostType)
        case .module(let module):
            return "module \(module.name) (\(module.path))\n    members: " + memberNames(of: value).joined(separator: ", ") + "\n"
        default:
            let methods = CoreMethods.table(for: value) ?? [:]
            var text = "\(value.typeName)\n"
            for name in methods.keys.sorted() {
                if let method = methods[name] { text += "  .\(method.name)\(method.signature)  \(method.doc)\n" }
            }
            return text
        }
    }

    private func helpText(for type: HostType) -> String {
        var text = "\(type.name): \(type.doc)\n"
        for property in type.properties { text += "  .\(property.name)  \(property.doc)\n" }
        for method in type.methods { text += "  .\(method.name)\(method.signature)  \(method.doc)\n" }
        return text
    }
}
