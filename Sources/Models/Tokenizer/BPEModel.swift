#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BPE model of tokenizer.json (`model.type == "BPE"`), as the `tokenizers` library
/// applies it: symbols start as single characters (bytes through `<0xXX>` tokens when a
/// character is not in the vocabulary and `byte_fallback` is on, else `unk_token`, fused
/// when `fuse_unk`), then the adjacent pair of lowest merge rank is merged, leftmost
/// first, until no pair has a merge. With `ignore_merges` a word in the vocabulary is
/// one token at once.
final class BPEModel: @unchecked Sendable {
    // @unchecked: the cache is guarded by `lock`; everything else is immutable.
    let vocabulary: [String: Int]
    let tokens: [String?]
    /// (left id << 32 | right id) -> (rank, merged id).
    private let merges: [UInt64: (rank: Int, id: Int)]
    private let unknownID: Int?
    private let fuseUnknown: Bool
    private let byteFallback: Bool
    private let ignoreMerges: Bool
    private let byteTokenIDs: [Int?]
    private var scalarIDs: [UInt32: Int] = [:]
    private var cache: [String: [Int]] = [:]
    private let lock = NSLockLike()

    init(
        vocabulary: [String: Int], merges: [(String, String)], unknownToken: String?, fuseUnknown: Bool,
        byteFallback: Bool, ignoreMerges: Bool, file: String
    ) throws {
        self.vocabulary = vocabulary
        var tokens = [String?](repeating: nil, count: (vocabulary.values.max() ?? -1) + 1)
        for (token, id) in vocabulary {
            guard id >= 0 else {
                throw TokenizerError.malformed(file: file, field: "model.vocab", detail: "negative id for '\(token)'")
            }
            tokens[id] = token
        }
        self.tokens = tokens
        var table: [UInt64: (rank: Int, id: Int)] = [:]
        table.reserveCapacity(merges.count)
        for (rank, (left, right)) in merges.enumerated() {
            guard let a = vocabulary[left], let b = vocabulary[right], let merged = vocabulary[left + right] else {
                throw TokenizerError.malformed(
                    file: file, field: "model.merges[\(rank)]", detail: "'\(left) \(right)' uses tokens not in the vocabulary")
            }
            let key = UInt64(a) << 32 | UInt64(b)
            if table[key] == nil { table[key] = (rank, merged) }
        }
        self.merges = table
        if let unknownToken {
            guard let id = vocabulary[unknownToken] else {
                throw TokenizerError.malformed(file: file, field: "model.unk_token", detail: "'\(unknownToken)' is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        byteTokenIDs = (0..<256).map { vocabulary[String(format0x: $0)] }
        for (token, id) in vocabulary {
            let scalars = token.unicodeScalars
            if scalars.count == 1, let scalar = scalars.first { scalarIDs[scalar.value] = id }
        }
    }

    /// The ids of one pre-tokenized word (cached).
    func encode(_ word: [Unicode.Scalar]) -> [Int] {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: word)
        let key = String(view)
        if let cached = lock.withLock({ cache[key] }) { return cached }
        let ids = encodeUncached(word, key: key)
        // As the library, long words (SentencePiece text without a pre-tokenizer) are not cached.
        if word.count >= 256 { return ids }
        lock.withLock {
            if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
            cache[key] = ids
        }
        return ids
    }

    private func encodeUncached(_ word: [Unicode.Scalar], key: String) -> [Int] {
        if ignoreMerges, let id = vocabulary[key] { return [id] }
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var pendingUnknown = false
        for scalar in word {
            if let id = scalarIDs[scalar.value] {
                symbols.append(id)
                pendingUnknown = false
                continue
            }
            if byteFallback {
                let bytes = Array(String(scalar).utf8)
                let ids = bytes.compactMap { byteTokenIDs[Int($0)] }
                if ids.count == bytes.count {
                    symbols.append(contentsOf: ids)
                    pendingUnknown = false
                    continue
                }
            }
            if let unknownID {
                if !(fuseUnknown && pendingUnknown) { symbols.append(unknownID) }
                pendingUnknown = true
            }
        }
        return symbols.count > 48 ? mergeWithHeap(symbols) : mergeQuadratic(symbols)
    }

    /// Merges the lowest-ranked adjacent pair, leftmost first, until none is left: O(n^2),
    /// the fastest for the short words pre-tokenizers make.
    func mergeQuadratic(_ initial: [Int]) -> [Int] {
        var symbols = initial
        while symbols.count > 1 {
            var bestRank = Int.max
            var bestIndex = -1
            var bestID = 0
            for i in 0..<(symbols.count - 1) {
                if let merge = merges[UInt64(symbols[i]) << 32 | UInt64(symbols[i + 1])], merge.rank < bestRank {
                    bestRank = merge.rank
                    bestIndex = i
                    bestID = merge.id
                }
            }
            if bestIndex < 0 { break }
            symbols[bestIndex] = bestID
            symbols.remove(at: bestIndex + 1)
        }
        return symbols
    }
}

extension BPEModel {
    /// The same merge order in O(n log n) for long words: a min-heap of (rank, position)
    /// over a linked list of symbols, stale entries skipped (the library's `merge_all`).
    func mergeWithHeap(_ initial: [Int]) -> [Int] {
        var ids = initial
        let count = ids.count
        guard count > 1 else { return initial }
        var next = Array(1...count)
        next[count - 1] = -1
        var previous = Array(-1..<(count - 1))
        var alive = [Bool](repeating: true, count: count)
        var heap = MinHeap()
        func push(_ position: Int) {
            let right = next[position]
            guard right >= 0, let merge = merges[UInt64(ids[position]) << 32 | UInt64(ids[right])] else { return }
            heap.push(UInt64(merge.rank) << 32 | UInt64(position))
        }
        for position in 0..<(count - 1) { push(position) }
        while let top = heap.pop() {
            let rank = Int(top >> 32)
            let position = Int(top & 0xFFFF_FFFF)
            let right = next[position]
            guard alive[position], right >= 0,
                let merge = merges[UInt64(ids[position]) << 32 | UInt64(ids[right])], merge.rank == rank
            else { continue }
            ids[position] = merge.id
            alive[right] = false
            next[position] = next[right]
            if next[right] >= 0 { previous[next[right]] = position }
            if previous[position] >= 0 { push(previous[position]) }
            push(position)
        }
        var out: [Int] = []
        var position = 0
        while position >= 0 {
            out.append(ids[position])
            position = next[position]
        }
        return out
    }
}

/// A binary min-heap of packed (rank << 32 | position) keys.
struct MinHeap {
    private var items: [UInt64] = []

    mutating func push(_ value: UInt64) {
        items.append(value)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if items[parent] <= items[child] { break }
            items.swapAt(parent, child)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let first = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < items.count, items[left] < items[smallest] { smallest = left }
                if right < items.count, items[right] < items[smallest] { smallest = right }
                if smallest == parent { break }
                items.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first
    }
}

/// A minimal mutex (Foundation's NSLock, kept behind a tiny wrapper for `withLock`).
final class NSLockLike: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    init() { pthread_mutex_init(mutex, nil) }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}

extension String {
    /// `<0xAB>`, the SentencePiece byte token for a byte.
    init(format0x byte: Int) {
        let digits = String(byte, radix: 16, uppercase: true)
        self = "<0x" + (digits.count < 2 ? "0" : "") + digits + ">"
    }
}
