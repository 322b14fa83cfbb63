import Foundation

/// Elementwise ops: the binary arithmetic (broadcasting) and the unary math functions.
/// Each forward is a tight loop over float32; each backward is one fused pass.
extension OpSpec {
    // MARK: Binary arithmetic

    /// `a + b`, broadcasting.
    public static let add = OpSpec(
        name: "add", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "add") { $0 + $1 }) },
        backward: { c in [c.gradOutput, c.gradOutput] },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `a - b`, broadcasting.
    public static let sub = OpSpec(
        name: "sub", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "sub") { $0 - $1 }) },
        backward: { c in [c.gradOutput, try Elementwise.map(c.gradOutput, op: "sub") { -$0 }] },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `a * b`, broadcasting.
    public static let mul = OpSpec(
        name: "mul", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "mul") { $0 * $1 }) },
        backward: { c in
            [
                c.inputs[0].requiresGrad
                    ? try Elementwise.zip(c.gradOutput, c.inputs[1], op: "mul") { $0 * $1 } : nil,
                c.inputs[1].requiresGrad
                    ? try Elementwise.zip(c.gradOutput, c.inputs[0], op: "mul") { $0 * $1 } : nil,
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `a / b`, broadcasting.
    public static let div = OpSpec(
        name: "div", arity: .exactly(2),
        forward: { x, _ in OpResult(try Elementwise.zip(x[0], x[1], op: "div") { $0 / $1 }) },
        backward: { c in
            [
                c.inputs[0].requiresGrad
                    ? try Elementwise.zip(c.gradOutput, c.inputs[1], op: "div") { $0 / $1 } : nil,
                c.inputs[1].requiresGrad
                    ? try Elementwise.zip3(c.gradOutput, c.output, c.inputs[1], op: "div") {
                        -$0 * $1 / $2
                    } : nil,
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    // MARK: Unary math

    /// `-x`.
    public static let neg = OpSpec(
        name: "neg", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "neg") { -$0 }) },
        backward: { c in [try Elementwise.map(c.gradOutput, op: "neg") { -$0 }] },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `e^x`.
    public static let exp = OpSpec(
        name: "exp", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "exp") { Foundation.exp($0) }) },
        backward: { c in [try Elementwise.zip(c.gradOutput, c.output, op: "exp") { $0 * $1 }] },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// The natural logarithm (NaN below 0, -inf at 0).
    public static let log = OpSpec(
        name: "log", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "log") { Foundation.log($0) }) },
        backward: { c in [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "log") { $0 / $1 }] },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// The square root.
    public static let sqrt = OpSpec(
        name: "sqrt", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "sqrt") { $0.squareRoot() }) },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.output, op: "sqrt") { 0.5 * $0 / $1 }]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `1 / sqrt(x)`.
    public static let rsqrt = OpSpec(
        name: "rsqrt", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "rsqrt") { 1 / $0.squareRoot() }) },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.output, op: "rsqrt") { -0.5 * $0 * $1 * $1 * $1 }]
        },
        cost: OpCost.elementwise(flopsPerElement: 2))

    /// `|x|` (gradient 0 at 0, as PyTorch).
    public static let abs = OpSpec(
        name: "abs", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "abs") { Swift.abs($0) }) },
        backward: { c in
            [
                try Elementwise.zip(c.gradOutput, c.inputs[0], op: "abs") {
                    $1 > 0 ? $0 : $1 < 0 ? -$0 : 0
                }
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// The hyperbolic tangent.
    public static let tanh = OpSpec(
        name: "tanh", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "tanh") { Foundation.tanh($0) }) },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.output, op: "tanh") { $0 * (1 - $1 * $1) }]
        },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// The logistic function `1 / (1 + e^-x)`.
    public static let sigmoid = OpSpec(
        name: "sigmoid", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "sigmoid") { ScalarMath.sigmoid($0) }) },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.output, op: "sigmoid") { $0 * $1 * (1 - $1) }]
        },
        cost: OpCost.elementwise(flopsPerElement: 10))

    /// `max(x, 0)` (gradient 0 at 0).
    public static let relu = OpSpec(
        name: "relu", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "relu") { $0 > 0 ? $0 : 0 }) },
        backward: { c in
            [try Elementwise.zip(c.gradOutput, c.inputs[0], op: "relu") { $1 > 0 ? $0 : 0 }]
        },
        cost: OpCost.elementwise(flopsPerElement: 1))

    /// `x * sigmoid(x)` (SiLU, swish).
    public static let silu = OpSpec(
        name: "silu", arity: .exactly(1),
        forward: { x, _ in OpResult(try Elementwise.map(x[0], op: "silu") { $0 * ScalarMath.sigmoid($0) }) },
        backward: { c in
            [
                try Elementwise.zip(c.gradOutput, c.inputs[0], op: "silu") { g, x in
                    let s = ScalarMath.sigmoid(x)
                    return g * s * (1 + x * (1 - s))
                }
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 11))

    /// GELU, exact: `0.5 x (1 + erf(x / sqrt 2))`; with attribute `approximate="tanh"`,
    /// the tanh form `0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))`.
    public static let gelu = OpSpec(
        name: "gelu", arity: .exactly(1),
        forward: { x, attributes in
            if attributes.string("approximate") == "tanh" {
                return OpResult(try Elementwise.map(x[0], op: "gelu") { ScalarMath.geluTanh($0) })
            }
            return OpResult(try Elementwise.map(x[0], op: "gelu") { ScalarMath.gelu($0) })
        },
        backward: { c in
            let tanhForm = c.attributes.string("approximate") == "tanh"
            return [
                try Elementwise.zip(c.gradOutput, c.inputs[0], op: "gelu") { g, x in
                    g * (tanhForm ? ScalarMath.geluTanhDerivative(x) : ScalarMath.geluDerivative(x))
                }
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 20))

    /// `x ^ exponent` for a scalar attribute `exponent`.
    public static let pow = OpSpec(
        name: "pow", arity: .exactly(1),
        forward: { x, attributes in
            let p = Float(attributes.float("exponent", default: 1))
            if p == 2 { return OpResult(try Elementwise.map(x[0], op: "pow") { $0 * $0 }) }
            return OpResult(try Elementwise.map(x[0], op: "pow") { Foundation.pow($0, p) })
        },
        backward: { c in
            let p = Float(c.attributes.float("exponent", default: 1))
            return [
                try Elementwise.zip(c.gradOutput, c.inputs[0], op: "pow") { g, x in
                    p == 0 ? 0 : g * p * Foundation.pow(x, p - 1)
                }
            ]
        },
        cost: OpCost.elementwise(flopsPerElement: 8))

    /// The elementwise ops, for `OpRegistry.all`.
    static let elementwiseOps: [OpSpec] = [
        .add, .sub, .mul, .div, .neg, .exp, .log, .sqrt, .rsqrt, .abs, .tanh, .sigmoid, .relu,
        .silu, .gelu, .pow,
    ]
}

/// Scalar formulas shared by forward and backward.
enum ScalarMath {
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    static let inverseSqrt2: Float = 0.70710678118654752
    static let inverseSqrt2Pi: Float = 0.39894228040143268
    static let sqrt2OverPi: Float = 0.79788456080286536

    @inline(__always)
    static func gelu(_ x: Float) -> Float { 0.5 * x * (1 + erf(x * inverseSqrt2)) }

    @inline(__always)
    static func geluDerivative(_ x: Float) -> Float {
        0.5 * (1 + erf(x * inverseSqrt2)) + x * inverseSqrt2Pi * Foundation.exp(-0.5 * x * x)
    }

    @inline(__always)
    static func geluTanh(_ x: Float) -> Float {
        0.5 * x * (1 + Foundation.tanh(sqrt2OverPi * (x + 0.044715 * x * x * x)))
    }

    @inline(__always)
    static func geluTanhDerivative(_ x: Float) -> Float {
        let t = Foundation.tanh(sqrt2OverPi * (x + 0.044715 * x * x * x))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt2OverPi * (1 + 3 * 0.044715 * x * x)
    }
}
