import Foundation
import Testing

@testable import Models

@Suite("Rotary frequencies against transformers")
struct ArchitectureRotaryTests {
    /// The rope settings of each fixture (Scripts/fixtures/models.py), with the sequence
    /// length of its forward call.
    static let cases: [(String, RotaryScaling, Double, Int, Int)] = [
        ("llama", .none, 10000, 24, 64),
        (
            "llama-rope-llama3",
            .llama3(
                .init(
                    factor: 8, lowFrequencyFactor: 1, highFrequencyFactor: 4,
                    originalMaxPositionEmbeddings: 16)), 500000, 16, 64
        ),
        ("llama-rope-linear", .linear(factor: 2), 10000, 16, 64),
        ("llama-rope-dynamic", .dynamic(factor: 2), 10000, 16, 8),
        (
            "llama-rope-yarn", .yarn(.init(factor: 4, originalMaxPositionEmbeddings: 16)), 10000,
            16, 64
        ),
        ("qwen3", .none, 1_000_000, 32, 64),
    ]

    @Test(arguments: cases.indices)
    func inverseFrequenciesMatch(index: Int) throws {
        let (name, scaling, theta, dimension, maxPositions) = Self.cases[index]
        let fixture = try ModelFixture(name)
        let sequenceLength = try fixture.shape("input_ids")[1]
        let computed = RotaryFrequencies(
            scaling: scaling, theta: theta, dimension: dimension,
            maxPositionEmbeddings: maxPositions, sequenceLength: sequenceLength)
        let expected = try fixture.floats("inv_freq")
        #expect(computed.inverseFrequencies.count == expected.count)
        for (a, b) in zip(computed.inverseFrequencies, expected) {
            #expect(abs(a - b) <= 1e-6 * max(1, abs(b)), "\(name): \(a) vs \(b)")
        }
        let scale = try fixture.floats("attention_scaling")[0]
        #expect(abs(computed.attentionScaling - scale) < 1e-6, "\(name)")
    }

    @Test func yarnScalesAttentionAndRampsFrequencies() {
        let yarn = RotaryFrequencies(
            scaling: .yarn(.init(factor: 4, originalMaxPositionEmbeddings: 16)), theta: 10000,
            dimension: 16, maxPositionEmbeddings: 64)
        let plain = RotaryFrequencies(
            scaling: .none, theta: 10000, dimension: 16, maxPositionEmbeddings: 64)
        #expect(abs(yarn.attentionScaling - Float(0.1 * log(4.0) + 1)) < 1e-6)
        // High frequencies are extrapolated (kept); the lowest is interpolated (divided).
        #expect(yarn.inverseFrequencies[0] == plain.inverseFrequencies[0])
        #expect(abs(yarn.inverseFrequencies[7] - plain.inverseFrequencies[7] / 4) < 1e-9)
    }

    @Test func dynamicKeepsPlainFrequenciesForShortInputs() {
        let short = RotaryFrequencies(
            scaling: .dynamic(factor: 2), theta: 10000, dimension: 16, maxPositionEmbeddings: 8,
            sequenceLength: 5)
        let plain = RotaryFrequencies(
            scaling: .none, theta: 10000, dimension: 16, maxPositionEmbeddings: 8)
        #expect(short == plain)
    }
}
