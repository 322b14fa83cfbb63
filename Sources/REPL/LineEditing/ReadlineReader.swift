import CReadline
import Foundation

/// Reads lines with GNU readline: editing, history in a file, TAB completion through a
/// ``Completer``, and Ctrl-C that clears the line being typed.
///
/// Readline is one global C state, so only one reader may exist at a time; the C
/// callbacks reach it through ``ReadlineBridge``.
public final class ReadlineReader: LineReader {
    /// The file entries are appended to, one per line, as they are entered.
    public let historyPath: String?

    /// Sets up readline for lfs and loads the history file.
    /// - Parameters:
    ///   - historyPath: the history file (see ``HistoryFile``); nil keeps no history.
    ///   - completer: what TAB offers; nil turns completion off.
    public init(historyPath: String?, completer: Completer?) {
        self.historyPath = historyPath
        ReadlineBridge.completer = completer
        lfs_rl_set_readline_name(ReadlineBridge.readlineName)
        // lfs owns SIGINT (InterruptController); readline must not install handlers.
        lfs_rl_set_catch_signals(0)
        lfs_rl_set_getc_function(ReadlineBridge.getCharacter)
        lfs_rl_set_attempted_completion_function(ReadlineBridge.complete)
        lfs_rl_set_completion_word_break_hook(ReadlineBridge.wordBreakCharacters)
        lfs_rl_set_completer_word_break_characters(ReadlineBridge.codeBreaks)
        lfs_rl_set_completer_quote_characters(nil)
        using_history()
        stifle_history(HistoryFile.maximumEntries)
        if let historyPath {
            if FileManager.default.fileExists(atPath: historyPath) {
                history_truncate_file(historyPath, HistoryFile.maximumEntries)
                read_history(historyPath)
            } else {
                _ = FileManager.default.createFile(atPath: historyPath, contents: nil)
            }
        }
    }

    /// Reads one line (see ``LineReader``).
    public func readLine(prompt: String) -> LineInput {
        ReadlineBridge.cancelled = false
        guard let raw = readline(prompt) else {
            if ReadlineBridge.cancelled { return .cancelled }
            return .end
        }
        defer { free(raw) }
        if ReadlineBridge.cancelled {
            ReadlineBridge.cancelled = false
            return .cancelled
        }
        return .line(String(cString: raw))
    }

    /// Records an entered line (see ``LineReader``).
    public func addHistory(_ line: String) {
        guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        add_history(line)
        if let historyPath { append_history(1, historyPath) }
    }

    /// Whether this reader talks to a terminal (see ``LineReader``).
    public var isInteractive: Bool { true }
}

/// The C callbacks readline calls, and the state they share. Readline runs on the main
/// thread only, which is what makes the `nonisolated(unsafe)` state safe.
enum ReadlineBridge {
    nonisolated(unsafe) static var completer: Completer?
    /// Set by ``getCharacter`` when Ctrl-C cancelled the line being read.
    nonisolated(unsafe) static var cancelled = false

    nonisolated(unsafe) static let readlineName = UnsafePointer(strdup("lfs"))
    /// Everything but identifier characters breaks a word in code.
    nonisolated(unsafe) static let codeBreaks = UnsafePointer(
        strdup(" \t\n\"'`@$><=;|&{}()[],.+-*/%:!~^?#\\"))
    /// Inside a string, or after `:load`, only quotes and white space break a path.
    nonisolated(unsafe) static let pathBreaks = UnsafePointer(strdup(" \t\n\"'"))

    /// Reads one byte, waking every 100 ms to look at the Ctrl-C flag: the signal may be
    /// delivered to another thread (OpenBLAS's, the interpreter's), so an interrupted
    /// `read` cannot be relied on. Bytes typed before the Ctrl-C are read first (an Enter
    /// already typed runs its line, and the Ctrl-C then stops that computation); once
    /// none are left it marks the line cancelled, shows `^C`, and returns a newline so
    /// readline hands the line back.
    static let getCharacter: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { stream in
        let descriptor = stream.map { fileno($0) } ?? 0
        var byte: UInt8 = 0
        while true {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, InterruptController.isPending ? 0 : 100)
            if ready < 0 && errno != EINTR { return EOF }
            if ready > 0 {
                let count = read(descriptor, &byte, 1)
                if count == 1 { return Int32(byte) }
                if count == 0 { return EOF }
                if errno != EINTR && errno != EAGAIN { return EOF }
                continue
            }
            if InterruptController.takePending() {
                cancelled = true
                lfs_rl_set_point(lfs_rl_end())
                rl_redisplay()
                _ = "^C".withCString { write(1, $0, 2) }
                return 10
            }
        }
    }

    /// Picks the word-break set: paths inside strings keep their `/` and `.`.
    static let wordBreakCharacters: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
        let usesPaths = completer?.usesPathBreaks(textBeforeCursor: textBeforeCursor()) ?? false
        return (usesPaths ? pathBreaks : codeBreaks).map { UnsafeMutablePointer(mutating: $0) }
    }

    /// The attempted-completion function: asks the completer, then hands readline a
    /// malloc'd, NULL-terminated match list whose first entry is the common prefix.
    static let complete:
        @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<
            UnsafeMutablePointer<CChar>?
        >? = { text, _, _ in
            lfs_rl_set_attempted_completion_over(1)
            guard let completer else { return nil }
            let word = text.map { String(cString: $0) } ?? ""
            let result = completer.complete(textBeforeCursor: textBeforeCursor())
            let matches = result.candidates.filter { $0.hasPrefix(word) }
            guard !matches.isEmpty else { return nil }
            lfs_rl_set_filename_completion_desired(result.isPath ? 1 : 0)
            lfs_rl_set_filename_quoting_desired(0)
            let append: Int32 = matches.count == 1 && matches[0].hasSuffix(":") ? 32 : 0
            lfs_rl_set_completion_append_character(append)
            lfs_rl_set_completion_suppress_append(append == 0 ? 1 : 0)
            return matchList(matches)
        }

    /// The line up to the cursor (readline's point is a byte offset).
    static func textBeforeCursor() -> String {
        guard let buffer = lfs_rl_line_buffer() else { return "" }
        let point = Int(lfs_rl_point())
        let bytes = UnsafeBufferPointer(
            start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: point)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A malloc'd match list readline frees: `[common prefix, matches..., NULL]`.
    static func matchList(_ matches: [String]) -> UnsafeMutablePointer<
        UnsafeMutablePointer<CChar>?
    >? {
        guard
            let list = malloc(
                (matches.count + 2) * MemoryLayout<UnsafeMutablePointer<CChar>?>.stride)?
                .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: matches.count + 2)
        else { return nil }
        list[0] = strdup(CompletionResult.commonPrefix(of: matches))
        for (index, match) in matches.enumerated() { list[index + 1] = strdup(match) }
        list[matches.count + 1] = nil
        return list
    }
}
