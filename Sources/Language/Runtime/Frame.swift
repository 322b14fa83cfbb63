/// Compiled code: a Swift closure over the frame it runs in (closure compilation).
typealias Code = (Frame) throws -> Value

/// Code kept in an array or optional. Closures stored directly in generic containers are
/// kept at maximal abstraction and every call would go through a reabstraction thunk; a
/// non-generic struct keeps the closure's direct calling convention.
struct CodeBox {
    let run: Code
}

/// A pattern binder kept in an array (see `CodeBox`).
struct BinderBox {
    let bind: (Frame, Value) throws -> Void
}

/// A compiled condition kept in an array (see `CodeBox`).
struct ConditionBox {
    let test: (Frame) throws -> Bool
}

/// Non-local control flow pending in a frame. Statements in a block check it only after
/// statements that can set it, so straight-line code pays nothing.
enum Signal: UInt8 {
    case none, breakLoop, continueLoop, returned
}

/// The fixed part of a frame; the slots follow it in the same allocation.
struct FrameHeader {
    let count: Int
    let parent: Frame?
    var signal: Signal = .none
    var returnValue: Value = .nil
}

/// The slots of one function activation (or of one top-level chunk). Locals live in
/// slots at indices the resolver chose (always below the frame's size); closures keep
/// their defining frame as `parent`. Header and slots share one allocation.
final class Frame: ManagedBuffer<FrameHeader, Value> {
    /// A frame of `size` nil slots.
    static func make(size: Int, parent: Frame?) -> Frame {
        let buffer = Frame.create(minimumCapacity: size) { _ in FrameHeader(count: size, parent: parent) }
        let frame = unsafeDowncast(buffer, to: Frame.self)
        frame.withUnsafeMutablePointerToElements { $0.initialize(repeating: .nil, count: size) }
        return frame
    }

    deinit {
        _ = withUnsafeMutablePointers { header, slots in slots.deinitialize(count: header.pointee.count) }
    }

    /// Slot `index`; the resolver guarantees `index < size`.
    @inline(__always)
    subscript(index: Int) -> Value {
        get { withUnsafeMutablePointerToElements { $0[index] } }
        set { withUnsafeMutablePointerToElements { $0[index] = newValue } }
    }

    var parent: Frame? { header.parent }

    var signal: Signal {
        @inline(__always) get { header.signal }
        @inline(__always) set { header.signal = newValue }
    }

    var returnValue: Value {
        get { header.returnValue }
        set { header.returnValue = newValue }
    }

    /// The frame `depth` levels up the lexical chain (0 is this frame).
    @inline(__always)
    func ancestor(_ depth: Int) -> Frame {
        var frame = self
        for _ in 0..<depth {
            guard let parent = frame.parent else { return frame }
            frame = parent
        }
        return frame
    }
}

/// The globals of one module (or of the REPL session): top-level `let`, `var`, `fn` and
/// `import` bindings. Values are `nil` until their declaration has run.
final class GlobalScope {
    private(set) var names: [String] = []
    private var indexOf: [String: Int] = [:]
    private(set) var mutable: [Bool] = []
    var values: [Value?] = []

    /// The index of `name`, declaring it (as `mutable`) when new. Redeclaring keeps the
    /// slot and updates mutability (REPL redefinitions).
    @discardableResult
    func declare(_ name: String, mutable isMutable: Bool) -> Int {
        if let i = indexOf[name] {
            mutable[i] = isMutable
            return i
        }
        indexOf[name] = names.count
        names.append(name)
        mutable.append(isMutable)
        values.append(nil)
        return names.count - 1
    }

    func index(of name: String) -> Int? { indexOf[name] }

    func value(named name: String) -> Value? {
        guard let i = indexOf[name] else { return nil }
        return values[i]
    }

    func set(_ name: String, _ value: Value, mutable isMutable: Bool = true) {
        let i = declare(name, mutable: isMutable)
        values[i] = value
    }

    /// Drops every value (breaks reference cycles at interpreter teardown).
    func clear() {
        for i in values.indices { values[i] = nil }
    }
}

/// A compiled function body with what calls need: parameter names, defaults, frame size.
final class CompiledFunction {
    let name: String
    let parameterNames: [String]
    let positionalCount: Int
    /// Default-value code for labelled parameters (index = parameter index), run in the callee's frame.
    let defaults: [Code?]
    let frameSize: Int
    let span: SourceSpan
    /// The parameter count when every parameter is positional, else -1 (for the call fast path).
    let positionalArity: Int
    var body: Code = { _ in .nil }

    init(name: String, parameterNames: [String], positionalCount: Int, defaults: [Code?], frameSize: Int, span: SourceSpan) {
        self.name = name
        self.parameterNames = parameterNames
        self.positionalCount = positionalCount
        self.defaults = defaults
        self.frameSize = frameSize
        self.span = span
        self.positionalArity = positionalCount == parameterNames.count ? positionalCount : -1
    }

    var signature: Signature {
        Signature(Array(parameterNames.prefix(positionalCount)),
                  labelled: parameterNames.dropFirst(positionalCount).map { ($0, Value.nil) })
    }
}

/// A function value: compiled code plus the frame it closed over.
public final class FunctionObject: @unchecked Sendable {
    let code: CompiledFunction
    let parent: Frame?
    init(code: CompiledFunction, parent: Frame?) {
        self.code = code
        self.parent = parent
    }
    /// The function's name (`<fn>` for anonymous functions).
    public var name: String { code.name }
    /// Its parameter names, positional first.
    public var parameterNames: [String] { code.parameterNames }
}
