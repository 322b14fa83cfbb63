import Tensors

/// The gated MLP of the family: down(act(gate(x)) * up(x)), with SiLU (SwiGLU) or
/// tanh-GELU (Gemma's GeGLU) as the gate activation.
public final class FeedForward: Layer {
    /// [F, hidden].
    public let gateProjection: Linear
    /// [F, hidden].
    public let upProjection: Linear
    /// [hidden, F].
    public let downProjection: Linear
    /// The gate activation.
    public let activation: ArchitectureTraits.Activation
    private let kindName: String

    /// An MLP over existing projections.
    public init(
        gate: Linear, up: Linear, down: Linear, activation: ArchitectureTraits.Activation,
        kind: String
    ) {
        self.gateProjection = gate
        self.upProjection = up
        self.downProjection = down
        self.activation = activation
        self.kindName = kind
    }

    /// `LlamaMLP`, `GemmaMLP` ...
    public var kind: String { kindName }
    /// None of its own.
    public var localParameters: [(String, Tensor)] { [] }
    /// gate_proj, up_proj, down_proj.
    public var children: [(String, any Layer)] {
        [("gate_proj", gateProjection), ("up_proj", upProjection), ("down_proj", downProjection)]
    }
    /// The activation.
    public var detail: String { activation.rawValue }

    /// Applies the MLP.
    /// - Parameter x: [..., hidden].
    /// - Returns: [..., hidden].
    public func callAsFunction(_ x: Tensor) throws -> Tensor {
        let gated = try ModelOps.gatedActivation(
            gate: gateProjection(x), up: upProjection(x), activation: activation)
        return try downProjection(gated)
    }
}
