import Dispatch

/// Data-parallel loops over index ranges on `TensorRuntime.threadCount` threads,
/// through `DispatchQueue.concurrentPerform`. Small ranges run inline.
public enum Parallel {
    /// Splits `0 ..< count` into contiguous chunks and runs `body` on each, in parallel
    /// when there is enough work. Chunks never overlap; `body` must only write to
    /// locations owned by its chunk.
    /// - Parameters:
    ///   - count: the number of items (rows, elements ...).
    ///   - minimumChunk: the fewest items worth a thread of their own.
    ///   - body: called with each chunk's range.
    public static func forEachChunk(
        count: Int, minimumChunk: Int = 16_384, _ body: (Range<Int>) -> Void
    ) {
        guard count > 0 else { return }
        let threads = TensorRuntime.threadCount
        let chunks = min(threads, max(1, count / max(1, minimumChunk)))
        if chunks <= 1 {
            body(0..<count)
            return
        }
        let base = count / chunks
        let extra = count % chunks
        withoutActuallyEscaping(body) { escapable in
            // concurrentPerform returns only after every chunk ran, so `body` never
            // outlives this call; chunks write disjoint ranges.
            let box = UncheckedSendableBox(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * base + min(chunk, extra)
                let end = start + base + (chunk < extra ? 1 : 0)
                box.value(start..<end)
            }
        }
    }

    /// Runs `body(index)` for each index in `0 ..< count`, grouped into chunks as
    /// `forEachChunk` does (for row loops with much work per row, use a small
    /// `minimumChunk`).
    public static func forEach(count: Int, minimumChunk: Int = 1, _ body: (Int) -> Void) {
        forEachChunk(count: count, minimumChunk: minimumChunk) { range in
            for index in range { body(index) }
        }
    }
}

/// Carries a value into a `@Sendable` closure whose concurrency the caller controls.
struct UncheckedSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
