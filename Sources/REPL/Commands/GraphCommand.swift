import Foundation

/// `:graph expr [file]`: renders the graph of a value through the `graph` builtin and,
/// on a terminal, prints the path written. Without a file it writes a fresh `.svg` in
/// the temporary folder.
enum GraphCommand {
    /// The extensions that mark the last word as the output file.
    static let fileExtensions = ["svg", "png", "pdf", "dot", "gv"]

    static let command = REPLCommand(
        name: "graph", usage: "expr [file]",
        summary: "render the graph of a value (.svg .png .pdf .dot; default a temporary .svg)",
        argument: .expression
    ) { session, argument in
        guard !argument.isEmpty else {
            session.writeErrorLine("usage: :graph expr [file]")
            return .proceed
        }
        let (expression, file) = split(argument)
        let path = file ?? temporaryPath()
        let result = session.engine.evaluate("graph((\(expression)), \(stringLiteral(path)))")
        switch result {
        case .completed:
            if session.reader.isInteractive { session.writeLine(path) }
        case .failed:
            session.show(result)
        }
        return .proceed
    }

    /// The expression and, when the last word ends in a graph extension, the file.
    /// `loss out.svg` → ("loss", "out.svg"); `f(a, "x.svg")` stays one expression.
    static func split(_ argument: String) -> (expression: String, file: String?) {
        let start: String.Index
        let unquoted: String
        if argument.last == "\"", let open = argument.dropLast().lastIndex(of: "\"") {
            // A quoted file name may hold spaces: `:graph x "my graph.svg"`.
            start = open
            unquoted = String(
                argument[argument.index(after: open)..<argument.index(before: argument.endIndex)])
        } else if let space = argument.lastIndex(where: \.isWhitespace) {
            start = argument.index(after: space)
            unquoted = String(argument[start...])
        } else {
            return (argument, nil)
        }
        let expression = String(argument[..<start]).trimmingCharacters(in: .whitespaces)
        let pathExtension = unquoted.split(separator: ".").last.map { $0.lowercased() } ?? ""
        guard !expression.isEmpty, unquoted.contains("."),
            fileExtensions.contains(pathExtension), !unquoted.contains("(")
        else { return (argument, nil) }
        return (expression, unquoted)
    }

    /// A new `.svg` path in the temporary folder.
    static func temporaryPath() -> String {
        let name =
            "lfs-graph-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).svg"
        return FileManager.default.temporaryDirectory.appendingPathComponent(name).path
    }

    /// `text` as an lfs string literal.
    static func stringLiteral(_ text: String) -> String {
        var literal = "\""
        for character in text {
            switch character {
            case "\\": literal += "\\\\"
            case "\"": literal += "\\\""
            case "{": literal += "{{"
            case "}": literal += "}}"
            case "\n": literal += "\\n"
            default: literal.append(character)
            }
        }
        return literal + "\""
    }
}
