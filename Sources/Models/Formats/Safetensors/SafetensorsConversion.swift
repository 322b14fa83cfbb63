/// Element conversions from the stored little-endian bytes of each safetensors dtype.
public enum SafetensorsConversion {
    /// Converts stored elements to `Float`. `bytes.count` must be a multiple of the dtype size.
    public static func floats(_ bytes: UnsafeRawBufferPointer, dtype: SafetensorsDType) -> [Float] {
        let count = bytes.count / dtype.byteSize
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            switch dtype {
            case .f32:
                for i in 0..<count { out[i] = Float(bitPattern: load(bytes, i, UInt32.self)) }
            case .f64:
                for i in 0..<count { out[i] = Float(Double(bitPattern: load(bytes, i, UInt64.self))) }
            case .f16:
                for i in 0..<count { out[i] = halfToFloat(load(bytes, i, UInt16.self)) }
            case .bf16:
                for i in 0..<count { out[i] = Float(bitPattern: UInt32(load(bytes, i, UInt16.self)) << 16) }
            case .f8e5m2:
                for i in 0..<count { out[i] = halfToFloat(UInt16(bytes[i]) << 8) }
            case .f8e4m3:
                for i in 0..<count { out[i] = e4m3ToFloat(bytes[i]) }
            case .bool, .u8:
                for i in 0..<count { out[i] = Float(bytes[i]) }
            case .i8:
                for i in 0..<count { out[i] = Float(Int8(bitPattern: bytes[i])) }
            case .i16:
                for i in 0..<count { out[i] = Float(Int16(bitPattern: load(bytes, i, UInt16.self))) }
            case .u16:
                for i in 0..<count { out[i] = Float(load(bytes, i, UInt16.self)) }
            case .i32:
                for i in 0..<count { out[i] = Float(Int32(bitPattern: load(bytes, i, UInt32.self))) }
            case .u32:
                for i in 0..<count { out[i] = Float(load(bytes, i, UInt32.self)) }
            case .i64:
                for i in 0..<count { out[i] = Float(Int64(bitPattern: load(bytes, i, UInt64.self))) }
            case .u64:
                for i in 0..<count { out[i] = Float(load(bytes, i, UInt64.self)) }
            }
            initialized = count
        }
    }

    /// Converts stored elements to `Int64`; floats are truncated toward zero and
    /// non-finite or out-of-range values clamp.
    public static func int64s(_ bytes: UnsafeRawBufferPointer, dtype: SafetensorsDType) -> [Int64] {
        let count = bytes.count / dtype.byteSize
        switch dtype {
        case .i64:
            return (0..<count).map { Int64(bitPattern: load(bytes, $0, UInt64.self)) }
        case .u64:
            return (0..<count).map { Int64(clamping: load(bytes, $0, UInt64.self)) }
        case .i32:
            return (0..<count).map { Int64(Int32(bitPattern: load(bytes, $0, UInt32.self))) }
        case .u32:
            return (0..<count).map { Int64(load(bytes, $0, UInt32.self)) }
        case .i16:
            return (0..<count).map { Int64(Int16(bitPattern: load(bytes, $0, UInt16.self))) }
        case .u16:
            return (0..<count).map { Int64(load(bytes, $0, UInt16.self)) }
        case .i8:
            return (0..<count).map { Int64(Int8(bitPattern: bytes[$0])) }
        case .u8, .bool:
            return (0..<count).map { Int64(bytes[$0]) }
        case .f64:
            return (0..<count).map { clampToInt64(Double(bitPattern: load(bytes, $0, UInt64.self))) }
        case .f32, .f16, .bf16, .f8e4m3, .f8e5m2:
            return floats(bytes, dtype: dtype).map { clampToInt64(Double($0)) }
        }
    }

    // MARK: - Bit-level helpers

    @inline(__always)
    static func load<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, _ index: Int, _: T.Type) -> T {
        T(littleEndian: bytes.loadUnaligned(fromByteOffset: index * MemoryLayout<T>.size, as: T.self))
    }

    private static func clampToInt64(_ value: Double) -> Int64 {
        if value.isNaN { return 0 }
        if value >= 9.223372036854775807e18 { return .max }
        if value <= -9.223372036854775808e18 { return .min }
        return Int64(value)
    }

    /// IEEE 754 binary16 to binary32 (exact).
    public static func halfToFloat(_ bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x03FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Subnormal (or zero): mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
    }

    /// float8 E4M3 "fn" (no infinities; S.1111.111 is NaN) to binary32.
    public static func e4m3ToFloat(_ bits: UInt8) -> Float {
        let negative = bits & 0x80 != 0
        let exponent = Int(bits >> 3) & 0x0F
        let mantissa = Int(bits & 0x07)
        let magnitude: Float
        if exponent == 0x0F && mantissa == 0x07 {
            magnitude = .nan
        } else if exponent == 0 {
            magnitude = Float(mantissa) / 8 * Float(sign: .plus, exponent: -6, significand: 1)
        } else {
            magnitude = (1 + Float(mantissa) / 8) * Float(sign: .plus, exponent: exponent - 7, significand: 1)
        }
        return negative ? -magnitude : magnitude
    }
}
