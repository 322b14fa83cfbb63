/// DoRA (weight-decomposed LoRA, Liu et al. 2024) on a linear layer as two ops, after
/// PEFT's `tuners/lora/dora.py`: `dora_weight_norm` gives the row norms
/// n = ||W + scaling · B A|| [out] in one pass over W (no [out, in] temporary), and
/// `dora_linear` gives `(m / n) ⊙ (x Wᵀ + scaling · (x Aᵀ) Bᵀ)` with the GEMMs of
/// `lora_linear` and one scaling pass over the output. PEFT detaches n; here n is an
/// input that `dora_weight_norm` (which has no backward) produces, so the detachment is
/// visible in the graph and `dora_linear` itself is an ordinary differentiable function.
extension OpSpec {
    /// `||W + scaling · B A||` over each output row: DoRA's weight norm [out], never
    /// differentiated (PEFT detaches it).
    ///
    /// Inputs: weight [out, in] (float32 or bf16, any layout), a [r, in], b [out, r].
    /// Attribute: `scaling` (default 1). Output [out].
    public static let doraWeightNorm = OpSpec(
        name: "dora_weight_norm", arity: .exactly(3),
        forward: { inputs, attributes in
            OpResult(try DoRAWeightNorm(inputs, attributes).rowNorms())
        },
        backward: nil,
        label: { attributes in "dora_weight_norm(scaling=\(attributes.float("scaling", default: 1)))" },
        cost: { inputs, output, _ in
            let (outputs, features) = (inputs[0].first ?? 0, inputs[0].last ?? 0)
            let rank = inputs[1].first ?? 0
            let flops = outputs &* features &* (2 &* rank &+ 2)
            let bytes = 4 &* (OpCost.elements(inputs[0]) &+ OpCost.elements(inputs[1]) &+ OpCost.elements(output))
            return OpCost(flops: flops, bytes: bytes)
        })

    /// `(m / n) ⊙ (x Wᵀ + scaling · (x Aᵀ) Bᵀ)`, scaled per output feature: PEFT's DoRA
    /// forward without dropout and without the bias, which the caller adds.
    ///
    /// Inputs: x [..., in], weight [out, in] (any float dtype, usually frozen), a [r, in]
    /// (`lora_A`), b [out, r] (`lora_B`), magnitude m [out] (`lora_magnitude_vector`),
    /// norm n [out] (from `dora_weight_norm`). Attribute: `scaling` (default 1).
    /// Output [..., out]. Saves `scaling · x Aᵀ` [N, r] and the output itself (a second
    /// view of its storage), from which backward recovers `x Wᵀ + scaling · x Aᵀ Bᵀ` as
    /// output · n / m instead of keeping it. Backward: with g' = g ⊙ (m / n),
    /// [g' W + scaling (g' B) A, g'ᵀ x, scaling (g' B)ᵀ x, scaling g'ᵀ (x Aᵀ),
    /// Σ_rows g ⊙ z / n, −(m / n) · dm], each only when its input requires grad.
    public static let doraLinear = OpSpec(
        name: "dora_linear", arity: .exactly(6),
        forward: { inputs, attributes in
            let call = try DoRALinearOp(inputs, attributes)
            let (output, hidden) = try call.lora.forward()
            let y = FusedOps.floats(output)
            withExtendedLifetime(output) {
                // y[N, out] *= factor[out]
                call.factors.withUnsafeBufferPointer { factors in
                    DoRAKernel.scaleColumns(y, factors: factors.baseAddress, N: call.lora.N, C: call.lora.outputs)
                }
            }
            // A separate Tensor object over the same storage: saving `output` itself would
            // make a cycle (output -> producer node -> saved output).
            let view = output.view(shape: output.shape, strides: output.strides, offset: output.offset)
            return OpResult(output, saved: [hidden, view])
        },
        backward: { context in
            let call = try DoRALinearOp(context.inputs, context.attributes)
            return try call.gradients(
                gradOutput: context.gradOutput, hidden: context.saved[0], output: context.saved[1],
                inputs: context.inputs)
        },
        label: { attributes in "dora_linear(scaling=\(attributes.float("scaling", default: 1)))" },
        cost: { inputs, output, _ in
            let lora = LoRALinearOp.cost(inputs, output)
            return OpCost(flops: lora.flops &+ OpCost.elements(output), bytes: lora.bytes)
        },
        backwardCost: { inputs, output, _ in
            // lora_linear's backward plus the pass forming g ⊙ (m / n) and Σ g ⊙ output.
            let lora = LoRALinearOp.backwardCost(inputs, output)
            return OpCost(
                flops: lora.flops &+ 3 &* OpCost.elements(output),
                bytes: lora.bytes &+ 12 &* OpCost.elements(output))
        })
}

