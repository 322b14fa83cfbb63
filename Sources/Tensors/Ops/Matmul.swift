/// Matrix products through `cblas_sgemm`. Operands whose last two dimensions are a
/// transposed view are passed with BLAS's transpose flag instead of copied; batch
/// dimensions broadcast as in PyTorch, and a batch multiplied by one matrix runs as a
/// single GEMM with the batch folded into the rows.
extension OpSpec {
    /// `a @ b` for operands of rank 2 or more: `[..., M, K] @ [..., K, N] -> [..., M, N]`
    /// (`Tensor.matmul` handles 1-D operands by reshaping around this op).
    public static let matmul = OpSpec(
        name: "matmul", arity: .exactly(2),
        forward: { x, _ in OpResult(try MatmulKernel.forward(x[0], x[1])) },
        backward: { c in
            let (a, b, g) = (c.inputs[0], c.inputs[1], c.gradOutput)
            let gradA = a.requiresGrad ? try MatmulKernel.forward(g, b.transposedLastTwo()) : nil
            var gradB: Tensor? = nil
            if b.requiresGrad {
                if b.rank == 2 && a.rank > 2 {
                    // Fold the batch into the rows: one [K, rows] @ [rows, N] GEMM.
                    let rows = a.count / Swift.max(1, a.shape[a.rank - 1])
                    let flatA = try MatmulKernel.rowsView(a, rows: rows)
                    let flatG = try MatmulKernel.rowsView(g, rows: rows)
                    gradB = try MatmulKernel.forward(flatA.transposedLastTwo(), flatG)
                } else {
                    gradB = try MatmulKernel.forward(a.transposedLastTwo(), g)
                }
            }
            return [gradA, gradB]
        },
        cost: { inputs, output, _ in
            let k = inputs[0].last ?? 0
            let flops = 2 &* OpCost.elements(output) &* k
            let bytes = 4 &* (OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1])
                &+ OpCost.elements(output))
            return OpCost(flops: flops, bytes: bytes)
        })
}

/// The GEMM plumbing behind `OpSpec.matmul`.
enum MatmulKernel {
    /// How one matrix (the last two dims of a tensor) is handed to BLAS.
    struct Layout {
        var transpose: BLAS.Transpose
        var leading: Int
    }

    /// The BLAS layout of a `[rows, columns]` matrix with `strides`, or nil when only a
    /// copy can express it.
    static func layout(rows: Int, columns: Int, rowStride: Int, columnStride: Int) -> Layout? {
        if columnStride == 1 || columns == 1 {
            let leading = rows == 1 ? Swift.max(1, columns) : rowStride
            if leading >= Swift.max(1, columns) { return Layout(transpose: .none, leading: leading) }
        }
        if rowStride == 1 || rows == 1 {
            let leading = columns == 1 ? Swift.max(1, rows) : columnStride
            if leading >= Swift.max(1, rows) { return Layout(transpose: .transposed, leading: leading) }
        }
        return nil
    }

    /// A float32 version of `t` whose last two dims BLAS can read, plus that layout. With
    /// `keepBFloat16`, a bf16 `t` BLAS can read in place stays bf16 (for `BLAS.gemm`).
    static func prepare(_ t: Tensor, keepBFloat16: Bool = false) -> (Tensor, Layout) {
        let rank = t.rank
        let keep = t.dtype == .float32 || (keepBFloat16 && t.dtype == .bfloat16)
        var tensor = keep ? t : t.materialized(dtype: .float32)
        let rows = tensor.shape[rank - 2]
        let columns = tensor.shape[rank - 1]
        if let layout = layout(
            rows: rows, columns: columns, rowStride: tensor.strides[rank - 2],
            columnStride: tensor.strides[rank - 1])
        {
            return (tensor, layout)
        }
        tensor = tensor.materialized(dtype: .float32)
        return (tensor, Layout(transpose: .none, leading: Swift.max(1, columns)))
    }

    /// `c[m, n] = alpha · left[m, k] · op(matrix) + beta · c` for a prepared rank-2
    /// operand stored `[rows, columns]` (float32 or bf16), used transposed
    /// (n = rows, k = columns) or as stored (k = rows, n = columns). The shared-weight
    /// matmul and the fused linear ops (`lora_linear`) go through it, so a bf16 weight
    /// is read in place by every one of them.
    static func multiply(
        _ left: UnsafePointer<Float>, ld: Int, by matrix: (Tensor, Layout), transposed: Bool,
        m: Int, alpha: Float, beta: Float, into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        let (tensor, layout) = matrix
        let (rows, columns) = (tensor.shape[tensor.rank - 2], tensor.shape[tensor.rank - 1])
        // A transposed layout means memory holds [columns, rows] with this leading
        // stride; it composes with the transpose asked for.
        let flip = layout.transpose == .transposed
        guard
            let stored = StoredMatrix.over(
                tensor, rows: flip ? columns : rows, columns: flip ? rows : columns,
                leading: layout.leading)
        else { return }
        withExtendedLifetime(tensor) {
            BLAS.gemm(
                m: m, a: left, lda: ld, matrix: stored, transposed: transposed != flip,
                alpha: alpha, beta: beta, c: c, ldc: ldc)
        }
    }

