import Dispatch
import Foundation

/// Splits element-wise optimizer loops over cores when a buffer is large enough for the
/// threads to pay off; small buffers run inline (llm.c keeps kernels as plain loops).
enum ParallelLoop {
    /// Below this many elements a loop runs on the calling thread.
    static let minimumParallelCount = 1 << 16

    /// Calls `body` with disjoint ranges covering `0..<count`, in parallel for large counts.
    /// `body` must only touch its own range of any shared buffer.
    /// - Parameters:
    ///   - count: the number of elements.
    ///   - body: the loop over one range.
    static func forEachChunk(count: Int, _ body: (Range<Int>) -> Void) {
        let cores = ProcessInfoCores.active
        if count < minimumParallelCount || cores < 2 {
            body(0..<count)
            return
        }
        let chunks = min(cores * 4, (count + minimumParallelCount / 4 - 1) / (minimumParallelCount / 4))
        let chunkSize = (count + chunks - 1) / chunks
        withoutActuallyEscaping(body) { escapable in
            // Chunks write disjoint ranges, which is what makes the unchecked box sound.
            let box = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: chunks) { index in
                let start = index * chunkSize
                let end = min(count, start + chunkSize)
                if start < end { box.value(start..<end) }
            }
        }
    }

    /// Sums `term(range)` over disjoint ranges covering `0..<count`, in parallel for large
    /// counts; partial sums are added in chunk order so the result is deterministic.
    static func sum(count: Int, _ term: (Range<Int>) -> Double) -> Double {
        let cores = ProcessInfoCores.active
        if count < minimumParallelCount || cores < 2 { return term(0..<count) }
        let chunks = cores * 4
        let chunkSize = (count + chunks - 1) / chunks
        var partials = [Double](repeating: 0, count: chunks)
        partials.withUnsafeMutableBufferPointer { partialBuffer in
            withoutActuallyEscaping(term) { escapable in
                let box = UncheckedSendable((escapable, partialBuffer.baseAddress))
                DispatchQueue.concurrentPerform(iterations: chunks) { index in
                    let start = index * chunkSize
                    let end = min(count, start + chunkSize)
                    box.value.1?[index] = start < end ? box.value.0(start..<end) : 0
                }
            }
        }
        return partials.reduce(0, +)
    }
}

/// The number of active processors, read once.
enum ProcessInfoCores {
    /// Foundation's active processor count.
    static let active: Int = ProcessInfo.processInfo.activeProcessorCount
}

/// Carries a closure or pointer into `concurrentPerform`; callers guarantee the chunks
/// touch disjoint memory.
private struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
