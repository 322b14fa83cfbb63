#if canImport(Glibc)
import Glibc
#endif

/// How the C allocator treats the large, short-lived buffers of a training step.
///
/// glibc serves blocks above its mmap threshold with fresh mappings and returns heap
/// memory above its trim threshold to the kernel, raising both thresholds only a little
/// as it sees large blocks freed. A training step allocates and frees the same few
/// hundred MB every step, so by default each step faults all of it in again, page by
/// page (measured on bench-llama's LoRA step: about 0.45 s of kernel time per step,
/// over 1 million page faults in three steps). Keeping freed blocks of up to 32 MiB in
/// the heap and not trimming the first GiB of free heap lets every later step reuse the
/// memory of the one before, which is what PyTorch's caching allocators do on the GPU.
/// Peak RSS does not grow: the memory is the previous step's, reused.
///
/// All threads share glibc's main arena. The interpreter runs on a thread of its own, and
/// a secondary thread's arena grows in heaps of at most 64 MiB that glibc unmaps as soon
/// as they empty, so tensors of tens of MB faulted in again every step whatever the
/// thresholds said (bench-llama's LoRA step: about 88,000 page faults per step, 350 MB of
/// pages zeroed by the kernel; none with one arena). The few allocations of kernel
/// threads do not contend enough for per-thread arenas to pay.
public enum AllocatorPolicy {
    /// Blocks at most this large come from the heap (glibc's largest dynamic threshold).
    public static let mmapThresholdBytes = 32 << 20
    /// Free heap memory kept rather than returned to the kernel.
    public static let trimThresholdBytes = 1 << 30

    /// Applies the policy to the process (glibc only; elsewhere it does nothing). Call it
    /// once at start-up, before the first step; calling it again is harmless.
    /// - Returns: whether glibc accepted both settings.
    @discardableResult
    public static func keepStepBuffers() -> Bool {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not export:
        // look it up instead (RTLD_DEFAULT is the null handle on glibc).
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
        // <malloc.h>: M_TRIM_THRESHOLD -1, M_MMAP_THRESHOLD -3, M_ARENA_MAX -8.
        let mmap = mallopt(-3, Int32(mmapThresholdBytes))
        let trim = mallopt(-1, Int32(trimThresholdBytes))
        let arenas = mallopt(-8, 1)
        return mmap == 1 && trim == 1 && arenas == 1
        #else
        return false
        #endif
    }
}
