extension KernelReference {
    /// A tiny seeded generator (SplitMix64) for kernel test inputs.
    struct Generator {
        var state: UInt64

        /// A generator that gives the same numbers for the same seed on every machine.
        init(seed: UInt64) { state = seed }

        /// The next 64 random bits.
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }

        /// `count` values uniform in `range`, rounded to Float so both precisions agree.
        mutating func values(_ count: Int, in range: ClosedRange<Double> = -1...1) -> [Double] {
            (0..<count).map { _ in
                let unit = Double(next() >> 11) / Double(1 << 53)
                return Double(Float(range.lowerBound + unit * (range.upperBound - range.lowerBound)))
            }
        }

        /// `count` integers in `range`.
        mutating func integers(_ count: Int, in range: Range<Int64>) -> [Int64] {
            (0..<count).map { _ in
                range.lowerBound + Int64(next() % UInt64(range.upperBound - range.lowerBound))
            }
        }
    }

    /// The worst of |actual - expected| / (absolute + relative * |expected|), so a
    /// result at most 1 means every element is within tolerance (NaN counts as infinite).
    static func worstError(
        _ actual: [Double], _ expected: [Double], absolute: Double, relative: Double
    ) -> Double {
        guard actual.count == expected.count else { return .infinity }
        var worst = 0.0
        for (a, e) in zip(actual, expected) {
            let error = abs(a - e) / (absolute + relative * abs(e))
            if error.isNaN { return .infinity }
            worst = max(worst, error)
        }
        return worst
    }

    /// The same check for a Float32 result against a Float64 reference.
    static func worstError(
        _ actual: [Float], _ expected: [Double], absolute: Double = 1e-5, relative: Double = 1e-4
    ) -> Double {
        worstError(actual.map { Double($0) }, expected, absolute: absolute, relative: relative)
    }
}
