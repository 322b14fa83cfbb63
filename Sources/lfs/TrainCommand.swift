import Foundation
import Language
import REPL
import Recipes

/// `lfs train recipe.yaml [key=value ...] [--print]`: runs a LLaMA-Factory training
/// recipe by translating it to lfs code that calls the stdlib loops (`import train`),
/// then running that code; `--print` shows the code and runs nothing.
enum TrainCommand {
    static let subcommand = Subcommand(
        name: "train",
        summary: "run a LLaMA-Factory YAML recipe: train recipe.yaml [key=value ...] [--print]",
        run: run)

    static func run(_ words: [String]) -> ExitStatus {
        let options: Recipe.Options
        do {
            options = try Recipe.parse(words)
        } catch {
            let message = (error as? RecipeError)?.message ?? "\(error)"
            Output.error("lfs train: \(message)\n" + Recipe.usage)
            return .badUsage
        }
        if options.listKeys {
            Output.write(Recipe.keyList)
            return .success
        }
        let program: RecipeProgram
        do {
            program = try Recipe.program(file: options.file, overrides: options.overrides)
        } catch {
            Output.error("\(error)\n")
            return Runner.isReadableFile(options.file) ? .programError : .badUsage
        }
        if options.printOnly {
            Output.write(program.code)
            return .success
        }
        for note in program.notes { Output.error("lfs train: note: \(note)\n") }
        let interpreter = Runner.makeInterpreter(arguments: [])
        return Runner.execute(interpreter) { () throws(ScriptError) -> Value in
            try interpreter.run(source: program.code, name: options.file + " (as lfs)")
        }
    }
}
