/// A linear layer with a LoRA pair as one op: the base GEMM and the low-rank update
/// write one output, and backward forms the input gradient in one buffer, so the
/// [N, out] temporaries of the composed form (the low-rank product, its scaled copy and
/// the sum) and their backward passes never exist.
extension OpSpec {
    /// `x Wᵀ + scaling · (x Aᵀ) Bᵀ`, PEFT's LoRA forward without dropout.
    ///
    /// Inputs: x [..., in], weight [out, in] (any float dtype, usually frozen), a [r, in]
    /// (`lora_A`), b [out, r] (`lora_B`). Attribute: `scaling` (default 1).
    /// Output [..., out]. Saves `scaling · x Aᵀ` [N, r]. Backward: [dx, dweight, da, db],
    /// each only when its input requires grad.
    public static let loraLinear = OpSpec(
        name: "lora_linear", arity: .exactly(4),
        forward: { inputs, attributes in
            let call = try LoRALinearOp(inputs, attributes)
            let (output, hidden) = try call.forward()
            return OpResult(output, saved: [hidden])
        },
        backward: { context in
            let call = try LoRALinearOp(context.inputs, context.attributes)
            let wants = context.inputs.map(\.requiresGrad)
            if call.N == 0 {
                // No rows: every gradient is zero (BLAS is not asked to sum nothing).
                return try context.inputs.map { $0.requiresGrad ? try Tensor(zeros: $0.shape) : nil }
            }
            let gradient = context.gradOutput.contiguousFloat32()
            return try withExtendedLifetime(gradient) {
                try call.gradients(
                    of: FusedOps.floats(gradient), hidden: context.saved[0], wants: wants,
                    inputShape: context.inputs[0].shape)
            }
        },
        label: { attributes in "lora_linear(scaling=\(attributes.float("scaling", default: 1)))" },
        cost: { inputs, output, _ in LoRALinearOp.cost(inputs, output) },
        backwardCost: { inputs, output, _ in LoRALinearOp.backwardCost(inputs, output) })
}

/// One checked application of `OpSpec.loraLinear` (or of the LoRA part of
/// `OpSpec.doraLinear`): operands as BLAS reads them, and the GEMMs both ops share.
struct LoRALinearOp {
    /// x as contiguous float32 [N, in].
    let x: Tensor
    /// weight, a and b as float32 with their BLAS layouts.
    let weight: (Tensor, MatmulKernel.Layout)
    let a: (Tensor, MatmulKernel.Layout)
    let b: (Tensor, MatmulKernel.Layout)
    let N: Int
    let inputs: Int
    let outputs: Int
    let r: Int
    let scaling: Float
    let outputShape: [Int]

    /// Every tensor whose memory the pointers reach.
    var tensors: [Tensor] { [x, weight.0, a.0, b.0] }

    /// Checks x [..., in], weight [out, in], a [r, in], b [out, r] (the first four of
    /// `operands`; errors name `op`).
    /// - Throws: `TensorError.shapeMismatch`, dtype errors.
    init(_ operands: [Tensor], _ attributes: OpAttributes, op: String = "lora_linear") throws {
        for tensor in operands.prefix(4) { try FusedOps.requireFloat(tensor, op: op) }
        let (x, weight, a, b) = (operands[0], operands[1], operands[2], operands[3])
        guard x.rank >= 1, weight.rank == 2, a.rank == 2, b.rank == 2,
            weight.shape[1] == x.shape[x.rank - 1], a.shape[1] == weight.shape[1],
            b.shape[0] == weight.shape[0], b.shape[1] == a.shape[0]
        else {
            throw TensorError.shapeMismatch(op: op, lhs: x.shape, rhs: weight.shape + a.shape + b.shape)
        }
        inputs = weight.shape[1]
        outputs = weight.shape[0]
        r = a.shape[0]
        N = x.count / Swift.max(1, inputs)
        outputShape = Array(x.shape.dropLast()) + [outputs]
        let limit = Int(Int32.max)
        guard N <= limit, inputs <= limit, outputs <= limit else {
            throw TensorError.invalidShape(op: op, shape: outputShape, reason: "sizes beyond BLAS's 32-bit range")
        }
        self.x = x.contiguousFloat32()
        self.weight = MatmulKernel.prepare(weight, keepBFloat16: true)  // bf16 stays bf16
        self.a = MatmulKernel.prepare(a)
        self.b = MatmulKernel.prepare(b)
        scaling = Float(attributes.float("scaling", default: 1))
    }