/// One checked application of `OpSpec.doraLinear`: the LoRA operands, m and n as
/// contiguous float32 [out], and the per-feature factor m / n.
struct DoRALinearOp {
    /// x, weight, a, b as `lora_linear` reads them.
    let lora: LoRALinearOp
    /// m [out].
    let magnitude: [Float]
    /// n [out].
    let norm: [Float]
    /// m / n [out].
    let factors: [Float]

    /// Checks x [..., in], weight [out, in], a [r, in], b [out, r], m [out], n [out].
    /// - Throws: `TensorError.shapeMismatch`, dtype errors.
    init(_ operands: [Tensor], _ attributes: OpAttributes) throws {
        let op = "dora_linear"
        lora = try LoRALinearOp(operands, attributes, op: op)
        let (m, n) = (operands[4], operands[5])
        for vector in [m, n] {
            try FusedOps.requireFloat(vector, op: op)
            guard vector.shape == [lora.outputs] else {
                throw TensorError.shapeMismatch(op: op, lhs: operands[1].shape, rhs: vector.shape)
            }
        }
        magnitude = m.toFloatArray()
        norm = n.toFloatArray()
        factors = zip(magnitude, norm).map { $0 / $1 }
    }

    /// [dx, dweight, da, db, dm, dn] for the output gradient.
    /// - Parameters:
    ///   - gradOutput: [..., out].
    ///   - hidden: forward's `scaling · x Aᵀ` [N, r].
    ///   - output: forward's output [..., out].
    ///   - inputs: the op's six inputs (for `requiresGrad` and shapes).
    /// - Throws: allocation and tensor errors.
    func gradients(gradOutput: Tensor, hidden: Tensor, output: Tensor, inputs: [Tensor]) throws -> [Tensor?] {
        let wants = inputs.map(\.requiresGrad)
        let (N, C) = (lora.N, lora.outputs)
        if N == 0 {
            return try inputs.map { $0.requiresGrad ? try Tensor(zeros: $0.shape) : nil }
        }
        let wantsLoRA = wants[0] || wants[1] || wants[2] || wants[3]
        let wantsSums = wants[4] || wants[5]
        let gradient = gradOutput.contiguousFloat32()
        let saved = output.contiguousFloat32()
        // g' = g ⊙ (m / n) [N, out], and Σ_rows g ⊙ output [out].
        let scaled = wantsLoRA ? try Tensor.uninitialized([N, C]) : nil
        var sums = [Float](repeating: 0, count: wantsSums ? C : 0)
        withExtendedLifetime((gradient, saved, scaled)) {
            factors.withUnsafeBufferPointer { factors in
                sums.withUnsafeMutableBufferPointer { sums in
                    DoRAKernel.backwardPass(
                        scaled: scaled.map(FusedOps.floats), sums: sums.baseAddress,
                        gradient: FusedOps.floats(gradient), output: FusedOps.floats(saved),
                        factors: factors.baseAddress, N: N, C: C)
                }
            }
        }
        var results: [Tensor?] = [nil, nil, nil, nil, nil, nil]
        if let scaled {
            let lowRank = try withExtendedLifetime(scaled) {
                try lora.gradients(
                    of: FusedOps.floats(scaled), hidden: hidden, wants: Array(wants.prefix(4)),
                    inputShape: inputs[0].shape)
            }
            results.replaceSubrange(0..<4, with: lowRank)
        }
        if wantsSums {
            // dm = Σ_rows g ⊙ z / n with z = output / (m / n); dn = −(m / n) dm.
            var columnSums = sums
            for (o, factor) in factors.enumerated() where !Self.recoverable(factor) {
                columnSums[o] = try columnSum(o, gradient, hidden)
            }
            var dm = [Float](repeating: 0, count: C)
            for o in 0..<C {
                let sum = Self.recoverable(factors[o]) ? columnSums[o] / factors[o] : columnSums[o]
                dm[o] = sum / norm[o]
            }
            if wants[4] { results[4] = try Tensor(shape: [C], scalars: dm) }
            if wants[5] { results[5] = try Tensor(shape: [C], scalars: zip(dm, factors).map { -$0 * $1 }) }
        }
        return results
    }

    /// Whether z can be read back from output = factor · z: not when the factor is zero
    /// (m = 0) or so small that the products lost their precision to underflow.
    private static func recoverable(_ factor: Float) -> Bool {
        !(abs(factor) < 1e-20)
    }

