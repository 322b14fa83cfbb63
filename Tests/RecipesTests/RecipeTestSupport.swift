import Foundation
@testable import Recipes

/// Paths and helpers shared by the recipe tests.
enum RecipeTestSupport {
    /// The repository root (Tests/RecipesTests/ is two folders below it).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// An example recipe's path relative to the root, as a user types it there.
    static func example(_ name: String) -> String { "Scripts/examples/recipes/\(name).yaml" }

    /// A translator working from the repository root (so `data/` is the bundled registry).
    static let translator = RecipeTranslator(currentDirectory: root)

    /// The program for recipe text, with overrides.
    static func program(_ text: String, overrides: [String] = [], file: String = "r.yaml") throws
        -> RecipeProgram
    {
        try Recipe.program(text: text, file: file, overrides: overrides, translator: translator)
    }

    /// The error a recipe raises, or nil if it translates.
    static func error(_ text: String, overrides: [String] = []) -> RecipeError? {
        do {
            _ = try program(text, overrides: overrides)
            return nil
        } catch let error as RecipeError {
            return error
        } catch {
            return RecipeError("unexpected \(error)")
        }
    }
}
