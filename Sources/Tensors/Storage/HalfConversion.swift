/// Conversions between Float32 and the 16-bit storage formats.
///
/// BF16 keeps the top 16 bits of a Float32 rounded to nearest, ties to even; a NaN
/// stays a NaN (its quiet bit is forced so truncation cannot turn it into infinity).
/// F16 uses Swift's `Float16`, which rounds to nearest even and keeps subnormals.
public enum HalfConversion {
    /// Rounds a Float32 to the nearest BF16 bit pattern (ties to even).
    @inline(__always)
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN {
            return UInt16(truncatingIfNeeded: (bits >> 16) | 0x0040)
        }
        let lsb = (bits >> 16) & 1
        let rounded = bits &+ 0x7FFF &+ lsb
        return UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// Widens a BF16 bit pattern to Float32 (exact).
    @inline(__always)
    public static func float(bfloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// Rounds a Float32 to the nearest F16 bit pattern (ties to even).
    @inline(__always)
    public static func float16Bits(_ value: Float) -> UInt16 {
        Float16(value).bitPattern
    }

    /// Widens an F16 bit pattern to Float32 (exact).
    @inline(__always)
    public static func float(float16Bits bits: UInt16) -> Float {
        Float(Float16(bitPattern: bits))
    }
}
