import Foundation

/// The lfs program a recipe becomes, and the notes about keys it accepted without effect.
public struct RecipeProgram: Equatable, Sendable {
    /// The lfs source: load the model, set up the adapter, read the data, call the loop.
    public var code: String
    /// One line per key that changes nothing in lfs, saying why.
    public var notes: [String]
}

/// Translates a checked recipe into lfs code calling the stdlib loops (`train.sft`,
/// `train.pt`, `train.rm`, `train.dpo`, `train.kto`), passing LLaMA-Factory's default
/// for every key the recipe leaves out, so the run does what LLaMA-Factory's would.
public struct RecipeTranslator: Sendable {
    /// The folder relative paths (`dataset_dir`) start from.
    public var currentDirectory: String
    /// Reads a file's text (the data set registry), nil when it cannot.
    public var readFile: @Sendable (String) -> String?

    /// A translator reading from the file system relative to `currentDirectory`.
    public init(
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        readFile: @escaping @Sendable (String) -> String? = {
            try? String(contentsOfFile: $0, encoding: .utf8)
        }
    ) {
        self.currentDirectory = currentDirectory
        self.readFile = readFile
    }

    /// The program for `settings`, read from the recipe at `file`.
    /// - Throws: ``RecipeError`` for a missing required key, a combination LLaMA-Factory
    ///   rejects, or a data set that is not in the registry.
    public func translate(_ settings: RecipeSettings, file: String) throws -> RecipeProgram {
        var builder = Builder(settings: settings, file: file, translator: self)
        return try builder.build()
    }

    /// The folder of `path`, absolute or relative to ``currentDirectory``.
    func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : (currentDirectory as NSString).appendingPathComponent(path)
    }
}

/// One translation's state: the settings and the lines written so far.
private struct Builder {
    let settings: RecipeSettings
    let file: String
    let translator: RecipeTranslator
    var lines: [String] = []

    init(settings: RecipeSettings, file: String, translator: RecipeTranslator) {
        self.settings = settings
        self.file = file
        self.translator = translator
    }

    var stage: String { settings.string("stage") ?? "sft" }
    var method: String { settings.string("finetuning_type") ?? "lora" }

    func fail(_ key: String, _ message: String, hint: String? = nil) -> RecipeError {
        RecipeError(
            message, at: settings.location(key) ?? RecipeLocation(file: file, line: 1), hint: hint)
    }

    mutating func build() throws -> RecipeProgram {
        try checkCombinations()
        let notes = settings.noOps.map { "\($0.key): accepted, no effect: \($0.reason)" }
            + unusedKeys.map { "\($0.key): no effect with \($0.reason) (LLaMA-Factory ignores it too)" }
        lines.append("# lfs code for the LLaMA-Factory recipe \(file) (`lfs train --print`).")
        lines.append("# Keys the recipe leaves out take LLaMA-Factory's defaults.")
        for note in notes { lines.append("# " + note) }
        lines.append("import train")
        lines.append("")
        try model()
        try adapter()
        try data()
        lines.append("")
        loop()
        lines.append(
            "print(\"lfs train:\", result[\"steps\"], \"steps, last loss\", result[\"loss\"], \"->\", result[\"output_dir\"])"
        )
        return RecipeProgram(code: lines.joined(separator: "\n") + "\n", notes: notes)
    }

    // MARK: Checks LLaMA-Factory makes (hparams/finetuning_args.py, parser.py)

