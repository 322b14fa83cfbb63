import REPL

/// A word that, as the first argument, selects a mode other than running a file
/// (`lfs train recipe.yaml`, `lfs graph script.lfs -o out.svg`). A subcommand wins over
/// a file of the same name; run such a file as `lfs ./train`.
struct Subcommand: Sendable {
    /// The word typed after `lfs`.
    var name: String
    /// One line for `lfs --help`.
    var summary: String
    /// Runs with the words after the name. Subcommands may parse them with
    /// swift-argument-parser; usage mistakes must return ``ExitStatus/badUsage``.
    var run: @Sendable ([String]) -> ExitStatus
}

/// Every subcommand. Adding one is one entry here.
enum Subcommands {
    static let all: [Subcommand] = [GraphSubcommand.subcommand, TrainCommand.subcommand]

    /// The subcommand called `name`, if any.
    static func named(_ name: String) -> Subcommand? {
        all.first { $0.name == name }
    }
}
