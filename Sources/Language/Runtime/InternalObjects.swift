/// A method taken as a value (`let f = xs.append`): calling it passes the receiver.
final class BoundMethod: HostObject {
    static let type: HostType = {
        let type = HostType(name: "method", doc: "A method bound to its receiver.")
        return type
    }()
    let receiver: Value
    let method: Builtin
    init(receiver: Value, method: Builtin) {
        self.receiver = receiver
        self.method = method
    }
    var hostType: HostType { BoundMethod.type }
    var summary: String { "<method \(receiver.typeName).\(method.name)>" }
}

/// The value `catch e` binds: `e.message`, `e.trace`, `e.line`, `e.column`.
final class ErrorObject: HostObject {
    static let type: HostType = {
        let type = HostType(name: "error", doc: "An error caught by try/catch.")
        type.property("message", doc: "The error message.") { object in
            .string((object as? ErrorObject)?.diagnostic.message ?? "")
        }
        type.property("trace", doc: "The call trace, outermost first, as 'function at line:col' strings.") { object in
            let trace = (object as? ErrorObject)?.diagnostic.trace ?? []
            return .list(trace.map { .string("\($0.function) at \($0.span.start.line):\($0.span.start.column)") })
        }
        type.property("line", doc: "The line where the error was raised.") { object in
            .int((object as? ErrorObject)?.diagnostic.span?.start.line ?? 0)
        }
        type.property("column", doc: "The column where the error was raised.") { object in
            .int((object as? ErrorObject)?.diagnostic.span?.start.column ?? 0)
        }
        type.property("kind", doc: "A stable identifier of the kind of error.") { object in
            .string((object as? ErrorObject)?.diagnostic.id ?? "")
        }
        return type
    }()
    let diagnostic: Diagnostic
    init(_ diagnostic: Diagnostic) { self.diagnostic = diagnostic }
    var hostType: HostType { ErrorObject.type }
    var summary: String { "error: \(diagnostic.message)" }
}

/// A lazy iterator value, as `.enumerate()`, `.take(n)`, `zip` and `map` return; it can
/// be iterated once.
final class IteratorObject: HostObject {
    static let type: HostType = {
        let type = HostType(name: "iterator", doc: "A lazy sequence; iterate it once, or list() it.")
        type.iterate = { object in
            guard let iterator = object as? IteratorObject else { return ValueIterator([]) }
            return iterator.iterator
        }
        return type
    }()
    let iterator: ValueIterator
    let label: String
    init(_ label: String, _ iterator: ValueIterator) {
        self.label = label
        self.iterator = iterator
    }
    var hostType: HostType { IteratorObject.type }
    var summary: String { "<iterator \(label)>" }
}
