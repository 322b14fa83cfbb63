import Tensors
import TestSupport

/// Gradient-check cases of the fused ops. Owned by the fused-ops engineer: the core
/// gradcheck test (GradcheckTests.swift) runs these with the core cases and fails for
/// any differentiable op of `OpRegistry.all` that no case covers.
enum FusedGradcheckCases {
    static let cases: [GradcheckCase] = []
}
