// Runtime messages, alphabetical (STYLE.md 18).
extension Diagnostic {
    private static func runtime(_ id: String, _ message: String, _ span: SourceSpan?, hint: String? = nil) -> Diagnostic {
        Diagnostic(id: id, message: message, span: span, hint: hint)
    }
    static func assertionFailed(_ message: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("assertion-failed", message, span)
    }
    static func badSubscript(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("bad-subscript", "\(type) subscripts take one index or one slice", span)
    }
    static func cannotAssignIndex(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("cannot-assign-index", "cannot assign to an element of \(type)", span,
                hint: type == "string" || type == "tuple" ? "\(type)s are immutable" : nil)
    }
    static func cannotDestructure(_ type: String, _ count: Int, _ span: SourceSpan) -> Diagnostic {
        runtime("cannot-destructure", "cannot destructure \(type) into \(count) names", span)
    }
    static func cannotReadFile(_ path: String) -> Diagnostic {
        runtime("cannot-read-file", "cannot read file '\(path)'", nil)
    }
    static func cannotSetMember(_ type: String, _ name: String, _ span: SourceSpan) -> Diagnostic {
        runtime("cannot-set-member", "cannot set '\(name)' on \(type)", span)
    }
    static func destructureCount(expected: Int, got: Int, _ span: SourceSpan) -> Diagnostic {
        runtime("destructure-count", "cannot destructure \(got) values into \(expected) names", span)
    }
    static func divisionByZero(_ span: SourceSpan) -> Diagnostic {
        runtime("division-by-zero", "division by zero", span)
    }
    static func duplicateArgument(_ label: String, _ function: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("duplicate-argument", "argument '\(label)' given twice in call to '\(function)'", span)
    }
    static func hostError(_ message: String, _ span: SourceSpan?, hint: String?) -> Diagnostic {
        runtime("error", message, span, hint: hint)
    }
    static func importCycle(_ name: String, _ span: SourceSpan) -> Diagnostic {
        runtime("import-cycle", "import cycle: '\(name)' is already being imported", span)
    }
    static func indexOutOfRange(_ index: Int64, _ type: String, _ count: Int, _ span: SourceSpan) -> Diagnostic {
        runtime("index-out-of-range", "index \(index) out of range for \(type) of length \(count)", span)
    }
    static func indexType(_ container: String, _ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("index-type", "\(container) index must be an int, not \(type)", span)
    }
    static func integerOverflow(_ span: SourceSpan) -> Diagnostic {
        runtime("integer-overflow", "integer overflow", span, hint: "use floats for very large numbers, e.g. 2.0 ** 80")
    }
    static func internalError(_ message: String) -> Diagnostic {
        runtime("internal", "internal error: \(message)", nil)
    }
    static func interrupted(_ span: SourceSpan) -> Diagnostic {
        runtime("interrupted", "interrupted", span)
    }
    static func keyNotFound(_ key: String, _ span: SourceSpan, hint: String?) -> Diagnostic {
        runtime("key-not-found", "key \(key) not found in dict", span, hint: hint ?? "use d.get(key, default) for optional keys")
    }
    static func missingArgument(_ parameter: String, _ function: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("missing-argument", "missing argument '\(parameter)' in call to '\(function)'", span)
    }
    static func moduleNotFound(_ name: String, _ folders: [String], _ span: SourceSpan) -> Diagnostic {
        Diagnostic(id: "module-not-found", message: "no module named '\(name)'", span: span,
                   notes: [DiagnosticNote("searched: " + folders.joined(separator: ", "))],
                   hint: "put \(name).lfs next to the importing file, in stdlib/, or in a folder of LFS_PATH")
    }
    static func moduleUnreadable(_ path: String, _ span: SourceSpan) -> Diagnostic {
        runtime("module-unreadable", "cannot read module '\(path)'", span)
    }
    static func noMember(_ type: String, _ name: String, _ span: SourceSpan, hint: String?) -> Diagnostic {
        runtime("no-member", "\(type) has no member '\(name)'", span, hint: hint ?? "dir(x) lists the members of x")
    }
    static func noModuleMember(_ module: String, _ name: String, _ span: SourceSpan, hint: String?) -> Diagnostic {
        runtime("no-member", "module '\(module)' has no member '\(name)'", span, hint: hint)
    }
    static func notAContainer(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("not-a-container", "'in' needs a list, tuple, dict, string or range, not \(type)", span)
    }
    static func notCallable(_ type: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("not-callable", "\(type) is not callable", span)
    }
    static func notIterable(_ type: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("not-iterable", "\(type) is not iterable", span)
    }
    static func notSubscriptable(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("not-subscriptable", "\(type) cannot be indexed", span)
    }
    static func notYetDefined(_ name: String, _ span: SourceSpan) -> Diagnostic {
        runtime("not-yet-defined", "'\(name)' is used before its declaration ran", span)
    }
    static func rangeBounds(_ a: String, _ b: String, _ span: SourceSpan) -> Diagnostic {
        runtime("range-bounds", "range bounds must be ints, not \(a) and \(b)", span)
    }
    static func readOnlyProperty(_ type: String, _ name: String, _ span: SourceSpan) -> Diagnostic {
        runtime("read-only", "'\(name)' of \(type) is read-only", span)
    }
    static func sliceBound(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("slice-bound", "slice bounds must be ints or nil, not \(type)", span)
    }
    static func stackOverflow(_ depth: Int, _ span: SourceSpan) -> Diagnostic {
        runtime("stack-overflow", "stack overflow: calls nested deeper than \(depth)", span,
                hint: "check for unbounded recursion")
    }
    static func stepLimitReached(_ span: SourceSpan) -> Diagnostic {
        runtime("step-limit", "step limit reached", span)
    }
    static func tooLarge(_ span: SourceSpan?) -> Diagnostic {
        runtime("too-large", "result too large", span)
    }
    static func tooManyArguments(_ function: String, _ limit: Int, _ given: Int, _ span: SourceSpan?) -> Diagnostic {
        runtime("too-many-arguments", "too many arguments to '\(function)' (at most \(limit), got \(given))", span)
    }
    static func unhashable(_ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("unhashable", "\(type) cannot be a dict key", span, hint: "use a string, number or tuple as the key")
    }
    static func unknownLabel(_ label: String, _ function: String, _ span: SourceSpan?, hint: String?) -> Diagnostic {
        runtime("unknown-label", "unknown argument label '\(label)' in call to '\(function)'", span, hint: hint)
    }
    static func unsupportedOperand(_ op: String, _ type: String, _ span: SourceSpan) -> Diagnostic {
        runtime("unsupported-operand", "unsupported operand for '\(op)': \(type)", span)
    }
    static func unsupportedOperands(_ op: String, _ a: String, _ b: String, _ span: SourceSpan) -> Diagnostic {
        let hint: String? = (op == "+" && (a == "string" || b == "string")) ? "convert with str(x), or use interpolation \"{x}\"" : nil
        return runtime("unsupported-operands", "unsupported operands for '\(op)': \(a) and \(b)", span, hint: hint)
    }
    static func userError(_ message: String, _ span: SourceSpan?) -> Diagnostic {
        runtime("error", message, span)
    }
    static func zeroSliceStep(_ span: SourceSpan) -> Diagnostic {
        runtime("zero-slice-step", "slice step cannot be zero", span)
    }
}