    func checkCombinations() throws {
        if settings.has("do_train"), !settings.bool("do_train") {
            throw fail("do_train", "do_train: false asks for no training; lfs train only trains")
        }
        if method != "lora" {
            for key in ["loraplus_lr_ratio", "use_rslora", "use_dora", "pissa_init"]
            where settings.has(key) && settings.value(key) != .bool(false) {
                throw fail(key, "'\(key)' is only valid for LoRA training (finetuning_type: \(method))")
            }
        }
        if settings.bool("pissa_init"), stage == "kto" || (stage == "dpo" && usesReferenceModel) {
            throw fail("pissa_init", "PiSSA cannot be used with stage \(stage) and a reference model")
        }
        if stage == "dpo", settings.string("pref_loss") != "sigmoid",
            (settings.double("dpo_label_smoothing") ?? 0) > 1e-6
        {
            throw fail("dpo_label_smoothing", "dpo_label_smoothing is only valid for pref_loss: sigmoid")
        }
        if stage == "kto", (settings.double("pref_ftx") ?? 0) != 0 {
            throw fail("pref_ftx", "pref_ftx is not supported with stage kto (train.kto has no SFT term)")
        }
        if let text = settings.string("resume_from_checkpoint"), text != "false" {
            throw fail(
                "resume_from_checkpoint", "resume_from_checkpoint takes no path in lfs",
                hint: "lfs resumes from the last checkpoint in output_dir by itself; overwrite_output_dir: true starts over")
        }
        if settings.string("eval_strategy") == "steps", (settings.double("val_size") ?? 0) <= 0 {
            throw fail("eval_strategy", "eval_strategy: steps needs a validation split (val_size)")
        }
        for key in ["lora_rank", "per_device_train_batch_size", "gradient_accumulation_steps", "cutoff_len"]
        where (settings.int(key) ?? 1) < 1 {
            throw fail(key, "'\(key)' must be at least 1, got \(settings.value(key).text)")
        }
        if settings.bool("neat_packing") {
            throw fail(
                "neat_packing", "neat_packing (packing without attention across examples) is not supported",
                hint: "packing: true packs with attention across examples and positions restarting at each, "
                    + "as LLaMA-Factory's packing")
        }
        if settings.bool("packing"), (settings.int("cutoff_len") ?? 2048) < 2 {
            throw fail("cutoff_len", "packing needs cutoff_len of at least 2 (LLaMA-Factory takes one off it)")
        }
    }

    /// Keys given that the chosen stage or method does not read, with that stage or method.
    var unusedKeys: [(key: String, reason: String)] {
        let loraKeys = ["lora_rank", "lora_alpha", "lora_dropout", "lora_target"]
        let freezeKeys = ["freeze_trainable_layers", "freeze_trainable_modules", "freeze_extra_modules"]
        let dpoKeys = ["pref_loss", "pref_ftx", "simpo_gamma", "dpo_label_smoothing"]
        let ktoKeys = ["kto_chosen_weight", "kto_rejected_weight"]
        var unused: [(String, String)] = []
        func mark(_ keys: [String], _ reason: String) {
            for key in keys where settings.has(key) { unused.append((key, reason)) }
        }
        if method != "lora" { mark(loraKeys, "finetuning_type: \(method)") }
        if method != "freeze" { mark(freezeKeys, "finetuning_type: \(method)") }
        if stage != "dpo" { mark(dpoKeys, "stage: \(stage)") }
        if stage != "kto" { mark(ktoKeys, "stage: \(stage)") }
        if stage != "dpo" && stage != "kto" { mark(["pref_beta"], "stage: \(stage)") }
        if settings.string("eval_strategy") != "steps" { mark(["eval_steps"], "eval_strategy: no") }
        return unused
    }

    /// DPO with a loss that compares against a reference model.
    var usesReferenceModel: Bool {
        !["orpo", "simpo"].contains(settings.string("pref_loss") ?? "sigmoid")
    }

    // MARK: Model and adapter

    mutating func model() throws {
        guard let name = settings.string("model_name_or_path") else {
            throw RecipeError(
                "the recipe names no model (model_name_or_path)",
                at: RecipeLocation(file: file, line: 1),
                hint: "model_name_or_path: tiny is the embedded model; a folder with config.json works too")
        }
        lines.append("let model = load_model(\(LfsCode.string(name)))")
        if settings.string("mixture_of_depths") == "convert" {
            lines.append("model.mod()                                   # mixture_of_depths: convert")
        }
    }

    mutating func adapter() throws {
        switch method {
        case "lora":
            let rank = settings.int("lora_rank") ?? 8
            let alpha = settings.int("lora_alpha") ?? 2 * rank
            let targets = settings.string("lora_target") ?? "all"
            guard !LfsCode.splitNames(targets).isEmpty else {
                throw fail("lora_target", "lora_target names no module")
            }
            lines.append(
                LfsCode.call(
                    "let adapter = ", "model.lora",
                    groups: [LfsCode.labelled([
                        ("rank", String(rank)), ("alpha", String(alpha)),
                        ("dropout", LfsCode.float(settings.double("lora_dropout") ?? 0)),
                        ("targets", LfsCode.names(targets)),
                        ("rslora", String(settings.bool("use_rslora"))),
                        ("dora", String(settings.bool("use_dora"))),
                        ("init", settings.bool("pissa_init") ? "\"pissa\"" : "\"default\""),
                    ])]))
        case "freeze":
            let extra = settings.string("freeze_extra_modules").map(LfsCode.names) ?? "nil"
            lines.append(
                LfsCode.call(
                    "", "model.freeze",
                    groups: [LfsCode.labelled([
                        ("trainable_layers", String(settings.int("freeze_trainable_layers") ?? 2)),
                        ("modules", LfsCode.names(settings.string("freeze_trainable_modules") ?? "all")),
                        ("extra", extra),
                    ])]))
        default:
            lines.append("for p in model.params().values() { p.requires_grad = true }   # full: every weight trains")
        }
    }

