import Testing

@testable import Tensors

/// The allocator policy lfs applies at start-up (freed step buffers kept for reuse).
@Suite struct AllocatorPolicyTests {
    @Test func glibcAcceptsTheThresholds() {
        #if canImport(Glibc)
        #expect(AllocatorPolicy.keepStepBuffers())
        // Memory still comes and goes normally afterwards.
        let tensor = try? Tensor(zeros: [1024, 1024])
        #expect(tensor?.count == 1 << 20)
        #endif
    }
}
