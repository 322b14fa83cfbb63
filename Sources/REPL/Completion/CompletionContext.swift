/// What the word under the cursor is, decided from the text before the cursor alone
/// (no evaluation): a global name, a member after `.`, an argument inside a call (where
/// labels are offered), a path inside a string, or a `:` command.
public enum CompletionContext: Equatable, Sendable {
    /// A name at the start of an expression: globals and keywords.
    case global(prefix: String)
    /// A member after `receiver.`; `receiver` is the dotted chain of names before the dot
    /// (`["model", "tokenizer"]`), nil when it is not a plain chain (`f(x).`).
    case member(receiver: [String]?, prefix: String)
    /// The start of an argument in a call to `callee` (a dotted chain, or nil when the
    /// callee is not one): labels and globals.
    case argument(callee: [String]?, prefix: String)
    /// Inside a string literal: `prefix` is the string's text so far.
    case path(prefix: String)
    /// A REPL command name after `:`.
    case command(prefix: String)
    /// The argument text of a REPL command (`:load da`, `:help ze`).
    case commandArgument(command: String, text: String)
    /// Nowhere completion helps (a comment, a number).
    case none

    /// Analyses the text before the cursor.
    /// - Parameter textBeforeCursor: the current line up to the cursor.
    public init(textBeforeCursor text: String) {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        if trimmed.first == ":" {
            let body = trimmed.dropFirst()
            if let space = body.firstIndex(where: { $0 == " " || $0 == "\t" }) {
                let argument = body[space...].drop { $0 == " " || $0 == "\t" }
                self = .commandArgument(command: String(body[..<space]), text: String(argument))
            } else {
                self = .command(prefix: String(body))
            }
            return
        }
        self = CompletionContext.code(Array(text))
    }

    /// Analyses a line of code given as characters.
    static func code(_ characters: [Character]) -> CompletionContext {
        let scan = CodeScan(characters)
        switch scan.state {
        case .comment: return .none
        case .string(let start): return .path(prefix: String(characters[start...]))
        case .code: break
        }
        var start = characters.count
        while start > 0, isIdentifier(characters[start - 1]) { start -= 1 }
        let prefix = String(characters[start...])
        if let first = prefix.first, first.isNumber { return .none }
        if start > 0, characters[start - 1] == "." {
            if start > 1, characters[start - 2].isNumber,
                chain(endingAt: start - 1, in: characters) == nil
            {
                return .none
            }
            return .member(receiver: chain(endingAt: start - 1, in: characters), prefix: prefix)
        }
        var before = start
        while before > 0, characters[before - 1] == " " || characters[before - 1] == "\t" {
            before -= 1
        }
        if let open = scan.openBrackets.last, characters[open] == "(", before > 0,
            characters[before - 1] == "(" || characters[before - 1] == ","
        {
            return .argument(callee: chain(endingAt: open, in: characters), prefix: prefix)
        }
        return .global(prefix: prefix)
    }

    /// The dotted chain of identifiers ending just before `end` (`a.b` in `a.b(`), or nil.
    static func chain(endingAt end: Int, in characters: [Character]) -> [String]? {
        var names: [String] = []
        var index = end
        while true {
            var start = index
            while start > 0, isIdentifier(characters[start - 1]) { start -= 1 }
            guard start < index, !characters[start].isNumber else { return nil }
            names.insert(String(characters[start..<index]), at: 0)
            guard start > 0, characters[start - 1] == "." else { break }
            index = start - 1
        }
        return names
    }

    static func isIdentifier(_ character: Character) -> Bool {
        character == "_" || character.isLetter || character.isNumber
    }
}

/// A left-to-right scan of a line that tracks strings, comments and open brackets.
struct CodeScan {
    enum State: Equatable {
        case code
        /// Inside a string whose text starts at this index.
        case string(start: Int)
        case comment
    }

    private(set) var state = State.code
    /// Indices of the brackets still open, innermost last.
    private(set) var openBrackets: [Int] = []

    init(_ characters: [Character]) {
        var quote: Character = "\""
        var index = 0
        while index < characters.count {
            let character = characters[index]
            switch state {
            case .comment:
                break
            case .string:
                if character == "\\" && quote == "\"" {
                    index += 1
                } else if character == quote {
                    state = .code
                }
            case .code:
                switch character {
                case "#": state = .comment
                case "\"", "'":
                    quote = character
                    state = .string(start: index + 1)
                case "(", "[", "{": openBrackets.append(index)
                case ")", "]", "}": if !openBrackets.isEmpty { openBrackets.removeLast() }
                default: break
                }
            }
            index += 1
        }
    }
}