    /// The output `x Wᵀ + h Bᵀ` [..., out] and `h = scaling · x Aᵀ` [N, r], in three GEMMs.
    /// - Throws: allocation errors.
    func forward() throws -> (output: Tensor, hidden: Tensor) {
        let hidden = try Tensor.uninitialized([N, r])
        let output = try Tensor.uninitialized(outputShape)
        let x = FusedOps.floats(self.x)
        let h = FusedOps.floats(hidden)
        let y = FusedOps.floats(output)
        withExtendedLifetime(tensors) {
            // h[N, r] = scaling · x Aᵀ
            multiply(x, ld: inputs, by: a, transposed: true, m: N, alpha: scaling, beta: 0, into: h, ldc: r)
            // y[N, out] = x Wᵀ, then += h Bᵀ
            multiply(x, ld: inputs, by: weight, transposed: true, m: N, alpha: 1, beta: 0, into: y, ldc: outputs)
            multiply(h, ld: r, by: b, transposed: true, m: N, alpha: 1, beta: 1, into: y, ldc: outputs)
        }
        return (output, hidden)
    }

    /// [dx, dweight, da, db] of `forward` for the output gradient `g` [N, out] (N > 0),
    /// each only where `wants` (one flag per operand) says so.
    /// - Parameters:
    ///   - g: [N, out], contiguous float32, kept alive by the caller.
    ///   - hidden: `forward`'s `scaling · x Aᵀ` [N, r].
    ///   - inputShape: x's shape, which dx takes.
    /// - Throws: allocation errors.
    func gradients(
        of g: UnsafePointer<Float>, hidden: Tensor, wants: [Bool], inputShape: [Int]
    ) throws -> [Tensor?] {
        let (wantsX, wantsW, wantsA, wantsB) = (wants[0], wants[1], wants[2], wants[3])
        let x = FusedOps.floats(self.x)
        let h = FusedOps.floats(hidden)
        var results: [Tensor?] = [nil, nil, nil, nil]
        try withExtendedLifetime((tensors, hidden)) {
            if wantsX || wantsA {
                // dh[N, r] = scaling · g B: the gradient of x Aᵀ.
                let dh = try Tensor.uninitialized([N, r])
                let pdh = FusedOps.floats(dh)
                multiply(g, ld: outputs, by: b, transposed: false, m: N, alpha: scaling, beta: 0, into: pdh, ldc: r)
                if wantsX {
                    // dx[N, in] = g W + dh A
                    let dx = try Tensor.uninitialized([N, inputs])
                    let pdx = FusedOps.floats(dx)
                    multiply(g, ld: outputs, by: weight, transposed: false, m: N, alpha: 1, beta: 0, into: pdx, ldc: inputs)
                    multiply(pdh, ld: r, by: a, transposed: false, m: N, alpha: 1, beta: 1, into: pdx, ldc: inputs)
                    results[0] = dx.view(shape: inputShape, strides: Shape.contiguousStrides(inputShape), offset: 0)
                }
                if wantsA {
                    // da[r, in] = dhᵀ x
                    let da = try Tensor.uninitialized([r, inputs])
                    BLAS.sgemm(
                        transA: .transposed, transB: .none, m: r, n: inputs, k: N, alpha: 1,
                        a: pdh, lda: r, b: x, ldb: inputs, beta: 0, c: FusedOps.floats(da), ldc: inputs)
                    results[2] = da
                }
            }
            if wantsB {
                // db[out, r] = gᵀ h
                let db = try Tensor.uninitialized([outputs, r])
                BLAS.sgemm(
                    transA: .transposed, transB: .none, m: outputs, n: r, k: N, alpha: 1,
                    a: g, lda: outputs, b: h, ldb: r, beta: 0, c: FusedOps.floats(db), ldc: r)
                results[3] = db
            }
            if wantsW {
                // dweight[out, in] = gᵀ x
                let dw = try Tensor.uninitialized([outputs, inputs])
                BLAS.sgemm(
                    transA: .transposed, transB: .none, m: outputs, n: inputs, k: N, alpha: 1,
                    a: g, lda: outputs, b: x, ldb: inputs, beta: 0, c: FusedOps.floats(dw), ldc: inputs)
                results[1] = dw
            }
        }
        return results
    }