    // MARK: Data

    mutating func data() throws {
        guard let list = settings.string("dataset"), !LfsCode.splitNames(list).isEmpty else {
            throw RecipeError(
                "the recipe names no data set (dataset)", at: RecipeLocation(file: file, line: 1),
                hint: "dataset: identity uses the bundled identity set")
        }
        let names = LfsCode.splitNames(list)
        let directory = try registryDirectory()
        if let directory {
            for name in names { try checkRegistry(directory, name: name) }
        } else if names.count > 1 {
            throw fail(
                "dataset", "several data sets (\(names.joined(separator: ", "))) need a dataset_dir",
                hint: "lfs's bundled sets are used one at a time; give dataset_dir: with a dataset_info.json")
        }
        let source = names.joined(separator: ",")  // the dataset builtin concatenates them
        // LLaMA-Factory's DataArguments take one off cutoff_len when the recipe sets
        // `packing: true` (hparams/data_args.py), whatever the stage. Left unset, packing is
        // turned on for stage pt afterwards (hparams/parser.py), with the whole cutoff_len.
        let cutoffLength = settings.int("cutoff_len") ?? 2048
        let explicitPacking = settings.bool("packing")
        let cutoff = explicitPacking ? cutoffLength - 1 : cutoffLength
        var labelled: [(String, String)] = []
        if directory != nil {
            labelled.append(("dataset_dir", LfsCode.string(settings.string("dataset_dir") ?? "data")))
        }
        labelled += [
            ("stage", LfsCode.string(stage)),
            ("template", LfsCode.string(settings.string("template") ?? "auto")),
            ("cutoff", String(cutoff)),
            ("max_samples", settings.int("max_samples").map { String($0) } ?? "nil"),
            ("train_on_prompt", String(settings.bool("train_on_prompt"))),
            ("mask_history", String(settings.bool("mask_history"))),
        ]
        if settings.has("packing") {
            switch (stage, explicitPacking) {
            case ("sft", true), ("pt", false):
                labelled.append(("packing", String(explicitPacking)))
            default:
                break
            }
        }
        if explicitPacking {
            switch stage {
            case "sft":
                lines.append(
                    "# packing: examples of up to cutoff_len - 1 tokens packed into rows of cutoff_len, positions restarting at each")
            case "pt":
                lines.append("# packing: true packs blocks of cutoff_len - 1 tokens (LLaMA-Factory's DataArguments take one off)")
            default:
                lines.append(
                    "# packing: true packs nothing for stage \(stage) but takes one off cutoff_len, as LLaMA-Factory's DataArguments")
            }
        }
        if directory == nil {
            lines.append("# no data/dataset_info.json here: the data set is looked up among lfs's bundled ones")
        }
        let valSize = settings.double("val_size") ?? 0
        if valSize > 0 {
            lines.append(
                LfsCode.call(
                    "let all_data = ", "dataset",
                    groups: [[LfsCode.string(source)] + LfsCode.labelled(labelled)]))
            let seed = settings.int("seed") ?? 42
            lines.append(
                "let data, val_data = all_data.split(val: \(LfsCode.float(valSize)), seed: \(seed))")
        } else {
            lines.append(
                LfsCode.call(
                    "let data = ", "dataset",
                    groups: [[LfsCode.string(source)] + LfsCode.labelled(labelled)]))
        }
    }

    /// The registry folder to pass as `dataset_dir`, or nil to use the bundled sets (the
    /// default `data` folder is absent from the current directory).
    func registryDirectory() throws -> String? {
        let directory = settings.string("dataset_dir") ?? "data"
        let registry = (translator.resolve(directory) as NSString)
            .appendingPathComponent("dataset_info.json")
        if translator.readFile(registry) != nil { return directory }
        if settings.has("dataset_dir") {
            throw fail("dataset_dir", "no dataset_info.json in dataset_dir '\(directory)'")
        }
        return nil
    }

