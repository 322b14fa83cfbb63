/// Arithmetic and math methods: each is `OpSpec.<op>.apply`, nothing more.
extension Tensor {
    // MARK: Binary, broadcasting

    /// `self + other`, broadcasting. - Throws: `TensorError.shapeMismatch`, dtype errors.
    public func add(_ other: Tensor) throws -> Tensor { try OpSpec.add.apply([self, other]) }
    /// `self - other`, broadcasting. - Throws: as `add`.
    public func sub(_ other: Tensor) throws -> Tensor { try OpSpec.sub.apply([self, other]) }
    /// `self * other`, broadcasting. - Throws: as `add`.
    public func mul(_ other: Tensor) throws -> Tensor { try OpSpec.mul.apply([self, other]) }
    /// `self / other`, broadcasting. - Throws: as `add`.
    public func div(_ other: Tensor) throws -> Tensor { try OpSpec.div.apply([self, other]) }

    /// Elementwise sum, broadcasting.
    public static func + (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.add(rhs) }
    /// Elementwise difference, broadcasting.
    public static func - (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.sub(rhs) }
    /// Elementwise product, broadcasting.
    public static func * (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.mul(rhs) }
    /// Elementwise quotient, broadcasting.
    public static func / (lhs: Tensor, rhs: Tensor) throws -> Tensor { try lhs.div(rhs) }
    /// Adds a number to every element.
    public static func + (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.add(Tensor(rhs)) }
    /// Subtracts a number from every element.
    public static func - (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.sub(Tensor(rhs)) }
    /// Multiplies every element by a number.
    public static func * (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.mul(Tensor(rhs)) }
    /// Divides every element by a number.
    public static func / (lhs: Tensor, rhs: Float) throws -> Tensor { try lhs.div(Tensor(rhs)) }
    /// A number plus every element.
    public static func + (lhs: Float, rhs: Tensor) throws -> Tensor { try Tensor(lhs).add(rhs) }
    /// A number minus every element.
    public static func - (lhs: Float, rhs: Tensor) throws -> Tensor { try Tensor(lhs).sub(rhs) }
    /// A number times every element.
    public static func * (lhs: Float, rhs: Tensor) throws -> Tensor { try Tensor(lhs).mul(rhs) }
    /// A number divided by every element.
    public static func / (lhs: Float, rhs: Tensor) throws -> Tensor { try Tensor(lhs).div(rhs) }
    /// The negation.
    public static prefix func - (operand: Tensor) throws -> Tensor { try operand.neg() }

    // MARK: Unary

    /// `-self`.
    public func neg() throws -> Tensor { try OpSpec.neg.apply([self]) }
    /// `e^self`.
    public func exp() throws -> Tensor { try OpSpec.exp.apply([self]) }
    /// The natural logarithm.
    public func log() throws -> Tensor { try OpSpec.log.apply([self]) }
    /// The square root.
    public func sqrt() throws -> Tensor { try OpSpec.sqrt.apply([self]) }
    /// `1 / sqrt(self)`.
    public func rsqrt() throws -> Tensor { try OpSpec.rsqrt.apply([self]) }
    /// The absolute value.
    public func abs() throws -> Tensor { try OpSpec.abs.apply([self]) }
    /// The hyperbolic tangent.
    public func tanh() throws -> Tensor { try OpSpec.tanh.apply([self]) }
    /// The logistic sigmoid.
    public func sigmoid() throws -> Tensor { try OpSpec.sigmoid.apply([self]) }
    /// `max(self, 0)`.
    public func relu() throws -> Tensor { try OpSpec.relu.apply([self]) }
    /// `self * sigmoid(self)`.
    public func silu() throws -> Tensor { try OpSpec.silu.apply([self]) }
    /// GELU; `approximate: true` uses the tanh form (`approximate="tanh"` in PyTorch).
    public func gelu(approximate: Bool = false) throws -> Tensor {
        try OpSpec.gelu.apply([self], approximate ? ["approximate": .string("tanh")] : [:])
    }
    /// `self ^ exponent`.
    public func pow(_ exponent: Float) throws -> Tensor {
        try OpSpec.pow.apply([self], ["exponent": .float(Double(exponent))])
    }
}
