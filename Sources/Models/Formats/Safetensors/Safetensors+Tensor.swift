import Tensors

extension SafetensorsDType {
    /// The Tensors dtype this type is stored as in lfs: F32, F16, BF16, I64 and I32 as
    /// they are; other floats become F32, other integers and BOOL become I64.
    public var tensorDType: DType {
        switch self {
        case .f32: return .float32
        case .f16: return .float16
        case .bf16: return .bfloat16
        case .i32: return .int32
        case .f64, .f8e4m3, .f8e5m2: return .float32
        case .i64, .u64, .u32, .i16, .u16, .i8, .u8, .bool: return .int64
        }
    }

    /// The safetensors type of a Tensors dtype.
    public init(_ dtype: DType) {
        switch dtype {
        case .float32: self = .f32
        case .float16: self = .f16
        case .bfloat16: self = .bf16
        case .int64: self = .i64
        case .int32: self = .i32
        }
    }
}

extension SafetensorsFile {
    /// The tensor as a `Tensor`, named `name`.
    ///
    /// F32, F16, BF16, I64 and I32 wrap the mapped bytes without copying (read-only; the
    /// tensor keeps the map alive) unless `copy` is true; other dtypes are converted as
    /// `SafetensorsDType.tensorDType` says, into new storage.
    /// - Throws: `SafetensorsError.missingTensor`, or `.invalidTensor` if Tensors refuses it.
    public func tensor(_ name: String, copy: Bool = false) throws -> Tensor {
        let info = try info(name)
        let bytes = try bytes(of: name)
        let target = info.dtype.tensorDType
        do {
            let tensor: Tensor
            let stored = SafetensorsDType(target) == info.dtype
            if stored, !copy, let base = bytes.baseAddress,
                Int(bitPattern: base) % info.dtype.byteSize == 0
            {
                let storage = try TensorStorage(
                    wrapping: UnsafeMutableRawPointer(mutating: base), byteCount: bytes.count,
                    dtype: target, owner: storage, readOnly: true)
                tensor = try Tensor(storage: storage, shape: info.shape)
            } else {
                let storage = try TensorStorage(dtype: target, count: info.elementCount)
                let destination = UnsafeMutableRawBufferPointer(start: storage.baseAddress, count: storage.byteCount)
                if stored {
                    destination.copyMemory(from: bytes)
                } else if target == .float32 {
                    let values = SafetensorsConversion.floats(bytes, dtype: info.dtype)
                    values.withUnsafeBytes { destination.copyMemory(from: $0) }
                } else {
                    let values = SafetensorsConversion.int64s(bytes, dtype: info.dtype)
                    values.withUnsafeBytes { destination.copyMemory(from: $0) }
                }
                tensor = try Tensor(storage: storage, shape: info.shape)
            }
            tensor.name = name
            return tensor
        } catch let error as SafetensorsError {
            throw error
        } catch {
            throw SafetensorsError.invalidTensor(file: path, tensor: name, detail: "\(error)")
        }
    }

    /// Every tensor of the file, by name (zero-copy where `tensor(_:)` is).
    /// - Throws: as `tensor(_:)`.
    public func tensors() throws -> [String: Tensor] {
        var out: [String: Tensor] = [:]
        for name in names { out[name] = try tensor(name) }
        return out
    }
}

extension SafetensorsCheckpoint {
    /// The tensor as a `Tensor` (see `SafetensorsFile.tensor(_:copy:)`).
    /// - Throws: `SafetensorsError`.
    public func tensor(_ name: String, copy: Bool = false) throws -> Tensor {
        try file(containing: name).tensor(name, copy: copy)
    }
}

extension SafetensorsEntry {
    /// An entry for a tensor, in its dtype; its bytes are read when the writer reaches it.
    /// A non-contiguous view is made contiguous first (one copy).
    /// - Throws: `SafetensorsError.invalidTensor` if the tensor cannot be made contiguous.
    public init(name: String, tensor: Tensor) throws {
        let source: Tensor
        do {
            source = tensor.isContiguous ? tensor : try tensor.contiguous()
        } catch {
            throw SafetensorsError.invalidTensor(file: "<memory>", tensor: name, detail: "\(error)")
        }
        let dtype = SafetensorsDType(source.dtype)
        let byteCount = source.count * dtype.byteSize
        self.init(name: name, dtype: dtype, shape: source.shape, byteCount: byteCount) { sink in
            let start = source.storage.baseAddress + source.offset * dtype.byteSize
            try sink(UnsafeRawBufferPointer(start: start, count: byteCount))
        }
    }
}

extension SafetensorsWriter {
    /// Writes named tensors in their dtypes (see `write(_:to:metadata:)`).
    /// - Throws: `SafetensorsError`.
    public static func write(
        tensors: [String: Tensor], to path: String, metadata: [String: String]? = defaultMetadata
    ) throws {
        try write(tensors.map { try SafetensorsEntry(name: $0.key, tensor: $0.value) }, to: path, metadata: metadata)
    }
}
