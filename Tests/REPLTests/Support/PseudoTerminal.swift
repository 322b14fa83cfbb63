import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Errors of the pseudo-terminal harness.
enum PseudoTerminalError: Error, CustomStringConvertible {
    case openFailed(String)
    case spawnFailed(Int32)

    var description: String {
        switch self {
        case .openFailed(let step): "could not open a pseudo-terminal (\(step))"
        case .spawnFailed(let code): "posix_spawn failed with \(code)"
        }
    }
}

/// A child process on the slave side of a pseudo-terminal, as a user's shell would start
/// it: its own session, the terminal as controlling terminal (so Ctrl-C sends SIGINT).
/// Every wait is bounded, and the child is killed when the harness is closed.
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    /// Everything the child wrote so far.
    private(set) var output = ""
    /// The offset in ``output`` just past the text the last successful ``waitFor`` found.
    private(set) var lastMatchEnd = 0
    private var exitStatus: Int32?
    private var isClosed = false

    // Linux ioctl numbers and glibc flag (<asm-generic/ioctls.h>, <spawn.h>); Swift does
    // not import these function-like macros.
    private static let setPtyLock = UInt(0x4004_5431)  // TIOCSPTLCK
    private static let getPtyNumber = UInt(0x8004_5430)  // TIOCGPTN
    private static let spawnSetSession: Int16 = 0x80  // POSIX_SPAWN_SETSID
    private static let spawnSetSignalDefaults: Int16 = 0x04  // POSIX_SPAWN_SETSIGDEF
    private static let spawnSetSignalMask: Int16 = 0x08  // POSIX_SPAWN_SETSIGMASK

    /// Starts `executable` with `arguments` in a fresh pseudo-terminal.
    /// - Parameter environment: variables set on top of the test's environment.
    init(executable: String, arguments: [String] = [], environment: [String: String] = [:])
        throws
    {
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw PseudoTerminalError.openFailed("/dev/ptmx") }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(master, Self.setPtyLock, &unlock) == 0,
            ioctl(master, Self.getPtyNumber, &number) == 0
        else {
            Glibc.close(master)
            throw PseudoTerminalError.openFailed("unlock")
        }
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner may block or ignore SIGINT; the child must get a clean slate,
        // as a shell gives it, or Ctrl-C would never arrive.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(
            &attributes,
            Self.spawnSetSession | Self.spawnSetSignalMask | Self.spawnSetSignalDefaults)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/pts/\(number)", O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var variables = ProcessInfo.processInfo.environment
        variables["TERM"] = "xterm"
        variables["INPUTRC"] = "/dev/null"
        for (key, value) in environment { variables[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let code = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard code == 0 else {
            Glibc.close(master)
            throw PseudoTerminalError.spawnFailed(code)
        }
        pid = child
    }

    deinit { close() }

    /// Types `text` into the terminal.
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                write(master, $0.baseAddress, $0.count)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    /// Reads output until `text` appears after `start` (an offset into ``output``), or
    /// `timeout` seconds pass.
    /// - Returns: whether the text appeared.
    @discardableResult
    func waitFor(_ text: String, after start: Int = 0, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let tail = tail(from: start)
            if let range = tail.range(of: text) {
                lastMatchEnd = min(start, output.utf8.count) + tail[..<range.upperBound].utf8.count
                return true
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { return false }
            pump(milliseconds: Int32(min(remaining, 0.2) * 1000))
        }
    }

    /// Types `line` and Enter, then waits for the next prompt.
    /// - Returns: what appeared between the keystrokes and the prompt (echo included).
    @discardableResult
    func enter(_ line: String, prompt: String = "lfs> ") -> String {
        let start = mark
        send(line + "\r")
        waitFor(prompt, after: start)
        return tail(from: start)
    }

    /// The output from offset `start` on.
    func tail(from start: Int) -> String {
        let utf8 = Array(output.utf8)
        return String(decoding: utf8[min(start, utf8.count)...], as: UTF8.self)
    }

    /// The current length of ``output`` in bytes, to wait for text after this point.
    var mark: Int { output.utf8.count }

    /// Reads whatever the child wrote within `milliseconds`.
    func pump(milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { output += String(decoding: buffer[0..<count], as: UTF8.self) }
    }

    /// Waits up to `timeout` seconds for the child to exit.
    /// - Returns: its exit status (128 + signal if killed), or nil if it still runs.
    func waitForExit(timeout: Double = 10) -> Int32? {
        if let exitStatus { return exitStatus }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                let signal = status & 0x7f
                exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
                return exitStatus
            }
            pump(milliseconds: 50)
        }
        return nil
    }

    /// Kills the child if it still runs and releases the terminal.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            exitStatus = 128 + SIGKILL
        }
        if master >= 0 { Glibc.close(master) }
    }
}
