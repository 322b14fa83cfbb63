/// Thrown inside the parser to unwind to the statement loop, which synchronises.
struct ParseAbort: Error {}

/// A recursive-descent parser that recovers (jlox): on an error it reports once (panic
/// flag), skips to the end of the statement and goes on, so one pass reports every
/// syntax error of a file.
struct Parser {
    var tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic] = []
    /// True when an error happened at end of input, inside an open construct.
    var incomplete = false
    var panicking = false
    /// Depth of contexts (conditions of `if`/`while`/`for`) where `{` starts the body,
    /// not a trailing block.
    var noTrailingBlock = false
    let source: SourceID
    /// Current nesting of expressions and blocks; past `maxDepth` the parser reports an
    /// error instead of recursing further (so hostile input cannot overflow the stack).
    var depth = 0
    /// Where the statement being parsed started, for synchronising after an error.
    var statementStart = 0
    static let maxDepth = 200

    init(tokens: [Token], source: SourceID) {
        self.tokens = tokens
        self.source = source
    }

    /// Parses a whole program: lexes, parses, and returns the statements with every
    /// diagnostic found.
    static func parse(_ text: String, source: SourceID) -> (statements: [Stmt], diagnostics: [Diagnostic], incomplete: Bool) {
        let lexed = Lexer.tokenize(text, source: source)
        var parser = Parser(tokens: lexed.tokens, source: source)
        let statements = parser.parseProgram()
        let all = (lexed.diagnostics + parser.diagnostics).sorted { a, b in
            guard let x = a.span, let y = b.span else { return false }
            return x.start < y.start
        }
        return (statements, all, lexed.incomplete || parser.incomplete)
    }

    // MARK: Token access

    var current: Token { tokens[min(position, tokens.count - 1)] }
    var previous: Token { tokens[max(0, min(position - 1, tokens.count - 1))] }

    func peek(_ offset: Int) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    var atEnd: Bool { current.kind == .eof }

    @discardableResult
    mutating func advance() -> Token {
        let token = current
        if position < tokens.count - 1 { position += 1 }
        return token
    }

    func check(_ symbol: Symbol) -> Bool { current.kind == .symbol(symbol) }
    func check(_ keyword: Keyword) -> Bool { current.kind == .keyword(keyword) }

    mutating func match(_ symbol: Symbol) -> Bool {
        guard check(symbol) else { return false }
        advance()
        return true
    }

    mutating func match(_ keyword: Keyword) -> Bool {
        guard check(keyword) else { return false }
        advance()
        return true
    }

    mutating func skipNewlines() {
        while current.kind == .newline { advance() }
    }

    @discardableResult
    mutating func expect(_ symbol: Symbol, _ context: String) throws -> Token {
        if check(symbol) { return advance() }
        throw error(.expected("'\(symbol.rawValue)' \(context)", found: current))
    }

    mutating func expectIdentifier(_ context: String) throws -> Token {
        if case .identifier = current.kind { return advance() }
        throw error(.expected("a name \(context)", found: current))
    }

    /// Enters one level of nesting; call `depth -= 1` (in a defer) when leaving.
    mutating func enter() throws {
        depth += 1
        if depth > Parser.maxDepth { throw error(.nestingTooDeep(current.span)) }
    }

    /// Records a diagnostic (unless already panicking) and returns the abort to throw.
    mutating func error(_ diagnostic: Diagnostic) -> ParseAbort {
        if current.kind == .eof { incomplete = true }
        if !panicking { diagnostics.append(diagnostic) }
        panicking = true
        return ParseAbort()
    }

    /// Skips to the end of the current statement: a newline or `;` at this nesting level,
    /// or just before the `}` that closes the enclosing block.
    mutating func synchronize() {
        // Braces opened by the failed statement itself must be skipped too.
        var depth = 0
        for token in tokens[min(statementStart, position)..<position] {
            if token.kind == .symbol(.leftBrace) { depth += 1 }
            if token.kind == .symbol(.rightBrace) { depth = max(0, depth - 1) }
        }
        while !atEnd {
            switch current.kind {
            case .newline, .symbol(.semicolon):
                if depth == 0 {
                    advance()
                    panicking = false
                    return
                }
            case .symbol(.leftBrace):
                depth += 1
            case .symbol(.rightBrace):
                if depth == 0 {
                    panicking = false
                    return
                }
                depth -= 1
            default:
                break
            }
            advance()
        }
    }

    // MARK: Programs and blocks

    mutating func parseProgram() -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !atEnd {
            if check(.rightBrace) {
                _ = error(.unmatchedBrace(current.span))
                advance()
                panicking = false
                skipSeparators()
                continue
            }
            parseStatementRecovering(into: &statements)
        }
        return statements
    }

    mutating func skipSeparators() {
        while current.kind == .newline || check(.semicolon) { advance() }
    }

    mutating func parseStatementRecovering(into statements: inout [Stmt]) {
        let outerStart = statementStart
        statementStart = position
        defer { statementStart = outerStart }
        do {
            let statement = try parseStatement()
            statements.append(statement)
            try endStatement()
        } catch {
            synchronize()
        }
        skipSeparators()
    }

    mutating func endStatement() throws {
        switch current.kind {
        case .newline, .symbol(.semicolon):
            advance()
        case .symbol(.rightBrace), .eof:
            break
        default:
            throw error(.expected("end of statement", found: current))
        }
    }

    mutating func parseBlock(_ context: String) throws -> Block {
        try enter()
        defer { depth -= 1 }
        let open = try expect(.leftBrace, context)
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.rightBrace) && !atEnd {
            parseStatementRecovering(into: &statements)
        }
        guard check(.rightBrace) else {
            throw error(.unclosed("'{'", opened: open.span, found: current))
        }
        let close = advance()
        return Block(statements: statements, span: open.span.merged(with: close.span))
    }

    // MARK: Statements

    mutating func parseStatement() throws -> Stmt {
        let start = current.span
        switch current.kind {
        case .keyword(.let), .keyword(.var):
            let mutable = advance().kind == .keyword(.var)
            let pattern = try parsePattern()
            try expect(.assign, "after the name in a declaration")
            let value = try parseExpressionList()
            return Stmt(kind: .declaration(mutable: mutable, pattern, value), span: start.merged(with: value.span))
        case .keyword(.fn):
            if case .identifier = peek(1).kind {
                advance()
                let function = try parseFunction(start: start, named: true)
                return Stmt(kind: .function(function), span: function.span)
            }
        case .keyword(.while):
            advance()
            let condition = try parseCondition()
            let body = try parseBlock("to open the body of 'while'")
            return Stmt(kind: .whileLoop(condition, body), span: start.merged(with: body.span))
        case .keyword(.for):
            advance()
            let pattern = try parsePattern()
            guard match(.in) else { throw error(.expected("'in' after the loop variable", found: current)) }
            let sequence = try parseCondition()
            let body = try parseBlock("to open the body of 'for'")
            return Stmt(kind: .forLoop(pattern, sequence, body), span: start.merged(with: body.span))
        case .keyword(.break):
            advance()
            return Stmt(kind: .breakLoop, span: start)
        case .keyword(.continue):
            advance()
            return Stmt(kind: .continueLoop, span: start)
        case .keyword(.return):
            advance()
            switch current.kind {
            case .newline, .eof, .symbol(.semicolon), .symbol(.rightBrace):
                return Stmt(kind: .returnValue(nil), span: start)
            default:
                let value = try parseExpressionList()
                return Stmt(kind: .returnValue(value), span: start.merged(with: value.span))
            }
        case .keyword(.import):
            advance()
            let name = try expectIdentifier("of the module to import")
            guard case .identifier(let module) = name.kind else { throw ParseAbort() }
            var binding = Binding(name: module, span: name.span)
            if match(.as) {
                let alias = try expectIdentifier("after 'as'")
                if case .identifier(let aliasName) = alias.kind { binding = Binding(name: aliasName, span: alias.span) }
            }
            return Stmt(kind: .importModule(module, binding), span: start.merged(with: previous.span))
        default:
            break
        }
        let expression = try parseExpressionList()
        if let op = assignmentOperator() {
            let opToken = advance()
            let targets: [Expr]
            if case .tuple(let items) = expression.kind { targets = items } else { targets = [expression] }
            for target in targets {
                switch target.kind {
                case .name, .index, .member: continue
                default: throw error(.invalidAssignmentTarget(target.span))
                }
            }
            if op != nil && targets.count > 1 { throw error(.invalidAssignmentTarget(opToken.span)) }
            let value = try parseExpressionList()
            return Stmt(kind: .assign(targets, op, value), span: expression.span.merged(with: value.span))
        }
        return Stmt(kind: .expression(expression), span: expression.span)
    }

    /// Returns `.some(op)` when the current token is an assignment operator (`.some(nil)` for `=`).
    func assignmentOperator() -> AssignOperator?? {
        guard case .symbol(let symbol) = current.kind else { return nil }
        switch symbol {
        case .assign: return .some(nil)
        case .plusAssign: return .some(.add)
        case .minusAssign: return .some(.subtract)
        case .starAssign: return .some(.multiply)
        case .slashAssign: return .some(.divide)
        case .doubleSlashAssign: return .some(.floorDivide)
        case .percentAssign: return .some(.modulo)
        default: return nil
        }
    }

    /// Parses the condition of `if`, `while` or `for`, where `{` opens the body.
    mutating func parseCondition() throws -> Expr {
        let saved = noTrailingBlock
        noTrailingBlock = true
        defer { noTrailingBlock = saved }
        return try parseExpression()
    }

    /// `a`, `_`, `(a, b)` or `a, (b, c)`.
    mutating func parsePattern() throws -> Pattern {
        let first = try parsePatternItem()
        guard check(.comma) else { return first }
        var items = [first]
        while match(.comma) { items.append(try parsePatternItem()) }
        return .tuple(items, patternSpan(items))
    }

    private func patternSpan(_ items: [Pattern]) -> SourceSpan {
        func span(_ p: Pattern) -> SourceSpan {
            switch p {
            case .name(let b): return b.span
            case .wildcard(let s), .tuple(_, let s): return s
            }
        }
        return items.dropFirst().reduce(span(items[0])) { $0.merged(with: span($1)) }
    }

    mutating func parsePatternItem() throws -> Pattern {
        try enter()
        defer { depth -= 1 }
        if check(.leftParen) {
            let open = advance()
            let inner = try parsePattern()
            let close = try expect(.rightParen, "to close the pattern")
            if case .tuple(let items, _) = inner { return .tuple(items, open.span.merged(with: close.span)) }
            return inner
        }
        let token = try expectIdentifier("to bind")
        guard case .identifier(let name) = token.kind else { throw ParseAbort() }
        if name == "_" { return .wildcard(token.span) }
        return .name(Binding(name: name, span: token.span))
    }

    /// After `fn` (and the name, when `named`): parameters and body.
    mutating func parseFunction(start: SourceSpan, named: Bool) throws -> FunctionDecl {
        var name: String?
        var binding: Binding?
        if named {
            let token = try expectIdentifier("of the function")
            if case .identifier(let text) = token.kind {
                name = text
                binding = Binding(name: text, span: token.span)
            }
        }
        try expect(.leftParen, "to open the parameter list")
        var parameters: [Parameter] = []
        var positionalCount = 0
        skipNewlines()
        while !check(.rightParen) {
            let token = try expectIdentifier("of a parameter")
            guard case .identifier(let paramName) = token.kind else { throw ParseAbort() }
            let paramBinding = Binding(name: paramName, span: token.span)
            if match(.colon) {
                let value = try parseExpression()
                parameters.append(Parameter(binding: paramBinding, defaultValue: value))
            } else {
                if parameters.count > positionalCount {
                    throw error(.positionalAfterLabelled(paramName, token.span))
                }
                parameters.append(Parameter(binding: paramBinding, defaultValue: nil))
                positionalCount += 1
            }
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        try expect(.rightParen, "to close the parameter list")
        let body = try parseBlock("to open the function body")
        return FunctionDecl(
            name: name, binding: binding, parameters: parameters, positionalCount: positionalCount,
            body: body, span: start.merged(with: body.span))
    }
}
