import CBLAS
import Models
import Tensors

/// PiSSA initialisation (PEFT's `init_lora_weights="pissa"`): A and B from the top r
/// singular triplets of W, `A = sqrt(S_r / scaling) Uh_r`, `B = V_r sqrt(S_r / scaling)`,
/// and the base weight becomes the residual `W - scaling B A`, so the adapted model
/// starts with exactly the base output.
///
/// As with PEFT, a saved PiSSA adapter is relative to the residual base; merge it (or
/// save the merged model) to share it.
enum PiSSA {
    /// The singular value decomposition of a row-major [rows, columns] matrix through
    /// LAPACK's sgesvd_: `V` [rows, k] (left vectors as columns), `S` [k], `Uh` [k, columns]
    /// (right vectors as rows), k = min(rows, columns).
    /// - Throws: `AdapterError.invalidArgument` when LAPACK fails.
    static func svd(_ values: [Float], rows: Int, columns: Int) throws -> (v: [Float], s: [Float], uh: [Float]) {
        // Row-major W is column-major W^T [columns, rows]: W^T = U' S VT' gives
        // W = VT'^T S U'^T, and the column-major buffers of U' and VT' read as row-major
        // Uh [k, columns] and V [rows, k].
        var m = Int32(columns)
        var n = Int32(rows)
        let k = min(rows, columns)
        var lda = m
        var ldu = m
        var ldvt = Int32(k)
        var a = values
        var s = [Float](repeating: 0, count: k)
        var u = [Float](repeating: 0, count: columns * k)
        var vt = [Float](repeating: 0, count: k * rows)
        var info: Int32 = 0
        var job = Int8(UInt8(ascii: "S"))
        var query: Float = 0
        var lwork: Int32 = -1
        sgesvd_(&job, &job, &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &info)
        guard info == 0 else {
            throw AdapterError.invalidArgument(name: "init", reason: "pissa: sgesvd_ workspace query failed (info \(info))")
        }
        lwork = Int32(max(1, Int(query)))
        var work = [Float](repeating: 0, count: Int(lwork))
        sgesvd_(&job, &job, &m, &n, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &info)
        guard info == 0 else {
            throw AdapterError.invalidArgument(name: "init", reason: "pissa: sgesvd_ failed (info \(info))")
        }
        return (vt, s, u)
    }

    /// A [r, in], B [out, r] and the residual weight [out, in] (float32) of `linear`.
    /// - Throws: `AdapterError.invalidArgument` for r above min(in, out) or a failed SVD.
    static func initialise(linear: Linear, r: Int, scaling: Double) throws -> (a: Tensor, b: Tensor, residual: Tensor) {
        let (rows, columns) = (linear.outputFeatures, linear.inputFeatures)
        guard r <= min(rows, columns) else {
            throw AdapterError.invalidArgument(
                name: "rank", reason: "must be at most min(in, out) = \(min(rows, columns)) for pissa")
        }
        let weight = linear.weight.contiguousFloat32().toFloatArray()
        let (v, s, uh) = try svd(weight, rows: rows, columns: columns)
        let k = min(rows, columns)
        let roots = (0..<r).map { (Double(s[$0]) / scaling).squareRoot() }
        var a = [Float](repeating: 0, count: r * columns)
        var b = [Float](repeating: 0, count: rows * r)
        for j in 0..<r {
            for i in 0..<columns { a[j * columns + i] = Float(roots[j] * Double(uh[j * columns + i])) }
            for o in 0..<rows { b[o * r + j] = Float(Double(v[o * k + j]) * roots[j]) }
        }
        let aTensor = try Tensor(shape: [r, columns], scalars: a)
        let bTensor = try Tensor(shape: [rows, r], scalars: b)
        let residual = try withNoGrad {
            try Tensor(shape: [rows, columns], scalars: weight).sub(bTensor.matmul(aTensor) * Float(scaling))
        }
        return (aTensor, bTensor, residual)
    }
}
