/// What a row's other columns run against lfs: PyTorch + transformers + PEFT as
/// `Scripts/bench/compare_torch.py` drives them, or LLaMA-Factory's own trainer
/// (`Scripts/bench/compare_llamafactory.py`, the `llamafactory-cli train` code path).
enum Reference: Sendable, Equatable {
    /// compare_torch.py <workload>.
    case pytorch
    /// compare_llamafactory.py lora, with LLaMA-Factory's gradient checkpointing on (its
    /// default) or off (`disable_gradient_checkpointing: true`).
    case llamaFactory(gradientCheckpointing: Bool)

    /// A short name for log files (`lora-llamafactory-llamafactory-nogc-0.err`).
    var tag: String {
        switch self {
        case .pytorch: return "torch"
        case .llamaFactory(let checkpointing): return checkpointing ? "llamafactory" : "llamafactory-nogc"
        }
    }

    /// The name in progress lines.
    var displayName: String {
        switch self {
        case .pytorch: return "PyTorch"
        case .llamaFactory(let checkpointing):
            return "LLaMA-Factory (gradient checkpointing \(checkpointing ? "on" : "off"))"
        }
    }

    /// What the row label gains, so the table says what its PyTorch columns ran.
    var labelSuffix: String {
        switch self {
        case .pytorch: return ""
        case .llamaFactory(true): return " vs LLaMA-Factory as shipped (grad. ckpt on)"
        case .llamaFactory(false): return " vs LLaMA-Factory, grad. ckpt off"
        }
    }

    /// The Python worker's command line (run from the repository root).
    func command(
        workload: String, python: String, model: String, tokens: String, counts: [String],
        threads: String
    ) -> [String] {
        switch self {
        case .pytorch:
            return [python, "Scripts/bench/compare_torch.py", workload, model, tokens] + counts
                + ["--threads", threads]
        case .llamaFactory(let checkpointing):
            return [python, "Scripts/bench/compare_llamafactory.py", "lora", model, tokens] + counts
                + ["--threads", threads] + (checkpointing ? [] : ["--no-gradient-checkpointing"])
        }
    }

    /// The command that checks LLaMA-Factory is importable and writes its tokenizer and
    /// pre-tokenized dataset next to the model; it prints `RESULT ok version=...`.
    static func llamaFactoryPrepare(python: String, model: String, tokens: String) -> [String] {
        [python, "Scripts/bench/compare_llamafactory.py", "prepare", model, tokens]
    }

    /// The `version=` value of a `RESULT ok version=...` line, if `output` has one.
    static func preparedVersion(_ output: String) -> String? {
        guard let line = output.split(separator: "\n").last(where: { $0.hasPrefix("RESULT ok") })
        else { return nil }
        let field = line.split(separator: " ").first { $0.hasPrefix("version=") }
        return field.map { String($0.dropFirst("version=".count)) } ?? "?"
    }
}
