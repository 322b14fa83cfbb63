/// An n-dimensional array of numbers with reverse-mode autograd.
///
/// A tensor is a view (`shape`, `strides`, `offset`) over a `TensorStorage`; views made
/// by `reshape`, `transpose`, `permute`, `slice` and `expand` share storage without
/// copying. Arithmetic runs in Float32 whatever the storage dtype. A tensor produced by
/// an op while grad mode is on and some input requires grad records its `producer`
/// node, which `backward()` walks and the Graphs module reads.
///
/// Not thread-safe for mutation: share tensors across threads only for reading.
public final class Tensor: @unchecked Sendable {
    /// The shared element buffer.
    public let storage: TensorStorage
    /// The size of each dimension, outermost first (`[]` for a scalar).
    public let shape: [Int]
    /// The element step of each dimension in `storage` (0 along expanded dimensions).
    public let strides: [Int]
    /// The element offset of the first element in `storage`.
    public let offset: Int
    /// The number of elements (the product of `shape`).
    public let count: Int

    /// Whether gradients flow to this tensor. Set it on leaves (parameters, inputs);
    /// op outputs get it from their inputs.
    public var requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()` (always float32, same shape).
    public var grad: Tensor?
    /// The tape node that produced this tensor; nil for leaves and for outputs
    /// computed without grad.
    public internal(set) var producer: TapeNode?
    /// An optional name, such as the HF key `model.layers.0.self_attn.q_proj.weight`.
    public var name: String?
    /// Whether this tensor is a model parameter (as opposed to an activation or input).
    public var isParameter: Bool

    /// Creates a tensor viewing `storage`.
    /// - Throws: `TensorError.invalidShape` when the view reaches outside the storage.
    public init(storage: TensorStorage, shape: [Int], strides: [Int]? = nil, offset: Int = 0)
        throws
    {
        let count = try Shape.count(shape, op: "tensor")
        let strides = strides ?? Shape.contiguousStrides(shape)
        guard strides.count == shape.count, offset >= 0 else {
            throw TensorError.invalidShape(
                op: "tensor", shape: shape, reason: "strides \(strides) do not match")
        }
        if count > 0 {
            var last = offset
            for (size, step) in zip(shape, strides) {
                guard step >= 0 else {
                    throw TensorError.invalidShape(
                        op: "tensor", shape: shape, reason: "negative stride")
                }
                let (reach, overflow) = (size - 1).multipliedReportingOverflow(by: step)
                guard !overflow else { throw TensorError.sizeOverflow(op: "tensor", shape: shape) }
                last = last &+ reach
            }
            guard last < storage.count, last >= 0 else {
                throw TensorError.invalidShape(
                    op: "tensor", shape: shape,
                    reason: "view reaches element \(last) of a storage of \(storage.count)")
            }
        }
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.count = count
        self.requiresGrad = false
        self.isParameter = false
    }

    /// Creates a view whose bounds the caller has already checked.
    init(unchecked storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, count: Int) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.count = count
        self.requiresGrad = false
        self.isParameter = false
    }

    /// Allocates a zeroed contiguous tensor.
    /// - Throws: `TensorError.invalidShape` or `.sizeOverflow` for a bad shape.
    public convenience init(zeros shape: [Int], dtype: DType = .float32) throws {
        let count = try Shape.count(shape, op: "zeros")
        let storage = try TensorStorage(dtype: dtype, count: count)
        self.init(
            unchecked: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0,
            count: count)
    }

    /// The element type of the storage.
    public var dtype: DType { storage.dtype }
    /// The number of dimensions.
    public var rank: Int { shape.count }
    /// Whether the elements are laid out row-major without gaps from `offset`.
    public var isContiguous: Bool { Shape.isContiguous(shape: shape, strides: strides) }
    /// Whether no op produced this tensor (a parameter, an input or a detached result).
    public var isLeaf: Bool { producer == nil }

    /// The size of dimension `dim` (negative counts from the end).
    /// - Throws: `TensorError.invalidDimension`.
    public func size(_ dim: Int) throws -> Int {
        shape[try Shape.normalize(dim: dim, rank: rank, op: "size")]
    }

    /// A new leaf sharing this tensor's storage, cut off from the tape.
    public func detach() -> Tensor {
        Tensor(unchecked: storage, shape: shape, strides: strides, offset: offset, count: count)
    }

    /// A view of the same storage with other geometry (bounds are the caller's duty).
    func view(shape: [Int], strides: [Int], offset: Int) -> Tensor {
        var count = 1
        for size in shape { count &*= size }
        return Tensor(unchecked: storage, shape: shape, strides: strides, offset: offset, count: count)
    }

    /// The storage index of each element in row-major order (O(count)).
    func forEachStorageIndex(_ body: (Int, Int) -> Void) {
        var position = 0
        StridedLoop.forEachRun(shape: shape, strides: [strides], offsets: [offset]) {
            offsets, count, inner in
            var index = offsets[0]
            for _ in 0..<count {
                body(position, index)
                position += 1
                index += inner[0]
            }
        }
    }
}
