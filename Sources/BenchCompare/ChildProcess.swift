import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A worker process: its standard output, exit status and peak RSS (from `wait4`, so
/// each worker's own high-water mark, not the harness's).
struct ChildResult {
    var output: String
    var status: Int32
    var peakRSSBytes: Int
    var seconds: Double
    /// Whether the harness killed it for running past its time limit.
    var timedOut = false
}

/// Kills a worker that runs past its time limit, unless it has finished first.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var finished = false
    private var fired = false

    /// Arms the watchdog: SIGKILL to `pid` after `seconds` unless `finish()` ran first.
    init(pid: pid_t, seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.lock()
            defer { lock.unlock() }
            guard !finished else { return }
            fired = true
            kill(pid, SIGKILL)
        }
    }

    /// Marks the worker finished (before it is reaped, so its pid cannot be reused yet);
    /// returns whether the watchdog had killed it.
    func finish() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        finished = true
        return fired
    }
}

enum ChildProcess {
    /// Runs `arguments` (absolute or PATH-relative program first) with `environment`
    /// added, standard output captured, standard error appended to `errorLog`; killed
    /// after `timeout` seconds if given.
    static func run(
        _ arguments: [String], environment: [String: String], errorLog: String,
        timeout: Double? = nil
    ) -> ChildResult {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let environmentStrings = merged.map { "\($0.key)=\($0.value)" }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            return ChildResult(output: "", status: -1, peakRSSBytes: 0, seconds: 0)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
        posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
        posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var pid: pid_t = 0
        let start = Date()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environmentStrings.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        close(pipeEnds[1])
        guard spawned == 0 else {
            close(pipeEnds[0])
            return ChildResult(output: "", status: -1, peakRSSBytes: 0, seconds: 0)
        }
        let watchdog = timeout.map { Watchdog(pid: pid, seconds: $0) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(pipeEnds[0], &buffer, buffer.count)
            if count <= 0 { break }
            data.append(contentsOf: buffer[0..<count])
        }
        close(pipeEnds[0])
        var status: Int32 = 0
        var usage = rusage()
        // waitid with WNOWAIT: the child is known to have exited but is not reaped yet,
        // so the watchdog cannot kill a reused pid.
        var info = siginfo_t()
        _ = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
        let timedOut = watchdog?.finish() ?? false
        _ = wait4(pid, &status, 0, &usage)
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ChildResult(
            output: String(decoding: data, as: UTF8.self), status: exitCode,
            peakRSSBytes: Int(usage.ru_maxrss) * 1024, seconds: Date().timeIntervalSince(start),
            timedOut: timedOut)
    }
}
