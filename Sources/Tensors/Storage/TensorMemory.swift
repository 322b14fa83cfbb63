import Synchronization

/// Process-wide accounting of the bytes tensor storage has allocated (for `memory()`).
/// Storage that wraps external memory (an mmap'd checkpoint) is counted separately.
public enum TensorMemory {
    private static let allocated = Atomic<Int>(0)
    private static let peak = Atomic<Int>(0)
    private static let wrapped = Atomic<Int>(0)
    private static let cumulative = Atomic<Int>(0)

    /// Bytes currently allocated by tensor storage owned by lfs.
    public static var bytesAllocated: Int { allocated.load(ordering: .relaxed) }
    /// The highest value `bytesAllocated` has reached.
    public static var peakBytesAllocated: Int { peak.load(ordering: .relaxed) }
    /// Bytes of external memory currently wrapped without copying.
    public static var bytesWrapped: Int { wrapped.load(ordering: .relaxed) }
    /// Bytes allocated since the process started, never decreasing (the profiler's
    /// per-op "allocated" column is the difference across an op).
    public static var totalBytesAllocated: Int { cumulative.load(ordering: .relaxed) }

    static func didAllocate(_ bytes: Int) {
        let now = allocated.add(bytes, ordering: .relaxed).newValue
        cumulative.add(bytes, ordering: .relaxed)
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, original) = peak.compareExchange(
                expected: seen, desired: now, ordering: .relaxed)
            if exchanged { break }
            seen = original
        }
    }

    static func didFree(_ bytes: Int) { allocated.subtract(bytes, ordering: .relaxed) }
    static func didWrap(_ bytes: Int) { wrapped.add(bytes, ordering: .relaxed) }
    static func didUnwrap(_ bytes: Int) { wrapped.subtract(bytes, ordering: .relaxed) }
}
