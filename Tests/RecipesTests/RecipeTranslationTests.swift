import Foundation
import Testing
@testable import Recipes

@Suite struct RecipeTranslationTests {
    static let minimal = "model_name_or_path: tiny\ndataset: identity\n"

    /// `lfs train <example> --print` output, compared with the reviewed copy in Golden/.
    @Test(arguments: ["tiny_lora_sft", "tiny_dpo", "tiny_freeze", "tiny_kto"])
    func examplesMatchGolden(name: String) throws {
        let root = RecipeTestSupport.root
        let file = RecipeTestSupport.example(name)
        let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
        let program = try Recipe.program(
            text: text, file: file, overrides: [], translator: RecipeTestSupport.translator)
        let golden = try String(
            contentsOfFile: root + "/Tests/RecipesTests/Golden/\(name).lfs", encoding: .utf8)
        #expect(program.code == golden)
    }

    @Test func defaultsAreLLaMAFactorys() throws {
        let code = try RecipeTestSupport.program(Self.minimal).code
        #expect(code.contains("model.lora(rank: 8, alpha: 16, dropout: 0.0, targets: \"all\""))
        #expect(code.contains("cutoff: 2048"))
        #expect(code.contains("template: \"auto\""))
        #expect(code.contains("scheduler: \"linear\""))
        #expect(code.contains("lr: 5e-05"))
        #expect(code.contains("epochs: 3.0"))
        #expect(code.contains("batch_size: 8"))
        #expect(code.contains("logging_steps: 500"))
        #expect(code.contains("output_dir: \"trainer_output\""))
        #expect(code.contains("train.sft(\n"))
    }

    @Test func unknownKeyNamesKeyAndLineWithHint() throws {
        let error = try #require(RecipeTestSupport.error(Self.minimal + "stage: sft\nlora_rnak: 8\n"))
        #expect(error.message.contains("unsupported key 'lora_rnak'"))
        #expect(error.location == RecipeLocation(file: "r.yaml", line: 4))
        #expect(error.hint == "did you mean 'lora_rank'?")
        #expect(error.description.hasPrefix("r.yaml:4: error: unsupported key 'lora_rnak'"))
    }

    @Test func badValuesAreRejected() throws {
        let stage = try #require(RecipeTestSupport.error(Self.minimal + "stage: foo\n"))
        #expect(stage.message == "bad value 'foo' for 'stage' (sft, pt, rm, dpo or kto expected)")
        #expect(stage.location?.line == 3)
        let rank = try #require(RecipeTestSupport.error(Self.minimal + "lora_rank: eight\n"))
        #expect(rank.message.contains("bad value 'eight' for 'lora_rank' (an int expected"))
        let flag = try #require(RecipeTestSupport.error(Self.minimal + "use_dora: 1\n"))
        #expect(flag.message.contains("'use_dora' (true or false expected"))
        let hinted = try #require(RecipeTestSupport.error(Self.minimal + "lr_scheduler_type: cosin\n"))
        #expect(hinted.hint == "did you mean 'cosine'?")
        let ppo = try #require(RecipeTestSupport.error(Self.minimal + "stage: ppo\n"))
        #expect(ppo.message.contains("'ppo' for 'stage'"))
    }

    @Test func overridesReplaceFileValues() throws {
        let code = try RecipeTestSupport.program(
            Self.minimal + "lora_rank: 4\nmax_steps: 100\n",
            overrides: ["max_steps=3", "lora_rank=2", "learning_rate=1e-3", "stage=pt", "dataset=pretrain_demo"]
        ).code
        #expect(code.contains("max_steps: 3,"))
        #expect(code.contains("model.lora(rank: 2, alpha: 4,"))
        #expect(code.contains("lr: 0.001"))
        #expect(code.contains("train.pt(\n"))
        #expect(code.contains("dataset(\"pretrain_demo\""))
        // Packed pre-training by default: with `packing` unset, LLaMA-Factory's blocks are
        // cutoff_len long (its DataArguments take one off only for an explicit packing: true).
        #expect(code.contains("cutoff: 2048,"))
        let error = try #require(RecipeTestSupport.error(Self.minimal, overrides: ["max_step=3"]))
        #expect(error.location == RecipeLocation(file: nil, line: 1))
        #expect(error.hint == "did you mean 'max_steps'?")
    }

    /// `lfs train tiny_packed_sft.yaml --print` (a recipe kept next to its golden output).
    @Test func packedSFTRecipeMatchesGolden() throws {
        let folder = RecipeTestSupport.root + "/Tests/RecipesTests/Golden/"
        let text = try String(contentsOfFile: folder + "tiny_packed_sft.yaml", encoding: .utf8)
        let program = try Recipe.program(
            text: text, file: "tiny_packed_sft.yaml", overrides: [], translator: RecipeTestSupport.translator)
        #expect(program.code == (try String(contentsOfFile: folder + "tiny_packed_sft.lfs", encoding: .utf8)))
    }

