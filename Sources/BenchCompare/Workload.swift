/// One row of the comparison: how each side runs it and how much work it is.
struct Workload: Sendable {
    /// How lfs runs a workload.
    enum LFSRunner: Sendable {
        /// Through the language: `Scripts/bench/workloads/<name>.lfs`.
        case script(String)
        /// Through the Swift API, in a `bench-compare --worker` process.
        case swiftAPI
        /// From another row's profile (the overhead row reads the profiler).
        case profiled(String)
    }

    /// The name on the command line (`lora`).
    var name: String
    /// The row label in the table.
    var label: String
    /// How lfs runs it.
    var lfs: LFSRunner
    /// Whether PyTorch runs it too (compare_torch.py knows it).
    var hasTorch: Bool
    /// Whether it is a batch workload (B x T tokens per step) or generation (new tokens).
    var isGeneration: Bool
    /// What the other columns run, one table row each; nil: PyTorch if `hasTorch`.
    var others: [Reference]? = nil
    /// The workload whose model FLOPs count (nil: this one's name).
    var flopsAs: String? = nil
    /// The reference side's own step counts and time limit, when the harness's would take
    /// too long there (nil: the harness's counts, no limit).
    var referenceSteps: ReferenceSteps? = nil

    /// The references run against lfs, in the order they alternate with it.
    var references: [Reference] { others ?? (hasTorch ? [.pytorch] : []) }

    /// Every workload, in table order.
    static let all: [Workload] = [
        Workload(name: "lora", label: "LoRA SFT step (r 8, 7 proj.)", lfs: .script("lora"), hasTorch: true, isGeneration: false),
        Workload(
            name: "lora-llamafactory", label: "LoRA SFT step (r 8, 7 proj.)", lfs: .script("lora"),
            hasTorch: false, isGeneration: false,
            others: [.llamaFactory(gradientCheckpointing: true), .llamaFactory(gradientCheckpointing: false)],
            flopsAs: "lora"),
        Workload(name: "dora", label: "DoRA SFT step", lfs: .script("dora"), hasTorch: true, isGeneration: false),
        Workload(name: "freeze", label: "freeze-tuning step (last 2)", lfs: .script("freeze"), hasTorch: true, isGeneration: false),
        Workload(name: "full", label: "full fine-tuning step", lfs: .script("full"), hasTorch: true, isGeneration: false),
        Workload(name: "forward", label: "forward + loss, no grad", lfs: .script("forward"), hasTorch: true, isGeneration: false),
        Workload(name: "generate", label: "greedy generate (1x16 +128)", lfs: .swiftAPI, hasTorch: true, isGeneration: true),
        Workload(name: "decode", label: "bare decode loop (+128)", lfs: .swiftAPI, hasTorch: true, isGeneration: true),
        // PyTorch's autocast step takes minutes on a CPU without AVX512-BF16: one step, no warm-up.
        Workload(
            name: "lora-bf16", label: "LoRA step, bf16 base (torch: autocast)", lfs: .script("lora-bf16"),
            hasTorch: true, isGeneration: false,
            referenceSteps: ReferenceSteps(warmup: 0, steps: 1, timeout: 1800)),
        Workload(name: "generate-bf16", label: "greedy generate, bf16 weights", lfs: .swiftAPI, hasTorch: true, isGeneration: true),
        Workload(name: "decode-bf16", label: "bare decode loop, bf16 weights", lfs: .swiftAPI, hasTorch: true, isGeneration: true),
        Workload(name: "floor", label: "weight-streaming floor (GEMVs, +128)", lfs: .swiftAPI, hasTorch: false, isGeneration: true),
        Workload(name: "floor-bf16", label: "weight-streaming floor, bf16", lfs: .swiftAPI, hasTorch: false, isGeneration: true),
        Workload(name: "floor-sgemv", label: "floor with cblas_sgemv (reference)", lfs: .swiftAPI, hasTorch: false, isGeneration: true),
        Workload(name: "overhead", label: "host overhead of LoRA step", lfs: .script("overhead"), hasTorch: false, isGeneration: false),
    ]

    /// The workload named `name`.
    static func named(_ name: String) -> Workload? { all.first { $0.name == name } }
}

/// Step counts and a time limit for a reference side slower than the harness allows for.
struct ReferenceSteps: Sendable {
    /// Untimed steps before the timed ones.
    var warmup: Int
    /// Timed steps.
    var steps: Int
    /// Seconds after which the worker is killed (loading included).
    var timeout: Double

    /// What the table row says about it.
    var note: String {
        let warm = warmup == 0 ? "no warm-up" : "\(warmup) warm-up step\(warmup == 1 ? "" : "s")"
        return " [PyTorch: \(steps) step\(steps == 1 ? "" : "s"), \(warm), time limit \(Int(timeout)) s]"
    }
}

/// The model FLOPs of each workload, per token, for bench-llama-shaped models:
///
///     N   = weights multiplied per token: 7 projections x layers + lm_head
///     A   = 2 * layers * T * heads * head_dim   (QK^T and PV over the causal half)
///     forward                   2N + A
///     full fine-tuning          6N + 3A
///     LoRA / DoRA               4N + 3A + 6 N_lora  (no gradients of frozen weights)
///     freeze (last k layers)    2N + A + 2 N_head + 4 k N_layer + 2 k A_layer
///     generation                2N per new token
///
/// (For the issue's 2.09 s PyTorch LoRA step this gives 165 GFLOP/s; the issue quotes 171.)
struct ModelShape: Sendable {
    var vocabulary = 32000
    var hidden = 512
    var intermediate = 1376
    var layers = 8
    var heads = 8
    var keyValueHeads = 4
    var headDimension = 64
    var loraRank = 8
    var frozenTrainableLayers = 2

    /// Weights of one layer's seven projections.
    var layerWeights: Double {
        let attention = 2 * hidden * heads * headDimension + 2 * hidden * keyValueHeads * headDimension
        return Double(attention + 3 * hidden * intermediate)
    }
    /// Weights of the lm_head.
    var headWeights: Double { Double(vocabulary * hidden) }
    /// Weights multiplied per token.
    var matmulWeights: Double { Double(layers) * layerWeights + headWeights }
    /// LoRA parameters on all seven projections.
    var loraWeights: Double {
        let q = heads * headDimension
        let kv = keyValueHeads * headDimension
        let perLayer = (hidden + q) + 2 * (hidden + kv) + (q + hidden) + 2 * (hidden + intermediate)
            + (intermediate + hidden)
        return Double(layers * loraRank * perLayer)
    }

    /// Attention FLOPs of one layer per token at sequence length `t` (causal half).
    func attentionLayer(_ t: Int) -> Double { Double(2 * t * heads * headDimension) }

    /// Model FLOPs per token of `workload` at sequence length `t`.
    func flopsPerToken(_ workload: String, sequence t: Int) -> Double {
        let n = matmulWeights
        let a = Double(layers) * attentionLayer(t)
        switch workload {
        case "forward": return 2 * n + a
        case "full": return 6 * n + 3 * a
        case "lora", "lora-bf16", "dora", "overhead": return 4 * n + 3 * a + 6 * loraWeights
        case "freeze":
            let k = Double(frozenTrainableLayers)
            return 2 * n + a + 2 * headWeights + 4 * k * layerWeights + 2 * k * attentionLayer(t)
        default: return 2 * n
        }
    }
}