    /// `[..., M, K] @ [..., K, N]` with broadcast batch dims, off the tape.
    static func forward(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "matmul", dtype: a.dtype) }
        guard b.dtype.isFloatingPoint else { throw TensorError.unsupportedDType(op: "matmul", dtype: b.dtype) }
        guard a.rank >= 2, b.rank >= 2 else {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape)
        }
        let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
        let (k2, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
        guard k == k2 else { throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape) }
        let batchA = Array(a.shape.dropLast(2))
        let batchB = Array(b.shape.dropLast(2))
        let batch: [Int]
        do {
            batch = try Shape.broadcast(batchA, batchB, op: "matmul")
        } catch {
            throw TensorError.shapeMismatch(op: "matmul", lhs: a.shape, rhs: b.shape)
        }
        let limit = Int(Int32.max)
        guard m <= limit, n <= limit, k <= limit, batch.reduce(m, &*) <= limit else {
            throw TensorError.invalidShape(
                op: "matmul", shape: batch + [m, n], reason: "sizes beyond BLAS's 32-bit range")
        }
        let outputShape = batch + [m, n]
        if k == 0 || outputShape.contains(0) { return try Tensor(zeros: outputShape) }
        // Every element is written by a beta = 0 GEMM below: no zero-fill first.
        let output = try Tensor.uninitialized(outputShape)
        let (left, layoutA) = prepare(a)
        var (right, layoutB) = prepare(b, keepBFloat16: true)
        let stridesA = Shape.broadcastStrides(
            shape: batchA, strides: Array(left.strides.dropLast(2)), to: batch)
        var stridesB = Shape.broadcastStrides(
            shape: batchB, strides: Array(right.strides.dropLast(2)), to: batch)
        let pa = UnsafePointer(left.storage.floats)
        let pc = output.storage.floats
        // One GEMM when B is shared by the whole batch and A's batch folds into its rows,
        // through `multiply`: it reads a bf16 B (a frozen weight) without widening it
        // whole, and streams B once (a GEMV) when there is one row (a decode step).
        if stridesB.allSatisfy({ $0 == 0 }) && layoutA.transpose == .none,
            foldable(batch: batch, strides: stridesA, rowStride: layoutA.leading, rows: m)
        {
            let matrix = right.view(
                shape: [k, n], strides: Array(right.strides.suffix(2)), offset: right.offset)
            withExtendedLifetime(left) {
                multiply(
                    pa + left.offset, ld: layoutA.leading, by: (matrix, layoutB), transposed: false,
                    m: batch.reduce(m, *), alpha: 1, beta: 0, into: pc, ldc: n)
            }
            return output
        }
        if right.dtype != .float32 {
            // Batched products with a bf16 operand: widen it (weights are shared, so rare).
            (right, layoutB) = prepare(b)
            stridesB = Shape.broadcastStrides(
                shape: batchB, strides: Array(right.strides.dropLast(2)), to: batch)
        }
        let pb = UnsafePointer(right.storage.floats)
        let outputStrides = Shape.contiguousStrides(batch).map { $0 * m * n }
        var failure: TensorError? = nil
        StridedLoop.forEachRun(
            shape: batch, strides: [stridesA, stridesB, outputStrides],
            offsets: [left.offset, right.offset, 0]
        ) { offsets, run, inner in
            for step in 0..<run {
                if failure == nil, TensorRuntime.isInterruptRequested {
                    failure = .interrupted
                }
                if failure != nil { return }
                BLAS.sgemm(
                    transA: layoutA.transpose, transB: layoutB.transpose, m: m, n: n, k: k,
                    alpha: 1, a: pa + offsets[0] + step * inner[0], lda: layoutA.leading,
                    b: pb + offsets[1] + step * inner[1], ldb: layoutB.leading, beta: 0,
                    c: pc + offsets[2] + step * inner[2], ldc: n)
            }
        }
        if let failure {
            TensorRuntime.clearInterrupt()
            throw failure
        }
        return output
    }

    /// Whether batch dims with `strides` and rows of `rowStride` form one run of
    /// `batch * rows` rows evenly `rowStride` apart.
    static func foldable(batch: [Int], strides: [Int], rowStride: Int, rows: Int) -> Bool {
        var expected = rowStride * rows
        for index in stride(from: batch.count - 1, through: 0, by: -1) where batch[index] != 1 {
            if strides[index] != expected { return false }
            expected *= batch[index]
        }
        return true
    }

    /// `t` seen as `[rows, last]` (a view when possible, else a contiguous copy).
    static func rowsView(_ t: Tensor, rows: Int) throws -> Tensor {
        let columns = t.shape[t.rank - 1]
        let base = t.dtype == .float32 && t.isContiguous ? t : t.materialized(dtype: .float32)
        return base.view(shape: [rows, columns], strides: [columns, 1], offset: base.offset)
    }
}

extension Tensor {
    /// A view with the last two dimensions swapped (rank >= 2; otherwise self).
    func transposedLastTwo() -> Tensor {
        guard rank >= 2 else { return self }
        var shape = self.shape
        var strides = self.strides
        shape.swapAt(rank - 1, rank - 2)
        strides.swapAt(rank - 1, rank - 2)
        return view(shape: shape, strides: strides, offset: offset)
    }
}
