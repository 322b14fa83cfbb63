/// Vectorised loops over contiguous Float rows shared by the fused kernels.
///
/// Float reductions do not auto-vectorise (the compiler may not reassociate them), so
/// these keep eight SIMD lanes of partial sums and fold them at the end. The fold order
/// is fixed, so results are deterministic.
enum KernelMath {
    typealias Lanes = SIMD8<Float>

    /// Σ a[i] * b[i] over `count` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = Lanes()
        var i = 0
        while i + 8 <= count {
            lanes.addProduct(load(a + i), load(b + i))
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            sum += a[i] * b[i]
            i += 1
        }
        return sum
    }

    /// Σ a[i] * b[i] * c[i] over `count` floats.
    @inline(__always)
    static func dot3(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>,
        _ count: Int
    ) -> Float {
        var lanes = Lanes()
        var i = 0
        while i + 8 <= count {
            lanes.addProduct(load(a + i) * load(b + i), load(c + i))
            i += 8
        }
        var sum = lanes.sum()
        while i < count {
            sum += a[i] * b[i] * c[i]
            i += 1
        }
        return sum
    }

    /// The largest of `count` floats (-infinity when empty).
    @inline(__always)
    static func max(_ a: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = Lanes(repeating: -.infinity)
        var i = 0
        while i + 8 <= count {
            lanes = pointwiseMax(lanes, load(a + i))
            i += 8
        }
        var result = lanes.max()
        while i < count {
            result = Swift.max(result, a[i])
            i += 1
        }
        return result
    }

    /// e^x on eight lanes, to about 2 ulp (the Cephes `expf` polynomial with range
    /// reduction by ln 2). Inputs below -87.3 give 0, like a float underflow.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let clamped = pointwiseMin(pointwiseMax(x, Lanes(repeating: -87.33)), Lanes(repeating: 88.37))
        let n = (clamped * 1.442_695_04 + 0.5).rounded(.down)
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let exponent = (SIMD8<Int32>(n, rounding: .towardZero) &+ 127) &<< 23
        let scale = unsafeBitCast(exponent, to: Lanes.self)
        // Below the clamp, 2^n is no longer a normal float: flush to 0.
        return (y * scale).replacing(with: 0, where: x .< -87.33)
    }

    /// Replaces a[i] by e^(a[i] - shift) in place and returns their sum.
    @inline(__always)
    static func expInPlace(
        _ a: UnsafeMutablePointer<Float>, _ count: Int, shift: Float
    ) -> Float {
        var lanes = Lanes()
        var i = 0
        let shiftLanes = Lanes(repeating: shift)
        while i + 8 <= count {
            let e = exp(load(a + i) - shiftLanes)
            store(e, a + i)
            lanes += e
            i += 8
        }
        var sum = lanes.sum()
        if i < count {
            var tail = Lanes(repeating: -.infinity)
            for k in 0..<(count - i) { tail[k] = a[i + k] }
            let e = exp(tail - shiftLanes)
            for k in 0..<(count - i) {
                a[i + k] = e[k]
                sum += e[k]
            }
        }
        return sum
    }

    /// Loads eight floats that need not be aligned.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Stores eight floats that need not be aligned.
    @inline(__always)
    static func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
