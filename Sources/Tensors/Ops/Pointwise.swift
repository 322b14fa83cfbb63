import Foundation

/// More pointwise ops: trigonometry, log-sigmoid (for preference losses), clamp, the
/// elementwise maximum and minimum, and Python's floor division and remainder.
extension OpSpec {
    /// `sin(x)`.
    public static let sin = OpSpec(
        name: "sin", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "sin") { Foundation.sin($0) }) },
        backward: { c in [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "sin") { $0 * Foundation.cos($1) }] },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// `cos(x)`.
    public static let cos = OpSpec(
        name: "cos", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "cos") { Foundation.cos($0) }) },
        backward: { c in [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "cos") { -$0 * Foundation.sin($1) }] },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// `log(sigmoid(x))`, computed as `min(x, 0) - log1p(exp(-|x|))` so it never
    /// overflows (the DPO loss is `-log_sigmoid(beta * margin)`).
    public static let logSigmoid = OpSpec(
        name: "log_sigmoid", arity: .exactly(1),
        forward: { x, _ in
            OpResult(try Elementwise.map(x[0], op: "log_sigmoid") { Swift.min($0, 0) - Foundation.log1p(Foundation.exp(-Swift.abs($0))) })
        },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "log_sigmoid") { $0 * ScalarMath.sigmoid(-$1) }]
        },
        cost: OpCost.elementwise(flopsPerElement: 12))

    /// `x` limited to attributes `min` and/or `max`; the gradient passes where
    /// `min <= x <= max`.
    public static let clamp = OpSpec(
        name: "clamp", arity: .exactly(1),
        forward: { x, a in
            let low = a["min"] == nil ? -Float.infinity : Float(a.float("min"))
            let high = a["max"] == nil ? Float.infinity : Float(a.float("max"))
            return OpResult(try Elementwise.map(x[0], op: "clamp") { Swift.min(Swift.max($0, low), high) })
        },
        backward: { c in
            let low = c.attributes["min"] == nil ? -Float.infinity : Float(c.attributes.float("min"))
            let high = c.attributes["max"] == nil ? Float.infinity : Float(c.attributes.float("max"))
            return [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "clamp") { $1 >= low && $1 <= high ? $0 : 0 }]
        },
        cost: OpCost.elementwise(flopsPerElement: 2))

    /// The elementwise larger of `a` and `b`, broadcasting (ties share the gradient).
    public static let maximum = OpSpec(
        name: "maximum", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "maximum") { Swift.max($0, $1) }) },
        backward: { c in try Pointwise.pick(c, op: "maximum") { $0 > $1 } })

    /// The elementwise smaller of `a` and `b`, broadcasting (ties share the gradient).
    public static let minimum = OpSpec(
        name: "minimum", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "minimum") { Swift.min($0, $1) }) },
        backward: { c in try Pointwise.pick(c, op: "minimum") { $0 < $1 } })

    /// `floor(a / b)` (Python's `//`), broadcasting; no gradient.
    public static let floorDivide = OpSpec(
        name: "floor_divide", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "floor_divide") { ($0 / $1).rounded(.down) }) },
        backward: nil, cost: OpCost.elementwise(flopsPerElement: 2))

    /// `a - floor(a / b) * b` (Python's `%`: the sign of `b`), broadcasting.
    public static let remainder = OpSpec(
        name: "remainder", arity: .exactly(2),
        forward: { x, _ in
            OpResult(try Elementwise.zip(x[0], x[1], op: "remainder") { $0 - ($0 / $1).rounded(.down) * $1 })
        },
        backward: { c in
            [
                c.gradOutput,
                c.inputs[1].requiresGrad
                    ? try Elementwise.zip3(c.gradOutput, c.inputs[0], c.inputs[1], op: "remainder") {
                        -$0 * ($1 / $2).rounded(.down)
                    } : nil,
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 3))

    /// The pointwise ops of this file, for `OpRegistry.all`.
    static let pointwiseOps: [OpSpec] = [
        .sin, .cos, .logSigmoid, .clamp, .maximum, .minimum, .floorDivide, .remainder,
    ]
}

enum Pointwise {
    /// Gradients of maximum/minimum: to `a` where `wins(a, b)`, to `b` where `wins(b, a)`,
    /// half to each on ties.
    static func pick(_ c: BackwardContext, op: String, _ wins: @escaping (Float, Float) -> Bool) throws -> [Tensor?] {
        let (a, b, g) = (c.inputs[0], c.inputs[1], c.gradOutput)
        return [
            a.requiresGrad ? try Elementwise.zip3(g, a, b, op: op) { wins($1, $2) ? $0 : wins($2, $1) ? 0 : $0 / 2 } : nil,
            b.requiresGrad ? try Elementwise.zip3(g, b, a, op: op) { wins($1, $2) ? $0 : wins($2, $1) ? 0 : $0 / 2 } : nil,
        ]
    }
}

extension Tensor {
    /// `sin(self)`.
    public func sin() throws -> Tensor { try OpSpec.sin.apply([self]) }
    /// `cos(self)`.
    public func cos() throws -> Tensor { try OpSpec.cos.apply([self]) }
    /// `log(sigmoid(self))`, stable for large magnitudes.
    public func logSigmoid() throws -> Tensor { try OpSpec.logSigmoid.apply([self]) }
    /// `log(1 + e^self)`, as `-log_sigmoid(-self)`.
    public func softplus() throws -> Tensor { try neg().logSigmoid().neg() }

    /// Values limited to `min ... max` (either may be nil).
    public func clamp(min: Float? = nil, max: Float? = nil) throws -> Tensor {
        var attributes: OpAttributes = [:]
        if let min { attributes["min"] = .float(Double(min)) }
        if let max { attributes["max"] = .float(Double(max)) }
        return try OpSpec.clamp.apply([self], attributes)
    }

    /// The elementwise larger of self and `other`, broadcasting.
    public func maximum(_ other: Tensor) throws -> Tensor { try OpSpec.maximum.apply([self, other]) }
    /// The elementwise smaller of self and `other`, broadcasting.
    public func minimum(_ other: Tensor) throws -> Tensor { try OpSpec.minimum.apply([self, other]) }
    /// `floor(self / other)` (Python's `//`), broadcasting.
    public func floorDivide(_ other: Tensor) throws -> Tensor { try OpSpec.floorDivide.apply([self, other]) }
    /// `self - floor(self / other) * other` (Python's `%`), broadcasting.
    public func remainder(_ other: Tensor) throws -> Tensor { try OpSpec.remainder.apply([self, other]) }
}
