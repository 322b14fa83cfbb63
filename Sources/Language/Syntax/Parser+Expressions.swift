// Expressions, by precedence from lowest (`|>`) to highest (postfix).
extension Parser {
    /// `a, b, c` as a tuple, or a single expression.
    mutating func parseExpressionList() throws -> Expr {
        let first = try parseExpression()
        guard check(.comma) else { return first }
        var items = [first]
        while match(.comma) { items.append(try parseExpression()) }
        let span = first.span.merged(with: items[items.count - 1].span)
        return Expr(kind: .tuple(items), span: span)
    }

    mutating func parseExpression() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        var left = try parseOr()
        while check(.pipe) {
            advance()
            let right = try parsePostfix()
            let span = left.span.merged(with: right.span)
            if case .call(let callee, let arguments) = right.kind {
                let piped = [Argument(label: nil, labelSpan: nil, value: left)] + arguments
                left = Expr(kind: .call(callee, piped), span: span)
            } else {
                left = Expr(kind: .call(right, [Argument(label: nil, labelSpan: nil, value: left)]), span: span)
            }
        }
        return left
    }

    mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while match(.or) {
            let right = try parseAnd()
            left = Expr(kind: .or(left, right), span: left.span.merged(with: right.span))
        }
        return left
    }

    mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while match(.and) {
            let right = try parseNot()
            left = Expr(kind: .and(left, right), span: left.span.merged(with: right.span))
        }
        return left
    }

    mutating func parseNot() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        if check(.not) {
            let start = advance().span
            let operand = try parseNot()
            return Expr(kind: .unary(.not, operand), span: start.merged(with: operand.span))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expr {
        var left = try parseRange()
        while true {
            let op: BinaryOperator
            var negated = false
            switch current.kind {
            case .symbol(.equalEqual): op = .equal
            case .symbol(.bangEqual): op = .notEqual
            case .symbol(.less): op = .less
            case .symbol(.lessEqual): op = .lessEqual
            case .symbol(.greater): op = .greater
            case .symbol(.greaterEqual): op = .greaterEqual
            case .keyword(.in): op = .contains
            case .keyword(.not) where peek(1).kind == .keyword(.in):
                advance()
                op = .contains
                negated = true
            default: return left
            }
            advance()
            let right = try parseRange()
            let span = left.span.merged(with: right.span)
            left = Expr(kind: negated ? .notIn(left, right) : .binary(op, left, right), span: span)
        }
    }

    mutating func parseRange() throws -> Expr {
        let left = try parseAdditive()
        let inclusive: Bool
        if check(.halfOpenRange) {
            inclusive = false
        } else if check(.closedRange) {
            inclusive = true
        } else {
            return left
        }
        advance()
        let right = try parseAdditive()
        return Expr(kind: .range(left, right, inclusive: inclusive), span: left.span.merged(with: right.span))
    }

    mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.plus): op = .add
            case .symbol(.minus): op = .subtract
            default: return left
            }
            advance()
            let right = try parseMultiplicative()
            left = Expr(kind: .binary(op, left, right), span: left.span.merged(with: right.span))
        }
    }

    mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOperator
            switch current.kind {
            case .symbol(.star): op = .multiply
            case .symbol(.slash): op = .divide
            case .symbol(.doubleSlash): op = .floorDivide
            case .symbol(.percent): op = .modulo
            case .symbol(.at): op = .matmul
            default: return left
            }
            advance()
            let right = try parseUnary()
            left = Expr(kind: .binary(op, left, right), span: left.span.merged(with: right.span))
        }
    }

    mutating func parseUnary() throws -> Expr {
        try enter()
        defer { depth -= 1 }
        if check(.minus) {
            let start = advance().span
            let operand = try parseUnary()
            let span = start.merged(with: operand.span)
            switch operand.kind {
            case .literal(.int(let value)) where value != Int64.min:
                return Expr(kind: .literal(.int(-value)), span: span)
            case .literal(.float(let value)):
                return Expr(kind: .literal(.float(-value)), span: span)
            default:
                return Expr(kind: .unary(.negate, operand), span: span)
            }
        }
        if check(.plus) {
            advance()
            return try parseUnary()
        }
        return try parsePower()
    }

    mutating func parsePower() throws -> Expr {
        let base = try parsePostfix()
        guard match(.starStar) else { return base }
        let exponent = try parseUnary()
        return Expr(kind: .binary(.power, base, exponent), span: base.span.merged(with: exponent.span))
    }

    // MARK: Postfix

    mutating func parsePostfix() throws -> Expr {
        var expression = try parsePrimary()
        while true {
            if check(.leftParen) {
                advance()
                let arguments = try parseArguments()
                let close = try expect(.rightParen, "to close the argument list")
                expression = Expr(kind: .call(expression, arguments), span: expression.span.merged(with: close.span))
                if let block = try parseTrailingBlock() { expression = appendBlock(block, to: expression) }
            } else if check(.leftBracket) {
                advance()
                let items = try parseSubscript()
                let close = try expect(.rightBracket, "to close the subscript")
                expression = Expr(kind: .index(expression, items), span: expression.span.merged(with: close.span))
            } else if check(.dot) {
                advance()
                let name = try expectIdentifier("after '.'")
                guard case .identifier(let member) = name.kind else { throw ParseAbort() }
                expression = Expr(kind: .member(expression, member, name.span), span: expression.span.merged(with: name.span))
            } else if let block = try parseTrailingBlock() {
                expression = appendBlock(block, to: expression)
            } else {
                return expression
            }
        }
    }

    /// A `{ ... }` right after a callee, when allowed here: a function of no parameters.
    mutating func parseTrailingBlock() throws -> Expr? {
        guard check(.leftBrace), !noTrailingBlock else { return nil }
        let start = current.span
        let body = try parseBlock("")
        let function = FunctionDecl(name: nil, binding: nil, parameters: [], positionalCount: 0, body: body, span: start.merged(with: body.span))
        return Expr(kind: .function(function), span: function.span)
    }

    func appendBlock(_ block: Expr, to expression: Expr) -> Expr {
        let argument = Argument(label: nil, labelSpan: nil, value: block)
        let span = expression.span.merged(with: block.span)
        if case .call(let callee, let arguments) = expression.kind {
            return Expr(kind: .call(callee, arguments + [argument]), span: span)
        }
        return Expr(kind: .call(expression, [argument]), span: span)
    }

    mutating func parseArguments() throws -> [Argument] {
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        var arguments: [Argument] = []
        skipNewlines()
        while !check(.rightParen) {
            if case .identifier(let label) = current.kind, peek(1).kind == .symbol(.colon) {
                let labelToken = advance()
                advance()
                skipNewlines()
                let value = try parseExpression()
                arguments.append(Argument(label: label, labelSpan: labelToken.span, value: value))
            } else {
                let value = try parseExpression()
                if arguments.contains(where: { $0.label != nil }) {
                    throw error(.positionalArgumentAfterLabelled(value.span))
                }
                arguments.append(Argument(label: nil, labelSpan: nil, value: value))
            }
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        return arguments
    }

    mutating func parseSubscript() throws -> [IndexItem] {
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        var items: [IndexItem] = []
        repeat {
            if check(.closedRange), peek(1).kind == .symbol(.comma) || peek(1).kind == .symbol(.rightBracket) {
                advance()
                items.append(.ellipsis)
                continue
            }
            var start: Expr?
            if !check(.colon) { start = try parseExpression() }
            guard match(.colon) else {
                if let start { items.append(.expression(start)) }
                else { throw error(.expected("an index", found: current)) }
                continue
            }
            var stop: Expr?
            var step: Expr?
            if !check(.colon) && !check(.comma) && !check(.rightBracket) { stop = try parseExpression() }
            if match(.colon), !check(.comma) && !check(.rightBracket) { step = try parseExpression() }
            items.append(.slice(start, stop, step))
        } while match(.comma)
        return items
    }

    // MARK: Primary

    mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .int(let value):
            advance()
            return Expr(kind: .literal(.int(value)), span: token.span)
        case .float(let value):
            advance()
            return Expr(kind: .literal(.float(value)), span: token.span)
        case .string(let parts):
            advance()
            return try stringExpression(parts, span: token.span)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expr(kind: .literal(.bool(token.kind == .keyword(.true))), span: token.span)
        case .keyword(.nil):
            advance()
            return Expr(kind: .literal(.nil), span: token.span)
        case .identifier(let name):
            advance()
            return Expr(kind: .name(NameRef(name: name, span: token.span)), span: token.span)
        case .symbol(.leftParen):
            return try parseParenthesized()
        case .symbol(.leftBracket):
            return try parseList()
        case .symbol(.leftBrace):
            return try parseDict()
        case .keyword(.fn):
            advance()
            let function = try parseFunction(start: token.span, named: false)
            return Expr(kind: .function(function), span: function.span)
        case .keyword(.if):
            return try parseIf()
        case .keyword(.try):
            return try parseTry()
        default:
            throw error(.expected("an expression", found: token))
        }
    }

    mutating func parseParenthesized() throws -> Expr {
        let open = advance()
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        skipNewlines()
        if check(.rightParen) {
            let close = advance()
            return Expr(kind: .tuple([]), span: open.span.merged(with: close.span))
        }
        let first = try parseExpression()
        skipNewlines()
        guard check(.comma) else {
            let close = try expect(.rightParen, "to close '('")
            return Expr(kind: first.kind, span: open.span.merged(with: close.span))
        }
        var items = [first]
        while match(.comma) {
            skipNewlines()
            if check(.rightParen) { break }
            items.append(try parseExpression())
            skipNewlines()
        }
        let close = try expect(.rightParen, "to close the tuple")
        return Expr(kind: .tuple(items), span: open.span.merged(with: close.span))
    }

    mutating func parseList() throws -> Expr {
        let open = advance()
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        var items: [Expr] = []
        skipNewlines()
        while !check(.rightBracket) {
            items.append(try parseExpression())
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        guard check(.rightBracket) else { throw error(.unclosed("'['", opened: open.span, found: current)) }
        let close = advance()
        return Expr(kind: .list(items), span: open.span.merged(with: close.span))
    }

    mutating func parseDict() throws -> Expr {
        let open = advance()
        let saved = noTrailingBlock
        noTrailingBlock = false
        defer { noTrailingBlock = saved }
        var entries: [(Expr, Expr)] = []
        skipNewlines()
        while !check(.rightBrace) {
            let key = try parseExpression()
            skipNewlines()
            try expect(.colon, "between a key and its value")
            skipNewlines()
            let value = try parseExpression()
            entries.append((key, value))
            skipNewlines()
            if !match(.comma) { break }
            skipNewlines()
        }
        guard check(.rightBrace) else { throw error(.unclosed("'{'", opened: open.span, found: current)) }
        let close = advance()
        return Expr(kind: .dict(entries), span: open.span.merged(with: close.span))
    }

    /// Looks past newlines for `keyword`; consumes them only when it is there.
    mutating func matchAfterNewlines(_ keyword: Keyword) -> Bool {
        var offset = 0
        while peek(offset).kind == .newline { offset += 1 }
        guard peek(offset).kind == .keyword(keyword) else { return false }
        for _ in 0...offset { advance() }
        return true
    }

    mutating func parseIf() throws -> Expr {
        let start = advance().span
        var branches: [(Expr, Block)] = []
        var elseBlock: Block?
        let condition = try parseCondition()
        let body = try parseBlock("to open the body of 'if'")
        branches.append((condition, body))
        var end = body.span
        while matchAfterNewlines(.else) {
            if match(.if) {
                let condition = try parseCondition()
                let body = try parseBlock("to open the body of 'else if'")
                branches.append((condition, body))
                end = body.span
            } else {
                let body = try parseBlock("after 'else'")
                elseBlock = body
                end = body.span
                break
            }
        }
        return Expr(kind: .ifElse(branches, elseBlock), span: start.merged(with: end))
    }

    mutating func parseTry() throws -> Expr {
        let start = advance().span
        let body = try parseBlock("after 'try'")
        guard matchAfterNewlines(.catch) else {
            throw error(.expected("'catch' after the 'try' block", found: current))
        }
        var binding: Binding?
        if case .identifier(let name) = current.kind {
            let token = advance()
            binding = Binding(name: name, span: token.span)
        }
        let handler = try parseBlock("to open the 'catch' block")
        return Expr(kind: .tryCatch(body, binding, handler), span: start.merged(with: handler.span))
    }

    // MARK: Strings

    mutating func stringExpression(_ parts: [StringPart], span: SourceSpan) throws -> Expr {
        if parts.count == 1, case .text(let text) = parts[0] {
            return Expr(kind: .literal(.string(text)), span: span)
        }
        var pieces: [InterpolationPiece] = []
        for part in parts {
            switch part {
            case .text(let text):
                pieces.append(.text(text))
            case .interpolation(let text, let start, let format):
                let lexed = Lexer.tokenize(text, source: source, start: start)
                var tokens = lexed.tokens
                if tokens.count >= 2, tokens[tokens.count - 2].kind == .newline { tokens.remove(at: tokens.count - 2) }
                var inner = Parser(tokens: tokens, source: source)
                inner.depth = depth
                diagnostics += lexed.diagnostics
                do {
                    inner.skipNewlines()
                    let expression = try inner.parseExpression()
                    inner.skipNewlines()
                    if !inner.atEnd { throw inner.error(.expected("'}' to end the interpolation", found: inner.current)) }
                    pieces.append(.expression(expression, format: format))
                } catch {
                    pieces.append(.text(""))
                }
                diagnostics += inner.diagnostics
            }
        }
        return Expr(kind: .interpolated(pieces), span: span)
    }
}
