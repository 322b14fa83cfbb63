import REPL
import Tensors

/// `lfs --profile`: runs the program under the op profiler and prints the table of ops
/// by self time to standard error when it ends (also after an error), so the program's
/// own output stays as it was.
enum ProfileOption {
    /// Runs `body`, profiled when `enabled`.
    static func run(enabled: Bool, _ body: () -> ExitStatus) -> ExitStatus {
        guard enabled else { return body() }
        // The interpreter runs on a thread of its own: listen to all threads.
        return Profiler.run(
            allThreads: true,
            report: { report in
                Output.error("\n== profile (lfs --profile)\n" + report.table(limit: 40) + "\n")
            }, body)
    }
}
