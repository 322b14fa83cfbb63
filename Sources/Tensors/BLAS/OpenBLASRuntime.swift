import CBLAS
import Foundation

/// What OpenBLAS reports about itself, and the start-up check that makes sure it runs
/// kernels that match the CPU.
///
/// Debian's OpenBLAS 0.3.21 does not recognise some recent CPUs and falls back to the
/// generic Prescott kernels, five times slower at sgemm. OpenBLAS picks its kernels when
/// the library loads, before `main`, so the only way to change them is to set
/// `OPENBLAS_CORETYPE` and re-execute the process once.
public enum OpenBLASRuntime {
    /// The environment variable that marks a process already re-executed by lfs.
    static let reexecMarker = "LFS_OPENBLAS_REEXEC"

    /// The name of the kernel set OpenBLAS chose, such as `Haswell` or `Prescott`.
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// The number of threads OpenBLAS uses for one call.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets the number of threads OpenBLAS uses for one call.
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// Whether lfs re-executed itself to choose the core (for `lfs --version`).
    public static var wasCoreChosenByLFS: Bool {
        ProcessInfo.processInfo.environment[reexecMarker] != nil
    }

    /// The CPU feature flags of the first processor in `/proc/cpuinfo`; empty elsewhere.
    public static func cpuFlags(cpuinfo path: String = "/proc/cpuinfo") -> Set<String> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        }
        return []
    }

    /// Kernel sets that are fine on a CPU with AVX2 (lower-case, as compared).
    static let avx2Cores: Set<String> = ["haswell", "zen", "skylakex", "cooperlake", "sapphirerapids"]
    /// Kernel sets that use AVX-512.
    static let avx512Cores: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]

    /// The `OPENBLAS_CORETYPE` to ask for, or nil when the current core already fits
    /// the CPU or the user chose one.
    /// - Parameters:
    ///   - currentCore: what `openblas_get_corename()` reports.
    ///   - flags: the CPU's feature flags.
    ///   - environment: the process environment; a user-set `OPENBLAS_CORETYPE` wins.
    public static func preferredCoreType(
        currentCore: String, flags: Set<String>, environment: [String: String]
    ) -> String? {
        if environment["OPENBLAS_CORETYPE"] != nil || environment[reexecMarker] != nil {
            return nil
        }
        let core = currentCore.lowercased()
        if flags.contains("avx512f") && flags.contains("avx512bw") && flags.contains("avx512vl") {
            return avx512Cores.contains(core) ? nil : "SkylakeX"
        }
        if flags.contains("avx2") && flags.contains("fma") {
            return avx2Cores.contains(core) ? nil : "Haswell"
        }
        return nil
    }

    /// Re-executes the running program once with `OPENBLAS_CORETYPE` set when OpenBLAS
    /// fell back to kernels slower than the CPU supports. Returns when nothing needs
    /// doing or the re-execution failed (then lfs runs on, only slower).
    public static func ensureOptimizedCore() {
        let environment = ProcessInfo.processInfo.environment
        guard
            let wanted = preferredCoreType(
                currentCore: coreName, flags: cpuFlags(), environment: environment)
        else { return }
        setenv("OPENBLAS_CORETYPE", wanted, 1)
        setenv(reexecMarker, "1", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        execv("/proc/self/exe", argv)
        // execv only returns on failure: undo and carry on with the slow kernels.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(reexecMarker)
    }
}
