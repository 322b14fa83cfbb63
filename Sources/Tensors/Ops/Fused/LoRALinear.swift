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
            let (N, r) = (call.N, call.r)
            let hidden = try Tensor.uninitialized([N, r])
            let output = try Tensor.uninitialized(call.outputShape)
            let x = FusedOps.floats(call.x)
            let h = FusedOps.floats(hidden)
            let y = FusedOps.floats(output)
            withExtendedLifetime(call.tensors) {
                // h[N, r] = scaling · x Aᵀ
                call.multiply(x, ld: call.inputs, by: call.a, transposed: true, m: N, alpha: call.scaling, beta: 0, into: h, ldc: r)
                // y[N, out] = x Wᵀ, then += h Bᵀ
                call.multiply(x, ld: call.inputs, by: call.weight, transposed: true, m: N, alpha: 1, beta: 0, into: y, ldc: call.outputs)
                call.multiply(h, ld: r, by: call.b, transposed: true, m: N, alpha: 1, beta: 1, into: y, ldc: call.outputs)
            }
            return OpResult(output, saved: [hidden])
        },
        backward: { context in
            let call = try LoRALinearOp(context.inputs, context.attributes)
            let (N, r) = (call.N, call.r)
            let (wantsX, wantsW, wantsA, wantsB) = (
                context.inputs[0].requiresGrad, context.inputs[1].requiresGrad,
                context.inputs[2].requiresGrad, context.inputs[3].requiresGrad
            )
            if N == 0 {
                // No rows: every gradient is zero (BLAS is not asked to sum nothing).
                return try context.inputs.map { $0.requiresGrad ? try Tensor(zeros: $0.shape) : nil }
            }
            let gradient = context.gradOutput.contiguousFloat32()
            let g = FusedOps.floats(gradient)
            let x = FusedOps.floats(call.x)
            let hidden = FusedOps.floats(context.saved[0])
            var results: [Tensor?] = [nil, nil, nil, nil]
            try withExtendedLifetime((call.tensors, gradient, context.saved)) {
                if wantsX || wantsA {
                    // dh[N, r] = scaling · g B: the gradient of x Aᵀ.
                    let dh = try Tensor.uninitialized([N, r])
                    let pdh = FusedOps.floats(dh)
                    call.multiply(g, ld: call.outputs, by: call.b, transposed: false, m: N, alpha: call.scaling, beta: 0, into: pdh, ldc: r)
                    if wantsX {
                        // dx[N, in] = g W + dh A
                        let dx = try Tensor.uninitialized([N, call.inputs])
                        let pdx = FusedOps.floats(dx)
                        call.multiply(g, ld: call.outputs, by: call.weight, transposed: false, m: N, alpha: 1, beta: 0, into: pdx, ldc: call.inputs)
                        call.multiply(pdh, ld: r, by: call.a, transposed: false, m: N, alpha: 1, beta: 1, into: pdx, ldc: call.inputs)
                        let shape = context.inputs[0].shape
                        results[0] = dx.view(shape: shape, strides: Shape.contiguousStrides(shape), offset: 0)
                    }
                    if wantsA {
                        // da[r, in] = dhᵀ x
                        let da = try Tensor.uninitialized([r, call.inputs])
                        BLAS.sgemm(
                            transA: .transposed, transB: .none, m: r, n: call.inputs, k: N, alpha: 1,
                            a: pdh, lda: r, b: x, ldb: call.inputs, beta: 0, c: FusedOps.floats(da), ldc: call.inputs)
                        results[2] = da
                    }
                }
                if wantsB {
                    // db[out, r] = gᵀ h
                    let db = try Tensor.uninitialized([call.outputs, r])
                    BLAS.sgemm(
                        transA: .transposed, transB: .none, m: call.outputs, n: r, k: N, alpha: 1,
                        a: g, lda: call.outputs, b: hidden, ldb: r, beta: 0, c: FusedOps.floats(db), ldc: r)
                    results[3] = db
                }
                if wantsW {
                    // dweight[out, in] = gᵀ x
                    let dw = try Tensor.uninitialized([call.outputs, call.inputs])
                    BLAS.sgemm(
                        transA: .transposed, transB: .none, m: call.outputs, n: call.inputs, k: N, alpha: 1,
                        a: g, lda: call.outputs, b: x, ldb: call.inputs, beta: 0, c: FusedOps.floats(dw), ldc: call.inputs)
                    results[1] = dw
                }
            }
            return results
        },
        label: { attributes in "lora_linear(scaling=\(attributes.float("scaling", default: 1)))" },
        cost: { inputs, output, _ in
            let rows = OpCost.elements(Array(inputs[0].dropLast()))
            let (outputs, features) = (inputs[1].first ?? 0, inputs[1].last ?? 0)
            let rank = inputs[2].first ?? 0
            let flops = 2 &* rows &* (outputs &* features &+ rank &* (features &+ outputs))
            let bytes = 4 &* (OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1]) &+ OpCost.elements(output))
            return OpCost(flops: flops, bytes: bytes)
        })
}

/// One checked application of `OpSpec.loraLinear`: operands as BLAS reads them.
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

    /// Checks x [..., in], weight [out, in], a [r, in], b [out, r].
    /// - Throws: `TensorError.shapeMismatch`, dtype errors.
    init(_ operands: [Tensor], _ attributes: OpAttributes) throws {
        let op = "lora_linear"
        for tensor in operands { try FusedOps.requireFloat(tensor, op: op) }
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
