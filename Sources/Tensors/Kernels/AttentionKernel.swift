import CKernels
import Foundation

/// Causal scaled-dot-product attention with grouped KV heads, in query-row blocks.
///
/// softmax(scale * q k^T + mask) v per head, as HF `eager_attention_forward` and
/// PyTorch `scaled_dot_product_attention(is_causal=True)` compute it, where query head h
/// reads KV head h / (H / KVH) (GQA: Ainslie et al. 2023). Queries are taken in blocks
/// of `blockSize` rows; block [i0, i1) only meets keys [start, i1), so the masked causal
/// half is mostly never computed. The query heads that share a KV head are taken
/// together, their rows stacked, so each block is two sgemm calls around a row softmax
/// for the whole group (GQA without expanding K and V).
/// Forward saves the log-sum-exp of every score row; backward recomputes the
/// probabilities from it (as FlashAttention does) instead of keeping [T, T] per head.
///
/// Shapes: B batches, H query heads, KVH key/value heads (H % KVH == 0), T tokens
/// (query length == key length), D head dimension.
public enum AttentionKernel {
    /// The sizes and options of one attention call.
    public struct Configuration: Equatable, Sendable {
        /// Batches.
        public var B: Int
        /// Query heads.
        public var H: Int
        /// Key/value heads; H must be a multiple.
        public var KVH: Int
        /// Tokens (queries and keys).
        public var T: Int
        /// Head dimension.
        public var D: Int
        /// The factor on q k^T; 1 / sqrt(D) by default.
        public var scale: Float
        /// Mistral's sliding window: query i sees keys j with i - window < j <= i.
        /// Nil means plain causal.
        public var slidingWindow: Int?
        /// Query rows per block; tests make it small to cover the block edges.
        public var blockSize: Int

        /// A configuration with the default scale 1 / sqrt(D) unless given.
        public init(
            B: Int, H: Int, KVH: Int, T: Int, D: Int, scale: Float? = nil,
            slidingWindow: Int? = nil, blockSize: Int = 64
        ) {
            self.B = B
            self.H = H
            self.KVH = KVH
            self.T = T
            self.D = D
            self.scale = scale ?? 1 / Float(D).squareRoot()
            self.slidingWindow = slidingWindow
            self.blockSize = max(1, blockSize)
        }

        /// Query heads per KV head.
        var group: Int { H / KVH }
        /// Query blocks per head.
        var blocks: Int { (T + blockSize - 1) / blockSize }

        /// The first key any row of [i0, ...) can see.
        func firstKey(forBlockStart i0: Int) -> Int {
            guard let window = slidingWindow else { return 0 }
            return max(0, i0 - window + 1)
        }

        /// The first key row i can see.
        func firstKey(forRow i: Int) -> Int {
            guard let window = slidingWindow else { return 0 }
            return max(0, i - window + 1)
        }
    }

    /// The memory layouts of the four [.., T, D] buffers of one call.
    public struct Layouts: Equatable, Sendable {
        /// Of the queries [B, H, T, D] (and their gradient).
        public var query: HeadLayout
        /// Of the keys [B, KVH, T, D] (and their gradient).
        public var key: HeadLayout
        /// Of the values [B, KVH, T, D] (and their gradient).
        public var value: HeadLayout
        /// Of the output [B, H, T, D] (and its gradient).
        public var output: HeadLayout

        /// Explicit layouts.
        public init(query: HeadLayout, key: HeadLayout, value: HeadLayout, output: HeadLayout) {
            self.query = query
            self.key = key
            self.value = value
            self.output = output
        }

        /// Every buffer contiguous [B, heads, T, D].
        public static func headsFirst(_ c: Configuration) -> Layouts {
            let q = HeadLayout.headsFirst(heads: c.H, tokens: c.T, headDimension: c.D)
            let kv = HeadLayout.headsFirst(heads: c.KVH, tokens: c.T, headDimension: c.D)
            return Layouts(query: q, key: kv, value: kv, output: q)
        }
    }

