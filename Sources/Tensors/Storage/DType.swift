/// The element type a tensor's storage holds. Arithmetic always runs in Float32;
/// F16 and BF16 are storage formats converted on the way in and out, and the
/// integer types hold token ids and indices.
public enum DType: String, Sendable, CaseIterable, CustomStringConvertible {
    /// IEEE 754 single precision: the compute type.
    case float32
    /// IEEE 754 half precision (storage only).
    case float16
    /// bfloat16: the top 16 bits of a Float32 (storage only).
    case bfloat16
    /// 64-bit signed integers (token ids, indices).
    case int64
    /// 32-bit signed integers (token ids, indices).
    case int32

    /// The number of bytes one element takes.
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .float16, .bfloat16: return 2
        case .int64: return 8
        }
    }

    /// Whether the type holds floating-point values.
    public var isFloatingPoint: Bool {
        switch self {
        case .float32, .float16, .bfloat16: return true
        case .int64, .int32: return false
        }
    }

    /// The PyTorch spelling (`torch.bfloat16` without the module), used in printing.
    public var torchName: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .int64: return "int64"
        case .int32: return "int32"
        }
    }

    /// The safetensors spelling (`F32`, `F16`, `BF16`, `I64`, `I32`).
    public var safetensorsName: String {
        switch self {
        case .float32: return "F32"
        case .float16: return "F16"
        case .bfloat16: return "BF16"
        case .int64: return "I64"
        case .int32: return "I32"
        }
    }

    /// Parses a safetensors dtype name; nil for types lfs does not store.
    public init?(safetensorsName: String) {
        guard let match = DType.allCases.first(where: { $0.safetensorsName == safetensorsName })
        else { return nil }
        self = match
    }

    /// Parses a dtype name as users write it: the torch names (`float32`, `bfloat16` ...)
    /// and the usual short ones (`fp32`, `f32`, `float`, `bf16`, `fp16`, `f16`, `half`,
    /// `long`, `int`), case-insensitively; nil for anything else.
    public init?(name: String) {
        let aliases: [String: DType] = [
            "fp32": .float32, "f32": .float32, "float": .float32, "bf16": .bfloat16,
            "fp16": .float16, "f16": .float16, "half": .float16, "long": .int64, "int": .int32,
        ]
        let lowered = name.lowercased()
        guard let dtype = DType(rawValue: lowered) ?? aliases[lowered] else { return nil }
        self = dtype
    }

    /// The dtype's name, as in `DType.float32.description == "float32"`.
    public var description: String { torchName }
}
