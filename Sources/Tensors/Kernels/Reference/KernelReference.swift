import Foundation

/// Plain Float64 loops that define what each fused kernel computes, forward and backward,
/// written for clarity rather than speed. The kernel tests compare the Float32 kernels
/// with them, and check their backward passes against central finite differences (which
/// are accurate in Float64), so a wrong formula cannot hide in Float32 rounding.
/// (llm.c keeps a CPU reference for every CUDA kernel for the same reason.)
enum KernelReference {
    /// d(Σ_i upstream[i] * f(x)[i]) / dx by central differences with step `h`.
    static func numericGradient(
        of f: ([Double]) -> [Double], at x: [Double], upstream: [Double], h: Double = 1e-6
    ) -> [Double] {
        var gradient = [Double](repeating: 0, count: x.count)
        var probe = x
        for i in 0..<x.count {
            probe[i] = x[i] + h
            let plus = zip(f(probe), upstream).reduce(0) { $0 + $1.0 * $1.1 }
            probe[i] = x[i] - h
            let minus = zip(f(probe), upstream).reduce(0) { $0 + $1.0 * $1.1 }
            probe[i] = x[i]
            gradient[i] = (plus - minus) / (2 * h)
        }
        return gradient
    }

    /// RMSNorm forward: x [N, C], w [C] -> y [N, C].
    static func rmsNorm(_ x: [Double], weight w: [Double], N: Int, C: Int, eps: Double) -> [Double] {
        var y = x
        for n in 0..<N {
            let meanSquare = (0..<C).reduce(0) { $0 + x[n * C + $1] * x[n * C + $1] } / Double(C)
            let r = 1 / (meanSquare + eps).squareRoot()
            for i in 0..<C { y[n * C + i] = x[n * C + i] * r * w[i] }
        }
        return y
    }

    /// RMSNorm backward: (dx [N, C], dw [C]) from dy [N, C].
    static func rmsNormBackward(
        _ dy: [Double], x: [Double], weight w: [Double], N: Int, C: Int, eps: Double
    ) -> (dx: [Double], dw: [Double]) {
        var dx = [Double](repeating: 0, count: N * C)
        var dw = [Double](repeating: 0, count: C)
        for n in 0..<N {
            let row = n * C
            let meanSquare = (0..<C).reduce(0) { $0 + x[row + $1] * x[row + $1] } / Double(C)
            let r = 1 / (meanSquare + eps).squareRoot()
            // y_i = x_i r w_i, dr/dx_j = -r^3 x_j / C
            let g = (0..<C).reduce(0) { $0 + dy[row + $1] * w[$1] * x[row + $1] }
            for i in 0..<C {
                dx[row + i] = dy[row + i] * w[i] * r - g * r * r * r * x[row + i] / Double(C)
                dw[i] += dy[row + i] * x[row + i] * r
            }
        }
        return (dx, dw)
    }

    /// SwiGLU forward: silu(gate) * up, elementwise.
    static func swiGLU(gate: [Double], up: [Double]) -> [Double] {
        zip(gate, up).map { g, u in g / (1 + exp(-g)) * u }
    }

    /// SwiGLU backward: (dgate, dup) from dy.
    static func swiGLUBackward(_ dy: [Double], gate: [Double], up: [Double]) -> (
        gate: [Double], up: [Double]
    ) {
        var dgate = dy
        var dup = dy
        for i in 0..<dy.count {
            let s = 1 / (1 + exp(-gate[i]))
            dup[i] = dy[i] * gate[i] * s
            dgate[i] = dy[i] * up[i] * (s + gate[i] * s * (1 - s))
        }
        return (dgate, dup)
    }

    /// Embedding forward: ids [N] into table [V, C] -> [N, C].
    static func embedding(ids: [Int64], table: [Double], C: Int) -> [Double] {
        ids.flatMap { id in table[(Int(id) * C)..<(Int(id) * C + C)] }
    }

    /// Embedding backward: dtable [V, C] from dy [N, C].
    static func embeddingBackward(_ dy: [Double], ids: [Int64], V: Int, C: Int) -> [Double] {
        var dtable = [Double](repeating: 0, count: V * C)
        for (n, id) in ids.enumerated() {
            for c in 0..<C { dtable[Int(id) * C + c] += dy[n * C + c] }
        }
        return dtable
    }

    /// Mean cross-entropy over counted rows of logits [N, V] (PyTorch's formula).
    static func crossEntropy(
        logits z: [Double], targets: [Int64], N: Int, V: Int, smoothing: Double,
        ignoreIndex: Int64 = -100
    ) -> Double {
        var total = 0.0
        var count = 0
        for n in 0..<N where targets[n] != ignoreIndex {
            let row = Array(z[(n * V)..<(n * V + V)])
            let m = row.max() ?? 0
            let lse = m + log(row.reduce(0) { $0 + exp($1 - m) })
            let logProbabilities = row.map { $0 - lse }
            let nll = -logProbabilities[Int(targets[n])]
            let smooth = -logProbabilities.reduce(0, +) / Double(V)
            total += (1 - smoothing) * nll + smoothing * smooth
            count += 1
        }
        return total / Double(count)
    }

    /// Cross-entropy backward: dlogits [N, V] for an upstream gradient of 1.
    static func crossEntropyBackward(
        logits z: [Double], targets: [Int64], N: Int, V: Int, smoothing: Double,
        ignoreIndex: Int64 = -100
    ) -> [Double] {
        let count = Double(targets.filter { $0 != ignoreIndex }.count)
        var dz = [Double](repeating: 0, count: N * V)
        for n in 0..<N where targets[n] != ignoreIndex {
            let row = Array(z[(n * V)..<(n * V + V)])
            let m = row.max() ?? 0
            let sum = row.reduce(0) { $0 + exp($1 - m) }
            for v in 0..<V {
                let onehot: Double = v == Int(targets[n]) ? 1 : 0
                dz[n * V + v] =
                    (exp(row[v] - m) / sum - (1 - smoothing) * onehot - smoothing / Double(V))
                    / count
            }
        }
        return dz
    }
}
