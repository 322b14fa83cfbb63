import Testing
@testable import Recipes

@Suite struct RecipeReaderTests {
    @Test func typesScalarsAsYAML() throws {
        let text = """
            # a comment
            model_name_or_path: tiny   # trailing comment
            lora_rank: 8
            learning_rate: 1.0e-4
            use_dora: true
            max_samples: null
            template: "qwen"
            lora_target: q_proj,v_proj
            """
        let entries = try RecipeReader.entries(of: text, file: "r.yaml")
        #expect(entries.map(\.key) == [
            "model_name_or_path", "lora_rank", "learning_rate", "use_dora", "max_samples",
            "template", "lora_target",
        ])
        #expect(entries.map(\.value) == [
            .string("tiny"), .int(8), .float(1e-4), .bool(true), .null, .string("qwen"),
            .string("q_proj,v_proj"),
        ])
        #expect(entries.map(\.location.line) == [2, 3, 4, 5, 6, 7, 8])
    }

    @Test func quotedNumberStaysText() throws {
        let entries = try RecipeReader.entries(of: "seed: '42'\n", file: "r.yaml")
        #expect(entries.first?.value == .string("42"))
    }

    @Test func rejectsNestedValuesAndDuplicates() {
        #expect(throws: RecipeError.self) {
            try RecipeReader.entries(of: "a:\n  b: 1\n", file: "r.yaml")
        }
        do {
            _ = try RecipeReader.entries(of: "seed: 1\nstage: sft\nseed: 2\n", file: "r.yaml")
            Issue.record("a duplicate key was accepted")
        } catch let error as RecipeError {
            #expect(error.location == RecipeLocation(file: "r.yaml", line: 3))
            #expect(error.message.contains("'seed' is given twice"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func invalidYAMLNamesTheLine() {
        do {
            _ = try RecipeReader.entries(of: "stage: sft\nlora_rank: [8\n", file: "r.yaml")
            Issue.record("invalid YAML was accepted")
        } catch let error as RecipeError {
            #expect(error.message.hasPrefix("not valid YAML"))
            #expect(error.location?.file == "r.yaml")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func overridesAreTypedLikeYAML() throws {
        let entries = try RecipeReader.overrides(["max_steps=3", "use_dora=true", "template=chatml", "lr=1e-3", "x="])
        #expect(entries.map(\.value) == [.int(3), .bool(true), .string("chatml"), .float(1e-3), .null])
        #expect(throws: RecipeError.self) { try RecipeReader.overrides(["max_steps"]) }
        #expect(throws: RecipeError.self) { try RecipeReader.overrides(["=3"]) }
    }
}