    /// Σ_rows g[:, o] ⊙ z[:, o] with z recomputed as x W[o]ᵀ + h B[o]ᵀ (for an output
    /// whose factor is zero; rare, so through plain tensor ops).
    private func columnSum(_ o: Int, _ gradient: Tensor, _ hidden: Tensor) throws -> Float {
        let (N, C) = (lora.N, lora.outputs)
        let x = lora.x.view(shape: [N, lora.inputs], strides: [lora.inputs, 1], offset: lora.x.offset)
        let row = try lora.weight.0.slice(dim: 0, start: o, end: o + 1)
        let bRow = try lora.b.0.slice(dim: 0, start: o, end: o + 1)
        let z = try x.matmul(row.transposed()).add(hidden.matmul(bRow.transposed())).toFloatArray()
        let column = try gradient.view(shape: [N, C], strides: [C, 1], offset: gradient.offset)
            .slice(dim: 1, start: o, end: o + 1).toFloatArray()
        return zip(column, z).reduce(0) { $0 + $1.0 * $1.1 }
    }
}

/// One checked application of `OpSpec.doraWeightNorm`.
struct DoRAWeightNorm {
    /// The weight and its layout, float32 or bf16 as stored.
    let weight: (Tensor, MatmulKernel.Layout)
    /// a [r, in] and b [out, r], contiguous float32.
    let a: Tensor
    let b: Tensor
    let outputs: Int
    let inputs: Int
    let r: Int
    let scaling: Float

    /// Checks weight [out, in], a [r, in], b [out, r].
    /// - Throws: `TensorError.shapeMismatch`, dtype errors.
    init(_ operands: [Tensor], _ attributes: OpAttributes) throws {
        let op = "dora_weight_norm"
        for tensor in operands { try FusedOps.requireFloat(tensor, op: op) }
        let (weight, a, b) = (operands[0], operands[1], operands[2])
        guard weight.rank == 2, a.rank == 2, b.rank == 2, a.shape[1] == weight.shape[1],
            b.shape[0] == weight.shape[0], b.shape[1] == a.shape[0]
        else {
            throw TensorError.shapeMismatch(op: op, lhs: weight.shape, rhs: a.shape + b.shape)
        }
        (outputs, inputs, r) = (weight.shape[0], weight.shape[1], a.shape[0])
        self.weight = MatmulKernel.prepare(weight, keepBFloat16: true)
        self.a = a.contiguousFloat32()
        self.b = b.contiguousFloat32()
        scaling = Float(attributes.float("scaling", default: 1))
    }

    /// n[o] = ||W[o] + scaling · B[o] A|| [out].
    /// - Throws: allocation errors.
    func rowNorms() throws -> Tensor {
        let norms = try Tensor.uninitialized([outputs])
        let (tensor, layout) = weight
        let flip = layout.transpose == .transposed
        // Memory holds [out, in] (row step `leading`, column step 1) or, for a transposed
        // view, [in, out] (row step 1, column step `leading`).
        let rows = DoRAKernel.Rows(
            tensor: tensor, rowStride: flip ? 1 : layout.leading, columnStride: flip ? layout.leading : 1)
        withExtendedLifetime((tensor, a, b, norms)) {
            DoRAKernel.rowNorms(
                FusedOps.floats(norms), weight: rows, a: FusedOps.floats(a), b: FusedOps.floats(b),
                scaling: scaling, C: outputs, K: inputs, r: r)
        }
        return norms
    }
}

extension Tensor {
    /// DoRA's weight norm `||self + scaling · b a||` per row [out] (`self` is the weight
    /// [out, in]), computed in one pass and never differentiated.
    /// - Parameters:
    ///   - a: [r, in], `lora_A`.
    ///   - b: [out, r], `lora_B`.
    ///   - scaling: alpha / r (or alpha / sqrt(r)).
    /// - Throws: `TensorError.shapeMismatch`; dtype errors.
    public func doraWeightNorm(a: Tensor, b: Tensor, scaling: Float) throws -> Tensor {
        try OpSpec.doraWeightNorm.apply([self, a, b], ["scaling": .float(Double(scaling))])
    }

    /// `(m / n) ⊙ (self · weightᵀ + scaling · (self · aᵀ) · bᵀ)` as one op, where n is
    /// DoRA's detached weight norm (a linear layer with a DoRA adapter, no dropout, no bias).
    /// - Parameters:
    ///   - weight: [out, in].
    ///   - a: [r, in], `lora_A`.
    ///   - b: [out, r], `lora_B`.
    ///   - magnitude: [out], `lora_magnitude_vector`.
    ///   - scaling: alpha / r (or alpha / sqrt(r)).
    /// - Throws: `TensorError.shapeMismatch`; dtype errors.
    public func doraLinear(weight: Tensor, a: Tensor, b: Tensor, magnitude: Tensor, scaling: Float) throws -> Tensor {
        let norm = try weight.doraWeightNorm(a: a, b: b, scaling: scaling)
        return try OpSpec.doraLinear.apply(
            [self, weight, a, b, magnitude, norm], ["scaling": .float(Double(scaling))])
    }
}
