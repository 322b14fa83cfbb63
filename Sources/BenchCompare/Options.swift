import Foundation

/// The command line of bench-compare (Scripts/bench/compare passes its words through):
///
///     bench-compare [lora,dora,...] [--quick] [--runs N] [--threads N] [--cache DIR]
///                   [--lfs PATH] [--python PATH] [--no-torch] [--timeout SECONDS]
///     bench-compare --worker generate|decode <model> <tokens.json> <warmup> <steps>
struct Options {
    var workloads: [Workload] = Workload.all
    var quick = false
    var runs = 3
    var threads = 2
    var cache = ".bench-cache"
    var lfs = ".build/release/lfs"
    var python = "/work/venv/bin/python"
    var torch = true
    /// Seconds after which a Python worker is killed (nil: the workload's limit, if any).
    var timeout: Double?

    /// Batch size, sequence length and new tokens: the issue's, or small ones with --quick.
    var batch: Int { quick ? 2 : 8 }
    var sequence: Int { quick ? 64 : 256 }
    var newTokens: Int { quick ? 16 : 128 }
    /// Untimed steps before the timed one in each worker.
    var warmup: Int { quick ? 0 : 1 }

    init(_ words: [String]) throws {
        var index = 0
        func value(_ option: String) throws -> String {
            index += 1
            guard index < words.count else { throw HarnessError("\(option) needs a value") }
            return words[index]
        }
        if let python = ProcessInfo.processInfo.environment["LFS_PYTHON"] { self.python = python }
        while index < words.count {
            let word = words[index]
            switch word {
            case "--quick": quick = true
            case "--no-torch": torch = false
            case "--runs":
                guard let runs = Int(try value(word)), runs > 0 else { throw HarnessError("--runs needs a positive integer") }
                self.runs = runs
            case "--threads":
                guard let threads = Int(try value(word)), threads > 0 else { throw HarnessError("--threads needs a positive integer") }
                self.threads = threads
            case "--timeout":
                guard let seconds = Double(try value(word)), seconds > 0 else { throw HarnessError("--timeout needs a positive number of seconds") }
                timeout = seconds
            case "--cache": cache = try value(word)
            case "--lfs": lfs = try value(word)
            case "--python": python = try value(word)
            case "-h", "--help": throw HarnessError(Self.usage)
            default:
                guard !word.hasPrefix("-") else { throw HarnessError("unknown option '\(word)'\n" + Self.usage) }
                workloads = try word.split(separator: ",").map { name in
                    guard let workload = Workload.named(String(name)) else {
                        throw HarnessError(
                            "unknown workload '\(name)'; known: "
                                + Workload.all.map(\.name).joined(separator: ","))
                    }
                    return workload
                }
            }
            index += 1
        }
        if quick && !words.contains("--runs") { runs = 1 }
    }

    static let usage = """
        usage: Scripts/bench/compare [workloads] [--quick] [--runs N] [--threads N] [--no-torch]
          workloads: comma-separated, from \(Workload.all.map(\.name).joined(separator: ","))
          --quick    1 run, batch 2x64, 16 new tokens, no warm-up (a smoke test)
          --no-torch lfs alone (no Python: PyTorch and LLaMA-Factory rows skipped)
          --timeout S  kill a PyTorch/LLaMA-Factory worker after S seconds (lora-bf16: 1800)
          lora-llamafactory: lfs's LoRA step against LLaMA-Factory's trainer
            (Scripts/bench/compare_llamafactory.py), gradient checkpointing on and off
        """
}
