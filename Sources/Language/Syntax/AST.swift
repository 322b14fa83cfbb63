/// Where the resolver found a name: in a slot of the current frame, in an enclosing
/// function's frame, among the module's globals, or in the interpreter's prelude.
enum Resolution: Equatable {
    case unresolved
    case local(slot: Int)
    case captured(depth: Int, slot: Int)
    case global(index: Int)
    case prelude(index: Int)
}

/// A use of a name in an expression. The resolver fills in `resolution`.
final class NameRef {
    let name: String
    let span: SourceSpan
    var resolution: Resolution = .unresolved
    init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// A place that declares a name (`let`, parameter, `for` variable, `catch e`, `fn name`).
final class Binding {
    let name: String
    let span: SourceSpan
    var resolution: Resolution = .unresolved
    init(name: String, span: SourceSpan) {
        self.name = name
        self.span = span
    }
}

/// A destructuring pattern: `x`, `_`, or `a, (b, c)`.
indirect enum Pattern {
    case name(Binding)
    case wildcard(SourceSpan)
    case tuple([Pattern], SourceSpan)

    var bindings: [Binding] {
        switch self {
        case .name(let b): return [b]
        case .wildcard: return []
        case .tuple(let items, _): return items.flatMap(\.bindings)
        }
    }
}

/// A parameter of a function: positional, or labelled with a default.
struct Parameter {
    let binding: Binding
    let defaultValue: Expr?
}

/// A function literal or declaration. The resolver fills `frameSize`.
final class FunctionDecl {
    let name: String?
    let binding: Binding?
    let parameters: [Parameter]
    let body: Block
    let span: SourceSpan
    /// Number of leading positional (unlabelled) parameters.
    let positionalCount: Int
    var frameSize = 0
    init(name: String?, binding: Binding?, parameters: [Parameter], positionalCount: Int, body: Block, span: SourceSpan) {
        self.name = name
        self.binding = binding
        self.parameters = parameters
        self.positionalCount = positionalCount
        self.body = body
        self.span = span
    }
}

/// A `{ ... }` sequence of statements; its value is its last expression statement's.
struct Block {
    var statements: [Stmt]
    var span: SourceSpan
}

/// One argument of a call.
struct Argument {
    let label: String?
    let labelSpan: SourceSpan?
    let value: Expr
}

/// One component of a subscript: `i`, `a:b:c` or `...`.
enum IndexItem {
    case expression(Expr)
    case slice(Expr?, Expr?, Expr?)
    case ellipsis
}

/// Part of an interpolated string.
enum InterpolationPiece {
    case text(String)
    case expression(Expr, format: String?)
}

/// Binary operators with their own evaluation rules (not `and`/`or`).
public enum BinaryOperator: String, Sendable, CaseIterable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
    case modulo = "%", power = "**", matmul = "@"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case contains = "in"
}

/// Unary operators.
public enum UnaryOperator: String, Sendable {
    case negate = "-", not = "not"
}

/// Expression kinds.
indirect enum ExprKind {
    case literal(Value)
    case interpolated([InterpolationPiece])
    case name(NameRef)
    case list([Expr])
    case dict([(Expr, Expr)])
    case tuple([Expr])
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case notIn(Expr, Expr)
    case range(Expr, Expr, inclusive: Bool)
    case call(Expr, [Argument])
    case member(Expr, String, SourceSpan)
    case index(Expr, [IndexItem])
    case function(FunctionDecl)
    case ifElse([(Expr, Block)], Block?)
    case tryCatch(Block, Binding?, Block)
}

/// An expression with its span.
struct Expr {
    var kind: ExprKind
    var span: SourceSpan
}

/// Assignment operators; `nil` in `assign` is plain `=`.
enum AssignOperator {
    case add, subtract, multiply, divide, floorDivide, modulo
    var binary: BinaryOperator {
        switch self {
        case .add: return .add
        case .subtract: return .subtract
        case .multiply: return .multiply
        case .divide: return .divide
        case .floorDivide: return .floorDivide
        case .modulo: return .modulo
        }
    }
}

/// Statement kinds.
enum StmtKind {
    case expression(Expr)
    case declaration(mutable: Bool, Pattern, Expr)
    case function(FunctionDecl)
    case assign([Expr], AssignOperator?, Expr)
    case whileLoop(Expr, Block)
    case forLoop(Pattern, Expr, Block)
    case breakLoop
    case continueLoop
    case returnValue(Expr?)
    case importModule(String, Binding)
}

/// A statement with its span.
struct Stmt {
    var kind: StmtKind
    var span: SourceSpan
}
