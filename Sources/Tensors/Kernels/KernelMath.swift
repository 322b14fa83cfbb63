/// Vectorised loops over contiguous Float rows shared by the fused kernels.
///
/// Float reductions do not auto-vectorise (the compiler may not reassociate them), so
/// these keep eight SIMD lanes of partial sums and fold them at the end. The fold order
/// is fixed, so results are deterministic.
///
/// The package builds for baseline x86-64 (no FMA), and two standard-library SIMD
/// operations are lane-by-lane calls there: `addProduct` calls `fmaf` once per lane,
/// and `pointwiseMin`/`pointwiseMax` run IEEE minimum/maximum with NaN branches lane by
/// lane. These loops therefore multiply then add, and clamp with compare-and-select
/// (`replacing(with:where:)`), which compile to packed SSE/AVX instructions.
public enum KernelMath {
    @usableFromInline typealias Lanes = SIMD8<Float>

    /// Σ a[i] * b[i] over `count` floats.
    @inlinable
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = Lanes()
        var i = 0
        while i + 8 <= count {
            lanes += load(a + i) * load(b + i)
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
            lanes += load(a + i) * load(b + i) * load(c + i)
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
            let next = load(a + i)
            lanes = lanes.replacing(with: next, where: next .> lanes)
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
    ///
    /// Rounding and the float-to-integer step use the 1.5 * 2^23 trick (adding it
    /// leaves the rounded value in the low mantissa bits) instead of `rounded(_:)` and
    /// `SIMD8<Int32>(_:rounding:)`, which the standard library runs lane by lane
    /// through generic code, many times slower than the polynomial itself.
    @inline(__always)
    static func exp(_ x: Lanes) -> Lanes {
        let low = Lanes(repeating: -87.33)
        let high = Lanes(repeating: 88.37)
        var clamped = x.replacing(with: low, where: x .< low)
        clamped = clamped.replacing(with: high, where: clamped .> high)
        let magic = Lanes(repeating: 12_582_912)  // 1.5 * 2^23
        let shifted = clamped * 1.442_695_04 + magic
        let n = shifted - magic  // round(x / ln 2), exactly
        var r = clamped - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let y = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Lanes.self)
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

    /// y[i] = x[i] * w[i] * r over `count` floats (RMSNorm's output row).
    @inline(__always)
    static func scaleProduct(
        _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
        _ r: Float, _ count: Int
    ) {
        let lanesR = Lanes(repeating: r)
        var i = 0
        while i + 8 <= count {
            store(load(x + i) * lanesR * load(w + i), y + i)
            i += 8
        }
        while i < count {
            y[i] = x[i] * r * w[i]
            i += 1
        }
    }

    /// a[i] += b[i] over `count` floats.
    @inline(__always)
    static func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) {
        var i = 0
        while i + 8 <= count {
            store(load(a + i) + load(b + i), a + i)
            i += 8
        }
        while i < count {
            a[i] += b[i]
            i += 1
        }
    }

    /// One row of RMSNorm's backward: dx[i] += r * (w[i] dy[i] - x[i] s) and
    /// partial[i] += dy[i] x[i] r.
    @inline(__always)
    static func rmsNormBackwardRow(
        dx: UnsafeMutablePointer<Float>, partial: UnsafeMutablePointer<Float>,
        dy: UnsafePointer<Float>, x: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        r: Float, s: Float, _ count: Int
    ) {
        let lanesR = Lanes(repeating: r)
        let lanesS = Lanes(repeating: s)
        var i = 0
        while i + 8 <= count {
            let xi = load(x + i)
            let dyi = load(dy + i)
            store(load(dx + i) + lanesR * (load(weight + i) * dyi - xi * lanesS), dx + i)
            store(load(partial + i) + dyi * xi * lanesR, partial + i)
            i += 8
        }
        while i < count {
            dx[i] += r * (weight[i] * dy[i] - x[i] * s)
            partial[i] += dy[i] * x[i] * r
            i += 1
        }
    }

    /// One row of the softmax backward in place: d[j] = p[j] * (d[j] - correction) * scale.
    @inline(__always)
    static func softmaxGradientRow(
        _ d: UnsafeMutablePointer<Float>, probabilities p: UnsafePointer<Float>, correction: Float,
        scale: Float, _ count: Int
    ) {
        let lanesC = Lanes(repeating: correction)
        let lanesS = Lanes(repeating: scale)
        var i = 0
        while i + 8 <= count {
            store(load(p + i) * (load(d + i) - lanesC) * lanesS, d + i)
            i += 8
        }
        while i < count {
            d[i] = p[i] * (d[i] - correction) * scale
            i += 1
        }
    }

    /// y[i] += alpha * a[i] over `count` floats.
    @inlinable
    public static func axpy(
        _ alpha: Float, _ a: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int
    ) {
        let scale = Lanes(repeating: alpha)
        var i = 0
        while i + 8 <= count {
            store(load(y + i) + load(a + i) * scale, y + i)
            i += 8
        }
        while i < count {
            y[i] += alpha * a[i]
            i += 1
        }
    }

    /// Loads eight floats that need not be aligned.
    @inlinable
    static func load(_ pointer: UnsafePointer<Float>) -> Lanes {
        UnsafeRawPointer(pointer).loadUnaligned(as: Lanes.self)
    }

    /// Stores eight floats that need not be aligned.
    @inlinable
    static func store(_ value: Lanes, _ pointer: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Lanes.self)
    }
}
