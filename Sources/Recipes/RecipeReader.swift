import Foundation
import Yams

/// Reads a LLaMA-Factory recipe: a flat YAML mapping of scalars (comments, quoting and
/// YAML 1.1 scalar typing as PyYAML's `safe_load`, which LLaMA-Factory uses), and the
/// `key=value` overrides typed the same way.
public enum RecipeReader {
    /// The entries of a recipe file's text, in file order.
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - file: its path, for messages.
    /// - Throws: ``RecipeError`` for invalid YAML, a document that is not a mapping, a
    ///   nested value or a key given twice, at its line.
    public static func entries(of text: String, file: String) throws -> [RecipeEntry] {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw describe(error, file: file)
        } catch {
            throw RecipeError("not valid YAML: \(error)", at: RecipeLocation(file: file, line: 1))
        }
        guard let root else { return [] }
        guard case .mapping(let mapping) = root else {
            throw RecipeError(
                "a recipe is a mapping of `key: value` lines",
                at: RecipeLocation(file: file, line: root.mark?.line ?? 1))
        }
        var entries: [RecipeEntry] = []
        for (keyNode, valueNode) in mapping {
            let location = RecipeLocation(file: file, line: keyNode.mark?.line ?? 1)
            guard case .scalar(let key) = keyNode else {
                throw RecipeError("a key must be a plain name", at: location)
            }
            guard case .scalar(let scalar) = valueNode else {
                throw RecipeError(
                    "'\(key.string)' takes one value (text, a number or a bool), not a list or mapping",
                    at: location,
                    hint: "LLaMA-Factory writes lists as comma-separated text: `lora_target: q_proj,v_proj`")
            }
            if let earlier = entries.first(where: { $0.key == key.string }) {
                throw RecipeError(
                    "'\(key.string)' is given twice (first at line \(earlier.location.line))",
                    at: location)
            }
            entries.append(RecipeEntry(key: key.string, value: value(of: scalar), location: location))
        }
        return entries
    }

    /// The entries of `key=value` overrides; the location of each is its position.
    /// - Throws: ``RecipeError`` for a word without `=` or with an empty key.
    public static func overrides(_ words: [String]) throws -> [RecipeEntry] {
        try words.enumerated().map { index, word in
            let location = RecipeLocation(file: nil, line: index + 1)
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw RecipeError(
                    "override '\(word)' is not of the form key=value", at: location,
                    hint: "for example: lfs train recipe.yaml max_steps=10 learning_rate=1.0e-4")
            }
            let key = String(word[..<equals]).trimmingCharacters(in: .whitespaces)
            let text = String(word[word.index(after: equals)...])
            return RecipeEntry(key: key, value: typed(text), location: location)
        }
    }

    /// Text typed as a plain YAML scalar would be.
    public static func typed(_ text: String) -> RecipeValue {
        value(of: Node.Scalar(text))
    }

    static func value(of scalar: Node.Scalar) -> RecipeValue {
        let node = Node.scalar(scalar)
        let tag = node.tag  // resolved by YAML 1.1's rules; quoted scalars stay text
        if tag == Tag(.null) { return .null }
        if tag == Tag(.bool) { return node.bool.map(RecipeValue.bool) ?? .string(scalar.string) }
        if tag == Tag(.int) { return node.int.map(RecipeValue.int) ?? .string(scalar.string) }
        if tag == Tag(.float) { return node.float.map(RecipeValue.float) ?? .string(scalar.string) }
        return .string(scalar.string)
    }

    static func describe(_ error: YamlError, file: String) -> RecipeError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return RecipeError("not valid YAML: \(detail)", at: RecipeLocation(file: file, line: mark.line))
        default:
            return RecipeError("not valid YAML: \(error)", at: RecipeLocation(file: file, line: 1))
        }
    }
}
