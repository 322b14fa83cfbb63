import Foundation

/// `lfs train recipe.yaml [key=value ...] [--print]` up to the lfs program: the words
/// parsed, the file read, its keys merged with the overrides, checked and translated.
public enum Recipe {
    /// What the command line asks for.
    public struct Options: Equatable, Sendable {
        /// The recipe's path.
        public var file = ""
        /// The `key=value` words, in order.
        public var overrides: [String] = []
        /// `--print`: show the code instead of running it.
        public var printOnly = false
        /// `--keys`: list the supported keys.
        public var listKeys = false
    }

    /// The usage line.
    public static let usage = "usage: lfs train recipe.yaml [key=value ...] [--print]\n"
        + "       lfs train --keys\n"

    /// Parses the words after `train`.
    /// - Throws: ``RecipeError`` (without a location) for a usage mistake.
    public static func parse(_ words: [String]) throws -> Options {
        var options = Options()
        for word in words {
            switch word {
            case "--print": options.printOnly = true
            case "--keys": options.listKeys = true
            default:
                if word.hasPrefix("-") { throw RecipeError("unexpected option '\(word)'") }
                if word.contains("=") || !options.file.isEmpty {
                    options.overrides.append(word)
                } else {
                    options.file = word
                }
            }
        }
        if options.file.isEmpty && !options.listKeys { throw RecipeError("no recipe given") }
        return options
    }

    /// The program for a recipe file with overrides.
    /// - Throws: ``RecipeError`` for an unreadable file and every recipe mistake.
    public static func program(
        file: String, overrides: [String], translator: RecipeTranslator = RecipeTranslator()
    ) throws -> RecipeProgram {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw RecipeError("cannot read recipe '\(file)'")
        }
        return try program(text: text, file: file, overrides: overrides, translator: translator)
    }

    /// The program for a recipe's text.
    /// - Throws: ``RecipeError`` for every recipe mistake.
    public static func program(
        text: String, file: String, overrides: [String],
        translator: RecipeTranslator = RecipeTranslator()
    ) throws -> RecipeProgram {
        let settings = try RecipeSettings(
            file: try RecipeReader.entries(of: text, file: file),
            overrides: try RecipeReader.overrides(overrides))
        return try translator.translate(settings, file: file)
    }

    /// The supported keys, one per line: name, type, LLaMA-Factory's default, and for
    /// keys without effect in lfs, why.
    public static var keyList: String {
        RecipeKeys.all.map { key in
            let kind: String
            switch key.kind {
            case .text: kind = "text"
            case .int: kind = "int"
            case .float: kind = "float"
            case .bool: kind = "bool"
            case .choice(let words): kind = words.joined(separator: "|")
            }
            var line = key.name.padding(toLength: 30, withPad: " ", startingAt: 0)
                + "\(kind) (default \(key.defaultValue.text))"
            if let reason = key.noOpReason { line += "  no effect: \(reason)" }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
