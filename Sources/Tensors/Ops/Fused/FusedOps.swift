/// The fused transformer ops (RMSNorm, RoPE, attention, SwiGLU, cross-entropy,
/// embedding), listed for `OpRegistry.all`. Owned by the fused-ops engineer: this
/// file starts empty so the registry compiles before they land.
enum FusedOps {
    /// The fused ops.
    static let all: [OpSpec] = []
}
