/// What a recipe key's value must be.
enum RecipeKeyKind: Equatable, Sendable {
    case text
    case int
    case float
    case bool
    /// One of these words.
    case choice([String])
}

/// One key `lfs train` understands: its type, LLaMA-Factory's default (`.null` for
/// none), and, for keys that change nothing in lfs, why (shown as a note).
struct RecipeKey: Sendable {
    var name: String
    var kind: RecipeKeyKind
    var defaultValue: RecipeValue
    /// Set for keys accepted without effect: the reason, shown to the user.
    var noOpReason: String?

    init(_ name: String, _ kind: RecipeKeyKind, _ defaultValue: RecipeValue = .null, noOp: String? = nil) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.noOpReason = noOp
    }
}

/// The keys of LLaMA-Factory's training YAML that `lfs train` accepts, with
/// LLaMA-Factory's defaults (its `hparams/*_args.py` and transformers'
/// `TrainingArguments`, which it extends). Any other key is an error naming it.
enum RecipeKeys {
    static let stages = ["sft", "pt", "rm", "dpo", "kto"]
    static let schedulers = [
        "linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
        "constant_with_warmup", "inverse_sqrt", "reduce_lr_on_plateau",
    ]
    /// transformers' `optim` names lfs has, and the lfs optimizer each is.
    static let optimizers = [
        "adamw_torch": "adamw", "adamw_torch_fused": "adamw", "adamw_hf": "adamw",
        "sgd": "sgd", "adafactor": "adafactor",
    ]

    static let all: [RecipeKey] = [
        // Model
        RecipeKey("model_name_or_path", .text),
        RecipeKey("mixture_of_depths", .choice(["convert"])),
        RecipeKey("trust_remote_code", .bool, .bool(false), noOp: "lfs runs no code shipped with a model"),
        RecipeKey("flash_attn", .text, .string("auto"), noOp: "lfs always uses its own fused causal attention kernel"),
        // Method
        RecipeKey("stage", .choice(stages), .string("sft")),
        RecipeKey("do_train", .bool, .bool(true)),
        RecipeKey("finetuning_type", .choice(["lora", "freeze", "full"]), .string("lora")),
        RecipeKey("lora_rank", .int, .int(8)),
        RecipeKey("lora_alpha", .int),
        RecipeKey("lora_dropout", .float, .float(0)),
        RecipeKey("lora_target", .text, .string("all")),
        RecipeKey("use_rslora", .bool, .bool(false)),
        RecipeKey("use_dora", .bool, .bool(false)),
        RecipeKey("pissa_init", .bool, .bool(false)),
        RecipeKey("loraplus_lr_ratio", .float),
        RecipeKey("freeze_trainable_layers", .int, .int(2)),
        RecipeKey("freeze_trainable_modules", .text, .string("all")),
        RecipeKey("freeze_extra_modules", .text),
        RecipeKey("neftune_noise_alpha", .float),
        RecipeKey("pref_beta", .float, .float(0.1)),
        RecipeKey("pref_loss", .choice(["sigmoid", "hinge", "ipo", "orpo", "simpo"]), .string("sigmoid")),
        RecipeKey("pref_ftx", .float, .float(0)),
        RecipeKey("simpo_gamma", .float, .float(0.5)),
        RecipeKey("dpo_label_smoothing", .float, .float(0)),
        RecipeKey("kto_chosen_weight", .float, .float(1)),
        RecipeKey("kto_rejected_weight", .float, .float(1)),
        // Dataset
        RecipeKey("dataset", .text),
        RecipeKey("dataset_dir", .text, .string("data")),
        RecipeKey("template", .text),
        RecipeKey("cutoff_len", .int, .int(2048)),
        RecipeKey("max_samples", .int),
        RecipeKey("val_size", .float, .float(0)),
        RecipeKey("train_on_prompt", .bool, .bool(false)),
        RecipeKey("mask_history", .bool, .bool(false)),
        // Unset: packed for stage pt only (hparams/parser.py), after DataArguments has run.
        RecipeKey("packing", .bool),
        RecipeKey("neat_packing", .bool, .bool(false)),
        RecipeKey("overwrite_cache", .bool, .bool(false), noOp: "lfs keeps no preprocessing cache"),
        RecipeKey("preprocessing_num_workers", .int, noOp: "lfs encodes in its own process"),
        RecipeKey("dataloader_num_workers", .int, .int(0), noOp: "batches are built in the training process"),
        // Output
        RecipeKey("output_dir", .text, .string("trainer_output")),
        RecipeKey("logging_steps", .int, .int(500)),
        RecipeKey("save_steps", .int, .int(500)),
        RecipeKey("plot_loss", .bool, .bool(false), noOp: "the loops always write the loss curve (SVG) into output_dir"),
        RecipeKey("overwrite_output_dir", .bool, .bool(false)),
        RecipeKey("save_only_model", .bool, .bool(false), noOp: "lfs checkpoints always hold the optimizer, scheduler and data position, to resume exactly"),
        RecipeKey("report_to", .choice(["none", "tensorboard", "all"]), .string("none"), noOp: "lfs always writes trainer_log.jsonl and TensorBoard event files, and reports nowhere else"),
        RecipeKey("resume_from_checkpoint", .text, noOp: "lfs resumes from output_dir's last checkpoint by itself (overwrite_output_dir: true starts over)"),
        // Train
        RecipeKey("per_device_train_batch_size", .int, .int(8)),
        RecipeKey("gradient_accumulation_steps", .int, .int(1)),
        RecipeKey("learning_rate", .float, .float(5e-5)),
        RecipeKey("num_train_epochs", .float, .float(3)),
        RecipeKey("max_steps", .int, .int(-1)),
        RecipeKey("lr_scheduler_type", .choice(schedulers), .string("linear")),
        RecipeKey("warmup_ratio", .float, .float(0)),
        RecipeKey("warmup_steps", .int, .int(0)),
        RecipeKey("weight_decay", .float, .float(0)),
        RecipeKey("max_grad_norm", .float, .float(1)),
        RecipeKey("optim", .choice(optimizers.keys.sorted()), .string("adamw_torch")),
        RecipeKey("seed", .int, .int(42)),
        RecipeKey("bf16", .bool, .bool(false), noOp: "lfs computes in float32 on the CPU (weights keep the dtype they are stored in); mixed precision would not be faster there"),
        RecipeKey("fp16", .bool, .bool(false), noOp: "lfs computes in float32 on the CPU (weights keep the dtype they are stored in); mixed precision would not be faster there"),
        RecipeKey("ddp_timeout", .int, noOp: "lfs trains in one process"),
        // Eval
        RecipeKey("eval_strategy", .choice(["no", "steps"]), .string("no")),
        RecipeKey("eval_steps", .int),
        RecipeKey("per_device_eval_batch_size", .int, .int(8), noOp: "evaluation runs with the training batch size"),
    ]

    /// The key called `name`, if lfs knows it.
    static func named(_ name: String) -> RecipeKey? {
        all.first { $0.name == name }
    }
}