    /// The profiler's cost of the three forward GEMMs, from x [..., in], weight
    /// [out, in] and a [r, in].
    static func cost(_ inputs: [[Int]], _ output: [Int]) -> OpCost {
        let rows = OpCost.elements(Array(inputs[0].dropLast()))
        let (outputs, features) = (inputs[1].first ?? 0, inputs[1].last ?? 0)
        let rank = inputs[2].first ?? 0
        let flops = 2 &* rows &* (outputs &* features &+ rank &* (features &+ outputs))
        let bytes = 4 &* (OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1]) &+ OpCost.elements(output))
        return OpCost(flops: flops, bytes: bytes)
    }

    /// The profiler's cost of the usual backward (dx, da and db; a frozen weight gets no
    /// gradient): the GEMMs of `gradients`.
    static func backwardCost(_ inputs: [[Int]], _ output: [Int]) -> OpCost {
        let rows = OpCost.elements(Array(inputs[0].dropLast()))
        let (outputs, features) = (inputs[1].first ?? 0, inputs[1].last ?? 0)
        let rank = inputs[2].first ?? 0
        // dx = g W + dh A, dh = g B, da = dhᵀ x, db = gᵀ h.
        let flops = 2 &* rows &* (outputs &* features &+ 2 &* rank &* (features &+ outputs))
        let bytes = 4 &* (2 &* OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1]) &+ OpCost.elements(output))
        return OpCost(flops: flops, bytes: bytes)
    }

    /// c[m, n] = alpha · left[m, k] op(matrix) + beta · c, where `matrix` is a stored
    /// [rows, columns] operand used transposed (n = rows, k = columns) or as is
    /// (k = rows, n = columns).
    func multiply(
        _ left: UnsafePointer<Float>, ld: Int, by matrix: (Tensor, MatmulKernel.Layout), transposed: Bool,
        m: Int, alpha: Float, beta: Float, into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        // Float32 or bf16 weight alike (MatmulKernel.multiply owns the dispatch).
        MatmulKernel.multiply(left, ld: ld, by: matrix, transposed: transposed, m: m, alpha: alpha, beta: beta, into: c, ldc: ldc)
    }
}

extension Tensor {
    /// `self · weightᵀ + scaling · (self · aᵀ) · bᵀ` as one op (a linear layer with a
    /// LoRA pair, no dropout).
    /// - Parameters:
    ///   - weight: [out, in].
    ///   - a: [r, in], `lora_A`.
    ///   - b: [out, r], `lora_B`.
    ///   - scaling: alpha / r (or alpha / sqrt(r)).
    /// - Throws: `TensorError.shapeMismatch`; dtype errors.
    public func loraLinear(weight: Tensor, a: Tensor, b: Tensor, scaling: Float) throws -> Tensor {
        try OpSpec.loraLinear.apply([self, weight, a, b], ["scaling": .float(Double(scaling))])
    }
}
