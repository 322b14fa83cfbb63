import Foundation

/// A flat buffer of elements of one dtype, shared by a tensor and its views.
///
/// Storage either owns memory it allocated (zeroed, 16-byte aligned, counted in
/// `TensorMemory`) or wraps memory owned by someone else, such as an mmap'd
/// safetensors file, without copying; `owner` is then kept alive as long as the storage.
public final class TensorStorage: @unchecked Sendable {
    /// The element type.
    public let dtype: DType
    /// The number of elements.
    public let count: Int
    /// The number of bytes (`count * dtype.byteSize`).
    public let byteCount: Int
    /// The first byte.
    public let baseAddress: UnsafeMutableRawPointer
    /// Whether writes are refused (wrapped read-only memory).
    public let isReadOnly: Bool
    private let ownsMemory: Bool
    private let owner: AnyObject?

    /// Allocates zeroed storage for `count` elements.
    /// - Throws: `TensorError.sizeOverflow` when the byte count does not fit in an `Int`.
    public convenience init(dtype: DType, count: Int) throws {
        guard count >= 0 else {
            throw TensorError.invalidShape(op: "storage", shape: [count], reason: "negative size")
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw TensorError.sizeOverflow(op: "storage", shape: [count]) }
        // calloc hands back lazily zeroed pages and reports failure instead of trapping.
        guard let memory = calloc(Swift.max(bytes, 1), 1) else {
            throw TensorError.outOfMemory(op: "storage", bytes: bytes)
        }
        self.init(validated: dtype, count: count, bytes: bytes, memory: memory)
    }

    /// Allocates storage for `count` elements without zeroing it, for kernel outputs
    /// that write every element before anything reads them.
    /// - Throws: `TensorError.sizeOverflow`, `.outOfMemory`.
    public convenience init(uninitialized dtype: DType, count: Int) throws {
        let (bytes, overflow) = Swift.max(0, count).multipliedReportingOverflow(by: dtype.byteSize)
        guard !overflow else { throw TensorError.sizeOverflow(op: "storage", shape: [count]) }
        guard let memory = malloc(Swift.max(bytes, 1)) else {
            throw TensorError.outOfMemory(op: "storage", bytes: bytes)
        }
        self.init(validated: dtype, count: Swift.max(0, count), bytes: bytes, memory: memory)
    }

    /// Allocates zeroed storage for a count known to be valid (the element count of an
    /// existing array or tensor).
    convenience init(dtype: DType, validCount count: Int) {
        let bytes = Swift.max(0, count) &* dtype.byteSize
        // Like an Array, running out of memory here ends the process (the throwing
        // initialiser is the one sizes from user input go through).
        let memory =
            calloc(Swift.max(bytes, 1), 1)
            ?? UnsafeMutableRawPointer.allocate(byteCount: Swift.max(bytes, 1), alignment: 16)
        self.init(validated: dtype, count: Swift.max(0, count), bytes: bytes, memory: memory)
    }

    private init(validated dtype: DType, count: Int, bytes: Int, memory: UnsafeMutableRawPointer) {
        self.dtype = dtype
        self.count = count
        self.byteCount = bytes
        self.baseAddress = memory
        self.isReadOnly = false
        self.ownsMemory = true
        self.owner = nil
        TensorMemory.didAllocate(bytes)
    }

    /// Wraps `byteCount` bytes at `pointer` without copying.
    /// - Parameters:
    ///   - pointer: the first element; must be aligned for `dtype`.
    ///   - byteCount: the bytes available; must be a multiple of `dtype.byteSize`.
    ///   - owner: an object that keeps the memory alive (an mmap region), retained here.
    ///   - readOnly: refuse writes (true for a read-only mapping).
    /// - Throws: `TensorError.invalidArgument` when the byte count or alignment is wrong.
    public init(
        wrapping pointer: UnsafeMutableRawPointer, byteCount: Int, dtype: DType,
        owner: AnyObject?, readOnly: Bool = true
    ) throws {
        guard byteCount >= 0, byteCount % dtype.byteSize == 0 else {
            throw TensorError.invalidArgument(
                op: "storage", reason: "\(byteCount) bytes is not a whole number of \(dtype)")
        }
        guard Int(bitPattern: pointer) % dtype.byteSize == 0 else {
            throw TensorError.invalidArgument(
                op: "storage", reason: "wrapped memory is not aligned for \(dtype)")
        }
        self.dtype = dtype
        self.count = byteCount / dtype.byteSize
        self.byteCount = byteCount
        self.baseAddress = pointer
        self.isReadOnly = readOnly
        self.ownsMemory = false
        self.owner = owner
        TensorMemory.didWrap(byteCount)
    }

    deinit {
        if ownsMemory {
            free(baseAddress)
            TensorMemory.didFree(byteCount)
        } else {
            TensorMemory.didUnwrap(byteCount)
        }
    }

    /// Reads element `index` converted to Float (integers convert exactly up to 2^24).
    @inline(__always)
    func float(at index: Int) -> Float {
        switch dtype {
        case .float32: return baseAddress.assumingMemoryBound(to: Float.self)[index]
        case .float16:
            return HalfConversion.float(
                float16Bits: baseAddress.assumingMemoryBound(to: UInt16.self)[index])
        case .bfloat16:
            return HalfConversion.float(
                bfloat16Bits: baseAddress.assumingMemoryBound(to: UInt16.self)[index])
        case .int64: return Float(baseAddress.assumingMemoryBound(to: Int64.self)[index])
        case .int32: return Float(baseAddress.assumingMemoryBound(to: Int32.self)[index])
        }
    }

    /// Reads element `index` as an Int (floats truncate toward zero; NaN and out-of-range
    /// values read as `Int.min`, which every index check rejects).
    @inline(__always)
    func int(at index: Int) -> Int {
        switch dtype {
        case .int64: return Int(baseAddress.assumingMemoryBound(to: Int64.self)[index])
        case .int32: return Int(baseAddress.assumingMemoryBound(to: Int32.self)[index])
        default:
            let value = float(at: index)
            guard value.isFinite, abs(value) < 9.0e18 else { return Int.min }
            return Int(value)
        }
    }

    /// Writes a Float into element `index`, converting to the storage dtype.
    @inline(__always)
    func setFloat(_ value: Float, at index: Int) {
        switch dtype {
        case .float32: baseAddress.assumingMemoryBound(to: Float.self)[index] = value
        case .float16:
            baseAddress.assumingMemoryBound(to: UInt16.self)[index] =
                HalfConversion.float16Bits(value)
        case .bfloat16:
            baseAddress.assumingMemoryBound(to: UInt16.self)[index] =
                HalfConversion.bfloat16Bits(value)
        case .int64:
            baseAddress.assumingMemoryBound(to: Int64.self)[index] =
                value.isFinite && abs(value) < 9.0e18 ? Int64(value) : 0
        case .int32:
            baseAddress.assumingMemoryBound(to: Int32.self)[index] =
                value.isFinite && abs(value) < 2.1e9 ? Int32(value) : 0
        }
    }

    /// Writes an Int into element `index` (float dtypes round).
    @inline(__always)
    func setInt(_ value: Int, at index: Int) {
        switch dtype {
        case .int64: baseAddress.assumingMemoryBound(to: Int64.self)[index] = Int64(value)
        case .int32:
            baseAddress.assumingMemoryBound(to: Int32.self)[index] = Int32(truncatingIfNeeded: value)
        default: setFloat(Float(value), at: index)
        }
    }

    /// The elements as Float32 when the dtype is float32.
    var floats: UnsafeMutablePointer<Float> { baseAddress.assumingMemoryBound(to: Float.self) }
}