    /// LLaMA-Factory's `packing` (unset: on for stage pt only, hparams/parser.py) and the one
    /// it takes off cutoff_len when a recipe sets it (hparams/data_args.py), per stage.
    @Test(arguments: [
        ("sft", "", "cutoff: 512,", nil as String?),
        ("sft", "packing: true\n", "cutoff: 511,", "packing: true" as String?),
        ("sft", "packing: false\n", "cutoff: 512,", nil),
        ("pt", "", "cutoff: 512,", nil),
        ("pt", "packing: true\n", "cutoff: 511,", nil),
        ("pt", "packing: false\n", "cutoff: 512,", "packing: false"),
        ("dpo", "packing: true\n", "cutoff: 511,", nil),
    ])
    func packingFollowsLLaMAFactory(stage: String, extra: String, cutoff: String, packing: String?) throws {
        let data = ["sft": "identity", "pt": "pretrain_demo", "dpo": "preference_demo"][stage] ?? ""
        let code = try RecipeTestSupport.program(
            "model_name_or_path: tiny\nstage: \(stage)\ndataset: \(data)\ncutoff_len: 512\n" + extra).code
        #expect(code.contains(cutoff), "\(code)")
        #expect(code.contains(", packing: ") == (packing != nil))
        if let packing { #expect(code.contains(", " + packing + ")")) }
    }

    @Test func neatPackingIsRefused() throws {
        let neat = try #require(RecipeTestSupport.error(Self.minimal + "neat_packing: true\n"))
        #expect(neat.message.contains("neat_packing") && neat.message.contains("not supported"))
        #expect(neat.location?.line == 3)
        #expect(try RecipeTestSupport.program(Self.minimal + "neat_packing: false\n").code.contains("train.sft"))
        let short = try #require(RecipeTestSupport.error(Self.minimal + "packing: true\ncutoff_len: 1\n"))
        #expect(short.message.contains("packing needs cutoff_len of at least 2"))
    }

    @Test func methodsMapToAdapterBuiltins() throws {
        let lora = try RecipeTestSupport.program(
            Self.minimal
                + "lora_target: q_proj, v_proj\nuse_dora: true\nuse_rslora: true\npissa_init: true\nlora_dropout: 0.05\nmixture_of_depths: convert\n"
        ).code
        #expect(lora.contains(
            "model.lora(rank: 8, alpha: 16, dropout: 0.05, targets: [\"q_proj\", \"v_proj\"], rslora: true, dora: true,"))
        #expect(lora.contains("init: \"pissa\""))
        #expect(lora.contains("model.mod()"))
        let freeze = try RecipeTestSupport.program(
            Self.minimal + "finetuning_type: freeze\nfreeze_trainable_layers: -1\nfreeze_trainable_modules: mlp,self_attn\n"
        ).code
        #expect(freeze.contains("model.freeze(trainable_layers: -1, modules: [\"mlp\", \"self_attn\"], extra: nil)"))
        #expect(!freeze.contains("model.lora"))
        let full = try RecipeTestSupport.program(Self.minimal + "finetuning_type: full\n").code
        #expect(full.contains("for p in model.params().values() { p.requires_grad = true }"))
        let mixed = try #require(RecipeTestSupport.error(Self.minimal + "finetuning_type: full\nuse_dora: true\n"))
        #expect(mixed.message.contains("'use_dora' is only valid for LoRA training"))
    }

    @Test func preferenceStagesPassTheirOptions() throws {
        let dpo = try RecipeTestSupport.program(
            "model_name_or_path: tiny\nstage: dpo\ndataset: preference_demo\npref_beta: 0.2\npref_loss: simpo\nsimpo_gamma: 0.7\npref_ftx: 0.5\n"
        ).code
        #expect(dpo.contains("train.dpo("))
        #expect(dpo.contains("beta: 0.2, loss: \"simpo\", label_smoothing: 0.0, ftx: 0.5, simpo_gamma: 0.7"))
        #expect(dpo.contains("stage: \"dpo\""))
        let kto = try RecipeTestSupport.program(
            "model_name_or_path: tiny\nstage: kto\ndataset: identity\nkto_rejected_weight: 1.5\n").code
        #expect(kto.contains("beta: 0.1, desirable_weight: 1.0, undesirable_weight: 1.5"))
        // LLaMA-Factory: ranked data only for rm and dpo.
        let wrong = try #require(RecipeTestSupport.error("model_name_or_path: tiny\nstage: dpo\ndataset: identity\n"))
        #expect(wrong.message.contains("not a preference (ranking) set"))
        #expect(wrong.location?.line == 3)
    }

    @Test func datasetNamesResolveThroughTheRegistry() throws {
        let error = try #require(RecipeTestSupport.error("model_name_or_path: tiny\ndataset: identiy\n"))
        #expect(error.message.contains("'identiy' is not in"))
        #expect(error.hint == "did you mean 'identity'?")
        let code = try RecipeTestSupport.program(Self.minimal).code
        #expect(code.contains("dataset(\"identity\", dataset_dir: \"data\", stage: \"sft\""))
        // Elsewhere, with no data/ folder, the bundled sets are used.
        let elsewhere = RecipeTranslator(currentDirectory: "/nonexistent-folder")
        let bundled = try Recipe.program(text: Self.minimal, file: "r.yaml", overrides: [], translator: elsewhere).code
        #expect(bundled.contains("dataset(\"identity\", stage: \"sft\""))
        let missing = try #require(
            RecipeTestSupport.error(Self.minimal + "dataset_dir: nowhere\n"))
        #expect(missing.message.contains("no dataset_info.json in dataset_dir 'nowhere'"))
    }

    /// LLaMA-Factory's `dataset: a,b`: registered sets, concatenated by the dataset builtin.
    @Test func severalDataSetsNeedARegistry() throws {
        let code = try RecipeTestSupport.program(
            "model_name_or_path: tiny\ndataset: identity, sft_demo\ndataset_dir: data\nmax_samples: 5\n").code
        #expect(code.contains(
            "let data = dataset(\"identity,sft_demo\", dataset_dir: \"data\", stage: \"sft\""))
        #expect(code.contains("max_samples: 5,"))
        // Each name is checked against the registry.
        let typo = try #require(
            RecipeTestSupport.error("model_name_or_path: tiny\ndataset: identity,sft_dmeo\n"))
        #expect(typo.message.contains("'sft_dmeo' is not in"))
        #expect(typo.hint == "did you mean 'sft_demo'?")
        // With no registry, the bundled sets are used one at a time.
        let elsewhere = RecipeTranslator(currentDirectory: "/nonexistent-folder")
        do {
            _ = try Recipe.program(
                text: "model_name_or_path: tiny\ndataset: identity,sft_demo\n", file: "r.yaml",
                overrides: [], translator: elsewhere)
            Issue.record("several sets without a registry translated")
        } catch let error as RecipeError {
            #expect(error.message.contains("several data sets (identity, sft_demo) need a dataset_dir"))
            #expect(error.location == RecipeLocation(file: "r.yaml", line: 2))
        }
    }

    /// Keys the stage or method never reads are noted, not silently dropped.
    @Test func keysTheStageDoesNotReadAreNoted() throws {
        let program = try RecipeTestSupport.program(
            Self.minimal + "finetuning_type: full\nlora_rank: 4\npref_beta: 0.2\n")
        #expect(program.notes == [
            "lora_rank: no effect with finetuning_type: full (LLaMA-Factory ignores it too)",
            "pref_beta: no effect with stage: sft (LLaMA-Factory ignores it too)",
        ])
        #expect(program.code.contains("# pref_beta: no effect with stage: sft"))
        #expect(try RecipeTestSupport.program(Self.minimal + "lora_rank: 4\n").notes.isEmpty)
    }

    @Test func validationSplitAndEvaluation() throws {
        let code = try RecipeTestSupport.program(
            Self.minimal + "val_size: 0.1\neval_strategy: steps\nlogging_steps: 7\n").code
        #expect(code.contains("let data, val_data = all_data.split(val: 0.1, seed: 42)"))
        #expect(code.contains("eval_steps: 7, val_data: val_data"))
        let error = try #require(RecipeTestSupport.error(Self.minimal + "eval_strategy: steps\n"))
        #expect(error.message.contains("needs a validation split"))
    }

    @Test func noOpKeysAreAcceptedAndExplained() throws {
        let program = try RecipeTestSupport.program(
            Self.minimal + "bf16: true\ntrust_remote_code: true\nreport_to: none\nddp_timeout: 180000000\n")
        #expect(program.notes.count == 4)
        #expect(program.notes[0].hasPrefix("bf16: accepted, no effect: lfs computes in float32"))
        #expect(program.code.contains("# bf16: accepted, no effect"))
        let wandb = try #require(RecipeTestSupport.error(Self.minimal + "report_to: wandb\n"))
        #expect(wandb.message.contains("bad value 'wandb' for 'report_to'"))
        let train = try #require(RecipeTestSupport.error(Self.minimal + "do_train: false\n"))
        #expect(train.location?.line == 3)
    }

    @Test func missingModelIsAnError() throws {
        let error = try #require(RecipeTestSupport.error("dataset: identity\n"))
        #expect(error.message.contains("model_name_or_path"))
    }

    @Test func stringsAreEscapedInCode() {
        #expect(LfsCode.string("a\"b{c}\\") == "\"a\\\"b\\{c\\}\\\\\"")
        #expect(LfsCode.float(3) == "3.0")
        #expect(LfsCode.float(5e-5) == "5e-05")
    }

    @Test func commandLineWords() throws {
        let options = try Recipe.parse(["r.yaml", "max_steps=3", "--print"])
        #expect(options.file == "r.yaml")
        #expect(options.overrides == ["max_steps=3"])
        #expect(options.printOnly)
        #expect(throws: RecipeError.self) { try Recipe.parse([]) }
        #expect(throws: RecipeError.self) { try Recipe.parse(["r.yaml", "--verbose"]) }
        #expect(try Recipe.parse(["--keys"]).listKeys)
    }
}