    /// Checks that the registry has `name`, stored locally, and fit for the stage
    /// (LLaMA-Factory: ranked data for rm and dpo only).
    func checkRegistry(_ directory: String, name: String) throws {
        let path = (translator.resolve(directory) as NSString).appendingPathComponent("dataset_info.json")
        guard let text = translator.readFile(path), let bytes = text.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: bytes),
            let registry = object as? [String: Any]
        else {
            throw fail("dataset_dir", "\(path) is not a JSON object")
        }
        guard let entry = registry[name] as? [String: Any] else {
            throw fail(
                "dataset", "data set '\(name)' is not in \(path)",
                hint: NameHint.suggestion(for: name, among: registry.keys.sorted())
                    ?? "registered: \(registry.keys.sorted().joined(separator: ", "))")
        }
        if entry["file_name"] == nil {
            throw fail("dataset", "data set '\(name)' has no file_name: lfs reads local files only")
        }
        let ranked = (entry["ranking"] as? Bool) ?? false
        let wantsRanked = stage == "rm" || stage == "dpo"
        if ranked != wantsRanked {
            throw fail(
                "dataset",
                "data set '\(name)' is \(ranked ? "" : "not ")a preference (ranking) set, "
                    + "which stage \(stage) \(wantsRanked ? "needs" : "cannot use")")
        }
    }

    // MARK: The loop call

    mutating func loop() {
        let valSize = settings.double("val_size") ?? 0
        var evalSteps = "nil"
        if settings.string("eval_strategy") == "steps" {
            evalSteps = String(settings.int("eval_steps") ?? settings.int("logging_steps") ?? 500)
        }
        let optimizer = RecipeKeys.optimizers[settings.string("optim") ?? "adamw_torch"] ?? "adamw"
        var groups: [[(String, String)]] = [
            [
                ("output_dir", LfsCode.string(settings.string("output_dir") ?? "trainer_output")),
                ("overwrite", String(settings.bool("overwrite_output_dir"))),
            ],
            [
                ("epochs", LfsCode.float(settings.double("num_train_epochs") ?? 3)),
                ("max_steps", String(settings.int("max_steps") ?? -1)),
                ("batch_size", String(settings.int("per_device_train_batch_size") ?? 8)),
                ("grad_accum", String(settings.int("gradient_accumulation_steps") ?? 1)),
            ],
            [
                ("lr", LfsCode.float(settings.double("learning_rate") ?? 5e-5)),
                ("optimizer", LfsCode.string(optimizer)),
                ("weight_decay", LfsCode.float(settings.double("weight_decay") ?? 0)),
                ("max_grad_norm", LfsCode.float(settings.double("max_grad_norm") ?? 1)),
            ],
            [
                ("scheduler", LfsCode.string(settings.string("lr_scheduler_type") ?? "linear")),
                ("warmup_steps", String(settings.int("warmup_steps") ?? 0)),
                ("warmup_ratio", LfsCode.float(settings.double("warmup_ratio") ?? 0)),
            ],
            [
                ("logging_steps", String(settings.int("logging_steps") ?? 500)),
                ("save_steps", String(settings.int("save_steps") ?? 500)),
                ("eval_steps", evalSteps), ("val_data", valSize > 0 ? "val_data" : "nil"),
            ],
            [
                ("seed", String(settings.int("seed") ?? 42)),
                ("loraplus_ratio", settings.double("loraplus_lr_ratio").map(LfsCode.float) ?? "nil"),
                ("neftune_alpha", settings.double("neftune_noise_alpha").map(LfsCode.float) ?? "nil"),
            ],
        ]
        switch stage {
        case "dpo":
            groups.append([
                ("beta", LfsCode.float(settings.double("pref_beta") ?? 0.1)),
                ("loss", LfsCode.string(settings.string("pref_loss") ?? "sigmoid")),
                ("label_smoothing", LfsCode.float(settings.double("dpo_label_smoothing") ?? 0)),
                ("ftx", LfsCode.float(settings.double("pref_ftx") ?? 0)),
                ("simpo_gamma", LfsCode.float(settings.double("simpo_gamma") ?? 0.5)),
            ])
        case "kto":
            groups.append([
                ("beta", LfsCode.float(settings.double("pref_beta") ?? 0.1)),
                ("desirable_weight", LfsCode.float(settings.double("kto_chosen_weight") ?? 1)),
                ("undesirable_weight", LfsCode.float(settings.double("kto_rejected_weight") ?? 1)),
            ])
        default:
            break
        }
        lines.append(
            LfsCode.call(
                "let result = ", "train.\(stage)",
                groups: [["model", "data"]] + groups.map(LfsCode.labelled)))
    }
}