    /// Computes the attention output and saves each row's log-sum-exp.
    ///
    /// One work item is a query block of every query head sharing a KV head: their rows
    /// are packed one head after another into [group * rows, D], so the K and V of the
    /// block are read by two sgemm calls twice as tall instead of two per query head.
    /// A query row that sees no key (all its keys padded) gets a zero output and a
    /// log-sum-exp of -infinity; its gradient is zero.
    /// - Parameters:
    ///   - output: [B, H, T, D] in `layouts.output`, written.
    ///   - logSumExp: [B, H, T], written.
    ///   - query: [B, H, T, D] in `layouts.query`.
    ///   - key: [B, KVH, T, D] in `layouts.key`.
    ///   - value: [B, KVH, T, D] in `layouts.value`.
    ///   - keyMask: [B, T] or nil; 0 marks a padded key, anything else a real one.
    public static func forward(
        output: UnsafeMutablePointer<Float>, logSumExp: UnsafeMutablePointer<Float>,
        query: UnsafePointer<Float>, key: UnsafePointer<Float>, value: UnsafePointer<Float>,
        keyMask: UnsafePointer<Float>?, configuration c: Configuration, layouts: Layouts
    ) {
        let items = c.B * c.KVH * c.blocks
        let workers = KernelParallel.workerCount(items)
        let scratch = Scratch(c, buffers: 2)
        let memory = UnsafeMutablePointer<Float>.allocate(capacity: workers * scratch.floats)
        defer { memory.deallocate() }
        runParallel(items) { worker, item in
            let block = item % c.blocks
            let kvh = (item / c.blocks) % c.KVH
            let b = item / (c.blocks * c.KVH)
            let i0 = block * c.blockSize
            let i1 = min(c.T, i0 + c.blockSize)
            let j0 = c.firstKey(forBlockStart: i0)
            let rows = i1 - i0
            let keys = i1 - j0
            let m = c.group * rows
            let base = memory + worker * scratch.floats
            let p = base
            let packedQuery = scratch.buffer(0, of: base)
            let packedOutput = scratch.buffer(1, of: base)
            pack(packedQuery, from: query, layout: layouts.query, b: b, kvh: kvh, i0: i0, rows: rows, c)
            // p[m, keys] = scale * q k[j0..<i1]^T
            BLAS.sgemm(
                transA: .none, transB: .transposed, m: m, n: keys, k: c.D, alpha: c.scale,
                a: packedQuery, lda: c.D,
                b: key + layouts.key.offset(b, kvh, j0), ldb: layouts.key.tokenStride,
                beta: 0, c: p, ldc: keys)
            for row in 0..<m {
                let h = kvh * c.group + row / rows
                let r = row % rows
                logSumExp[(b * c.H + h) * c.T + i0 + r] = softmaxRow(
                    p + row * keys, row: i0 + r, firstKey: j0, keys: keys, batch: b,
                    keyMask: keyMask, configuration: c)
            }
            // out[m, D] = p v[j0..<i1]
            BLAS.sgemm(
                transA: .none, transB: .none, m: m, n: c.D, k: keys, alpha: 1,
                a: p, lda: keys,
                b: value + layouts.value.offset(b, kvh, j0), ldb: layouts.value.tokenStride,
                beta: 0, c: packedOutput, ldc: c.D)
            unpack(packedOutput, into: output, layout: layouts.output, b: b, kvh: kvh, i0: i0, rows: rows, accumulate: false, c)
        }
    }

    /// One worker's scratch: a [group * blockSize, T] score tile followed by `buffers`
    /// packed [group * blockSize, D] row blocks.
    struct Scratch {
        let tile: Int
        let rowsBlock: Int
        let floats: Int

