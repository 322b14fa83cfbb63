import Testing

@testable import Tensors

@Test func bfloat16RoundsToNearestEven() {
    // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even mantissa (1).
    #expect(HalfConversion.bfloat16Bits(1 + 0x1p-8) == 0x3F80)
    // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6: rounds up to even.
    #expect(HalfConversion.bfloat16Bits(1 + 3 * 0x1p-8) == 0x3F82)
    // Just above the tie rounds up.
    #expect(HalfConversion.bfloat16Bits(Float(bitPattern: 0x3F80_8001)) == 0x3F81)
    #expect(HalfConversion.bfloat16Bits(-2.0) == 0xC000)
}

@Test func bfloat16KeepsSpecialValues() {
    #expect(HalfConversion.bfloat16Bits(.infinity) == 0x7F80)
    #expect(HalfConversion.bfloat16Bits(-.infinity) == 0xFF80)
    // A NaN whose payload sits only in the low bits must stay a NaN, not become inf.
    let nan = Float(bitPattern: 0x7F80_0001)
    #expect(HalfConversion.float(bfloat16Bits: HalfConversion.bfloat16Bits(nan)).isNaN)
    // The largest finite float rounds to infinity, as in PyTorch.
    #expect(HalfConversion.bfloat16Bits(.greatestFiniteMagnitude) == 0x7F80)
    // Subnormals survive.
    let tiny = Float(bitPattern: 0x0001_0000)
    #expect(HalfConversion.float(bfloat16Bits: HalfConversion.bfloat16Bits(tiny)) == tiny)
}

@Test func bfloat16RoundTripsEveryPattern() {
    for bits in stride(from: 0, through: 0xFFFF, by: 1) {
        let value = HalfConversion.float(bfloat16Bits: UInt16(bits))
        let back = HalfConversion.bfloat16Bits(value)
        if value.isNaN {
            #expect(HalfConversion.float(bfloat16Bits: back).isNaN)
        } else if back != UInt16(bits) {
            Issue.record("bf16 \(bits) came back as \(back)")
            return
        }
    }
}

@Test func float16RoundTripsEveryPattern() {
    for bits in stride(from: 0, through: 0xFFFF, by: 1) {
        let value = HalfConversion.float(float16Bits: UInt16(bits))
        let back = HalfConversion.float16Bits(value)
        if value.isNaN {
            #expect(HalfConversion.float(float16Bits: back).isNaN)
        } else if back != UInt16(bits) {
            Issue.record("f16 \(bits) came back as \(back)")
            return
        }
    }
}

@Test func float16RoundsTiesToEvenAndOverflows() {
    // 1 + 2^-11 is halfway between 1 and 1 + 2^-10: goes to 1.
    #expect(HalfConversion.float16Bits(1 + 0x1p-11) == 0x3C00)
    #expect(HalfConversion.float16Bits(65520) == 0x7C00)  // rounds to +inf
    #expect(HalfConversion.float(float16Bits: 0x0001) == 0x1p-24)  // smallest subnormal
}

@Test func tensorsConvertBetweenDTypes() throws {
    let values: [Float] = [1, -2.5, 0.1, 3e5, .infinity]
    let x = try Tensor(shape: [5], scalars: values)
    let half = try x.to(.float16)
    let brain = try x.to(.bfloat16)
    #expect(half.dtype == .float16 && brain.dtype == .bfloat16)
    #expect(half.storage.byteCount == 10)
    #expect(try half.to(.float32).toFloatArray()[..<3] == [1, -2.5, Float(Float16(0.1))])
    #expect(brain.toFloatArray()[1] == -2.5)
    #expect(brain.toFloatArray()[4] == .infinity)
    // Arithmetic on 16-bit storage computes in float32.
    #expect(try (half + 1).dtype == .float32)
    let ids = try Tensor(ids: [3, -1, 7], dtype: .int32)
    #expect(try ids.to(.int64).toIntArray() == [3, -1, 7])
    #expect(try ids.to(.float32).toFloatArray() == [3, -1, 7])
}

@Test func dtypesParseFromSafetensorsNames() {
    #expect(DType(safetensorsName: "BF16") == .bfloat16)
    #expect(DType(safetensorsName: "F64") == nil)
    #expect(DType.allCases.map(\.byteSize) == [4, 2, 2, 8, 4])
}
