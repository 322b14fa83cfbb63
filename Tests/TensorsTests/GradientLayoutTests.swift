import TestSupport
import Testing

@testable import Tensors

/// The fused head ops give a permuted-projection input its gradient in the input's own
/// memory layout, so the permute and reshape that made the view need no copy backward.
struct GradientLayoutTests {
    /// x [B, T, H, D] viewed as [B, H, T, D], as the attention block feeds its projections.
    func permutedProjection(seed: UInt64) throws -> Tensor {
        let values = random([2, 3, 2, 4], seed: seed)
        return try Tensor(shape: values.shape, scalars: values.data).permute([0, 2, 1, 3])
    }

    @Test func denseLayoutsAreRecognised() throws {
        let view = try permutedProjection(seed: 1)
        #expect(FusedOps.isDense(view))
        let gradient = try FusedOps.zeros(laidOutAs: view)
        #expect(gradient.strides == view.strides && gradient.shape == view.shape)
        #expect(gradient.toFloatArray().allSatisfy { $0 == 0 })
        // A strided slice is not dense: its gradient buffer is contiguous.
        let slice = try Tensor(shape: [4, 6], scalars: (0..<24).map(Float.init)).slice(dim: 1, start: 0, end: 3)
        #expect(!FusedOps.isDense(slice))
        #expect(try FusedOps.zeros(laidOutAs: slice).isContiguous)
    }

    @Test func rotaryGradientKeepsThePermutedLayout() throws {
        let view = try permutedProjection(seed: 2)
        let (cos, sin) = try Tensor.rotaryTables(
            positions: try Tensor(ids: [0, 1, 2]), inverseFrequencies: Tensor([1, 0.1]))
        let output = try OpSpec.rotaryEmbedding.forward([view, cos, sin], [:]).output
        let upstream = random(output.shape, seed: 3)
        let context = BackwardContext(
            gradOutput: try Tensor(shape: upstream.shape, scalars: upstream.data),
            inputs: [view, cos, sin], output: output, saved: [], attributes: [:])
        let gradient = try #require(try OpSpec.rotaryEmbedding.backward?(context).first ?? nil)
        #expect(gradient.strides == view.strides)
        // Same values as through a contiguous copy of the input.
        let plain = try view.contiguous()
        let plainContext = BackwardContext(
            gradOutput: context.gradOutput, inputs: [plain, cos, sin], output: output, saved: [],
            attributes: [:])
        let expected = try #require(try OpSpec.rotaryEmbedding.backward?(plainContext).first ?? nil)
        #expect(gradient.toFloatArray() == expected.toFloatArray())
        // Permuted back it is contiguous: the reshape to [B, T, H * D] is a view.
        #expect(try gradient.permute([0, 2, 1, 3]).isContiguous)
    }

    @Test func attentionValueGradientKeepsThePermutedLayout() throws {
        let query = random([2, 2, 3, 4], seed: 4)
        let key = random([2, 2, 3, 4], seed: 5)
        let q = try Tensor(shape: query.shape, scalars: query.data)
        let k = try Tensor(shape: key.shape, scalars: key.data)
        let v = try permutedProjection(seed: 6)
        let forward = try OpSpec.causalAttention.forward([q, k, v], [:])
        let upstream = random(forward.output.shape, seed: 7)
        func gradients(_ value: Tensor) throws -> [Tensor?] {
            let context = BackwardContext(
                gradOutput: try Tensor(shape: upstream.shape, scalars: upstream.data),
                inputs: [q, k, value], output: forward.output, saved: forward.saved, attributes: [:])
            return try #require(try OpSpec.causalAttention.backward?(context))
        }
        let viewed = try gradients(v)
        let copied = try gradients(try v.contiguous())
        let dv = try #require(viewed[2])
        #expect(dv.strides == v.strides)
        #expect(try dv.permute([0, 2, 1, 3]).isContiguous)
        for (a, b) in zip(viewed, copied) {
            #expect(try #require(a).toFloatArray() == (try #require(b)).toFloatArray())
        }
    }
}
