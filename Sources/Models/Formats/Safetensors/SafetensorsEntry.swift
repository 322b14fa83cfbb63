/// A tensor to be written to a safetensors file: its name, dtype, shape and a way to
/// produce its little-endian bytes when the writer gets to it (so large weights are
/// streamed from where they live, not gathered first).
public struct SafetensorsEntry {
    /// The tensor's name in the header.
    public var name: String
    /// The stored element type.
    public var dtype: SafetensorsDType
    /// The shape; `[]` is a scalar.
    public var shape: [Int]
    /// The number of bytes the provider will hand over.
    public var byteCount: Int
    /// Calls its argument one or more times with consecutive chunks of the bytes.
    let provider: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void

    /// An entry whose bytes come from `provider`, which must pass exactly `byteCount`
    /// bytes in total to the sink it is given.
    public init(
        name: String, dtype: SafetensorsDType, shape: [Int], byteCount: Int,
        provider: @escaping ((UnsafeRawBufferPointer) throws -> Void) throws -> Void
    ) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.byteCount = byteCount
        self.provider = provider
    }

    /// An entry from raw little-endian bytes.
    public init(name: String, dtype: SafetensorsDType, shape: [Int], bytes: [UInt8]) {
        self.init(name: name, dtype: dtype, shape: shape, byteCount: bytes.count) { sink in
            try bytes.withUnsafeBytes { try sink($0) }
        }
    }

    /// An entry from `Float` values, stored as `dtype` (F32, F64, F16 or BF16, rounding to
    /// nearest even), or any integer dtype (truncating toward zero).
    public init(name: String, dtype: SafetensorsDType = .f32, shape: [Int], floats: [Float]) {
        self.init(name: name, dtype: dtype, shape: shape, bytes: SafetensorsEncoding.bytes(floats, as: dtype))
    }

    /// An entry from `Int64` values, stored as `dtype` (any integer type, BOOL as value != 0,
    /// or a float type).
    public init(name: String, dtype: SafetensorsDType = .i64, shape: [Int], integers: [Int64]) {
        self.init(name: name, dtype: dtype, shape: shape, bytes: SafetensorsEncoding.bytes(integers, as: dtype))
    }
}

/// Encodings of values into the little-endian bytes of each dtype.
public enum SafetensorsEncoding {
    /// `values` encoded as `dtype`.
    public static func bytes(_ values: [Float], as dtype: SafetensorsDType) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * dtype.byteSize)
        for value in values {
            switch dtype {
            case .f32: append(value.bitPattern, to: &out)
            case .f64: append(Double(value).bitPattern, to: &out)
            case .f16: append(floatToHalf(value), to: &out)
            case .bf16: append(floatToBFloat16(value), to: &out)
            case .f8e5m2: out.append(UInt8(truncatingIfNeeded: floatToHalfE5M2(value)))
            case .f8e4m3: out.append(floatToE4M3(value))
            case .bool, .u8, .i8, .i16, .u16, .i32, .u32, .i64, .u64:
                appendInteger(value.isFinite ? Int64(clamping: Int64(exactly: value.rounded(.towardZero)) ?? 0) : 0, dtype, &out)
            }
        }
        return out
    }

    /// `values` encoded as `dtype`.
    public static func bytes(_ values: [Int64], as dtype: SafetensorsDType) -> [UInt8] {
        if dtype.isFloatingPoint { return bytes(values.map { Float($0) }, as: dtype) }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * dtype.byteSize)
        for value in values { appendInteger(value, dtype, &out) }
        return out
    }

    private static func appendInteger(_ value: Int64, _ dtype: SafetensorsDType, _ out: inout [UInt8]) {
        switch dtype {
        case .bool: out.append(value != 0 ? 1 : 0)
        case .u8, .i8: out.append(UInt8(truncatingIfNeeded: value))
        case .i16, .u16: append(UInt16(truncatingIfNeeded: value), to: &out)
        case .i32, .u32: append(UInt32(truncatingIfNeeded: value), to: &out)
        default: append(UInt64(bitPattern: value), to: &out)
        }
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    /// binary32 to bfloat16, rounding to nearest even (NaN stays a quiet NaN), as torch does.
    public static func floatToBFloat16(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = UInt32(0x7FFF) + ((bits >> 16) & 1)
        return UInt16((bits &+ rounding) >> 16)
    }

    /// binary32 to binary16, rounding to nearest even, with overflow to infinity.
    public static func floatToHalf(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF { return sign | 0x7C00 | (mantissa != 0 ? 0x0200 : 0) }
        let unbiased = exponent - 127
        if unbiased > 15 { return sign | 0x7C00 }
        if unbiased >= -14 {
            // Normal half: keep 10 mantissa bits, round the dropped 13.
            var half = UInt32(unbiased + 15) << 10 | (mantissa >> 13)
            let dropped = mantissa & 0x1FFF
            if dropped > 0x1000 || (dropped == 0x1000 && half & 1 == 1) { half += 1 }
            return sign | UInt16(half)  // a carry into the exponent is the correct rounding
        }
        if unbiased < -25 { return sign }
        // Subnormal half: value = m * 2^-24.
        let full = mantissa | 0x80_0000
        let shift = UInt32(-unbiased - 14 + 13)
        var half = full >> shift
        let remainder = full & ((1 << shift) - 1)
        let midpoint = UInt32(1) << (shift - 1)
        if remainder > midpoint || (remainder == midpoint && half & 1 == 1) { half += 1 }
        return sign | UInt16(half)
    }

    /// binary32 to float8 E5M2 (the top byte of binary16, rounded to nearest even).
    static func floatToHalfE5M2(_ value: Float) -> UInt16 {
        let half = floatToHalf(value)
        if half & 0x7C00 == 0x7C00 { return half >> 8 | (half & 0x03FF != 0 ? 0x02 : 0) }
        let rounding = UInt16(0x7F) + ((half >> 8) & 1)
        return (half &+ rounding) >> 8
    }

    /// binary32 to float8 E4M3 "fn" by searching the 256 codes for the nearest (ties even).
    static func floatToE4M3(_ value: Float) -> UInt8 {
        if value.isNaN { return 0x7F }
        var best: UInt8 = 0
        var bestError = Float.infinity
        for code in 0...255 {
            let decoded = SafetensorsConversion.e4m3ToFloat(UInt8(code))
            if decoded.isNaN { continue }
            let error = abs(decoded - min(max(value, -448), 448))
            if error < bestError || (error == bestError && code & 1 == 0 && (decoded.sign == value.sign)) {
                best = UInt8(code)
                bestError = error
            }
        }
        return best
    }
}