        init(_ c: Configuration, buffers: Int, tiles: Int = 1) {
            let m = c.group * Swift.min(c.blockSize, c.T)
            tile = tiles * m * c.T
            rowsBlock = m * c.D
            floats = tile + buffers * rowsBlock
        }

        /// The `index`-th packed row block after the tiles.
        func buffer(_ index: Int, of base: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
            base + tile + index * rowsBlock
        }
    }

    /// Copies the rows i0..<i0 + rows of the query heads of KV head `kvh` into
    /// packed[group * rows, D], one head after another.
    @inline(__always)
    static func pack(
        _ packed: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, layout: HeadLayout,
        b: Int, kvh: Int, i0: Int, rows: Int, _ c: Configuration
    ) {
        for g in 0..<c.group {
            let h = kvh * c.group + g
            for r in 0..<rows {
                (packed + (g * rows + r) * c.D).update(from: source + layout.offset(b, h, i0 + r), count: c.D)
            }
        }
    }

    /// Writes (or adds) packed[group * rows, D] back to the rows i0..<i0 + rows of the
    /// query heads of KV head `kvh`.
    @inline(__always)
    static func unpack(
        _ packed: UnsafePointer<Float>, into target: UnsafeMutablePointer<Float>, layout: HeadLayout,
        b: Int, kvh: Int, i0: Int, rows: Int, accumulate: Bool, _ c: Configuration
    ) {
        for g in 0..<c.group {
            let h = kvh * c.group + g
            for r in 0..<rows {
                let row = packed + (g * rows + r) * c.D
                let destination = target + layout.offset(b, h, i0 + r)
                if accumulate {
                    KernelMath.addInPlace(destination, row, c.D)
                } else {
                    destination.update(from: row, count: c.D)
                }
            }
        }
    }

    /// Turns one row of scores into probabilities in place, zero where masked, and
    /// returns its log-sum-exp (-infinity when the row sees no key).
    /// - Parameters:
    ///   - scores: [keys], the scores of `row` against keys firstKey..<firstKey + keys.
    static func softmaxRow(
        _ scores: UnsafeMutablePointer<Float>, row: Int, firstKey: Int, keys: Int, batch: Int,
        keyMask: UnsafePointer<Float>?, configuration c: Configuration
    ) -> Float {
        let low = c.firstKey(forRow: row) - firstKey
        let high = row - firstKey + 1
        applyMask(scores, low: low, high: high, keys: keys, fill: -.infinity) { j in
            keyMask.map { $0[batch * c.T + firstKey + j] == 0 } ?? false
        }
        let m = lfs_row_max(scores + low, high - low)
        guard m > -.infinity else {
            scores.update(repeating: 0, count: keys)
            return -.infinity
        }
        let sum = lfs_exp_sum(scores + low, scores + low, high - low, m)
        lfs_affine(scores + low, scores + low, high - low, 1 / sum, 0)
        for j in 0..<low { scores[j] = 0 }
        for j in high..<keys { scores[j] = 0 }
        return m + log(sum)
    }

    /// Sets the scores outside low..<high, and those `isPadded` names, to `fill`.
    @inline(__always)
    static func applyMask(
        _ scores: UnsafeMutablePointer<Float>, low: Int, high: Int, keys: Int, fill: Float,
        isPadded: (Int) -> Bool
    ) {
        for j in 0..<low { scores[j] = fill }
        for j in low..<high where isPadded(j) { scores[j] = fill }
        for j in high..<keys { scores[j] = fill }
    }

    /// Runs the work items on the kernel threads with single-threaded sgemm calls when
    /// there are enough items to keep every thread busy; otherwise one after another,
    /// leaving OpenBLAS its own threads.
    static func runParallel(_ items: Int, _ body: (Int, Int) -> Void) {
        if items >= KernelParallel.threadCount {
            KernelParallel.withSingleThreadedBLAS {
                KernelParallel.forEachWithWorker(items, body)
            }
        } else {
            for item in 0..<items { body(0, item) }
        }
    }
}
