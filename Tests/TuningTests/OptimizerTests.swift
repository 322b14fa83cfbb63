import Foundation
import Testing

@testable import Tuning

/// Clipping against torch, grouping rules, skipped steps and the parallel path.
struct OptimizerTests {
    typealias Fixtures = OptimFixtures

    @Test func clipGradNormMatchesTorch() throws {
        let cases = try Fixtures.load(
            "clipping.json", as: Fixtures.File<Fixtures.ClippingCase>.self
        ).cases
        #expect(cases.count == 4)
        for fixture in cases {
            let parameters = try zip(fixture.shapes, fixture.gradients).map { shape, gradient in
                try FlatParameter(
                    [Float](repeating: 0, count: gradient.count), shape: shape, gradient: gradient)
            }
            let norm = try GradientClipping.clipGradNorm(
                parameters, maxNorm: fixture.max_norm, normType: fixture.norm_type.value)
            #expect(abs(norm - fixture.total_norm) <= 1e-5 * max(1, fixture.total_norm))
            for (parameter, expected) in zip(parameters, fixture.clipped) {
                Fixtures.expectClose(
                    parameter.gradient ?? [], expected,
                    "clip \(fixture.max_norm) p=\(fixture.norm_type.value)")
            }
        }
    }

    @Test func weightDecayGroupingFollowsTransformers() {
        let decayed = [
            "model.layers.0.self_attn.q_proj.weight", "lm_head.weight",
            "model.embed_tokens.weight", "model.layers.0.mlp.normalizer.weight",
        ]
        let exempt = [
            "model.layers.0.input_layernorm.weight", "model.norm.weight",
            "model.layers.1.post_attention_layernorm.weight", "encoder.q_proj.bias",
            "blocks.0.attn_norm.weight", "model.RMSNorm.weight",
        ]
        for name in decayed { #expect(ParameterGrouping.takesWeightDecay(name), "\(name)") }
        for name in exempt { #expect(!ParameterGrouping.takesWeightDecay(name), "\(name)") }
    }

    @Test func standardGroupsSplitDecayFromBiasesAndNorms() throws {
        let weight = try FlatParameter([1, 2, 3, 4], shape: [2, 2])
        let norm = try FlatParameter([1, 1])
        let groups = ParameterGrouping.standard(
            [NamedParameter("l.q_proj.weight", weight), NamedParameter("model.norm.weight", norm)],
            lr: 1e-3, weightDecay: 0.1)
        #expect(groups.map(\.label) == ["decay", "no_decay"])
        #expect(groups[0].names == ["l.q_proj.weight"])
        #expect(groups[1].names == ["model.norm.weight"])
        #expect(groups[1].weightDecay == 0)
        #expect(groups[0].weightDecay == 0.1)
    }

    @Test func loraPlusGroupsFollowLlamaFactory() throws {
        let prefix = "base_model.model.model.layers.0.self_attn.q_proj"
        let named = try [
            NamedParameter("\(prefix).lora_A.default.weight", FlatParameter([0, 0], shape: [1, 2])),
            NamedParameter("\(prefix).lora_B.default.weight", FlatParameter([0, 0], shape: [2, 1])),
            NamedParameter("\(prefix).lora_magnitude_vector.default.weight", FlatParameter([1, 1])),
            NamedParameter("base_model.model.model.norm.weight", FlatParameter([1, 1])),
            NamedParameter(
                "base_model.model.model.embed_tokens.lora_embedding_A.default",
                FlatParameter([0, 0], shape: [1, 2])),
            NamedParameter(
                "base_model.model.model.embed_tokens.lora_embedding_B.default",
                FlatParameter([0, 0], shape: [2, 1])),
            NamedParameter("score.weight", FlatParameter([0, 0], shape: [1, 2])),
        ]
        let groups = try ParameterGrouping.loraPlus(named, lr: 2e-4, ratio: 16, weightDecay: 0.01)
        #expect(groups.map(\.label) == ["lora_a", "lora_b", "lora_b_nodecay", "embedding"])
        #expect(groups[0].names == [
            "\(prefix).lora_A.default.weight",
            "base_model.model.model.embed_tokens.lora_embedding_A.default", "score.weight",
        ])
        #expect(groups[0].lr == 2e-4)
        #expect(groups[1].names == [
            "\(prefix).lora_B.default.weight", "\(prefix).lora_magnitude_vector.default.weight",
        ])
        #expect(abs(groups[1].lr - 3.2e-3) < 1e-15)
        #expect(groups[1].weightDecay == 0.01)
        #expect(groups[2].names == ["base_model.model.model.norm.weight"])
        #expect(groups[2].weightDecay == 0)
        #expect(abs(groups[2].lr - 3.2e-3) < 1e-15)
        #expect(groups[3].names == ["base_model.model.model.embed_tokens.lora_embedding_B.default"])
        #expect(groups[3].lr == 1e-6)
        #expect(throws: OptimError.self) {
            try ParameterGrouping.loraPlus(named, lr: 1e-3, ratio: 0, weightDecay: 0)
        }
    }

    @Test func nonFiniteGradientSkipsTheStepWithAWarning() throws {
        let good = try FlatParameter([1, 2], gradient: [0.5, 0.5])
        let bad = try FlatParameter([3, 4], gradient: [.nan, 1])
        let group = ParameterGroup(
            label: "all", parameters: [NamedParameter("good", good), NamedParameter("bad", bad)],
            lr: 0.1, weightDecay: 0)
        let optimizer = try AdamW(groups: [group])
        var warnings: [String] = []
        optimizer.warningHandler = { warnings.append($0) }
        #expect(try optimizer.step() == false)
        #expect(good.values == [1, 2])
        #expect(bad.values[0] == 3)
        #expect(optimizer.skippedSteps == 1 && optimizer.stepCount == 0)
        #expect(warnings.count == 1 && warnings[0].contains("'bad'"))
        bad.gradient = [1, 1]
        #expect(try optimizer.step() == true)
        #expect(good.values[0] < 1)
        #expect(optimizer.stepCount == 1)
    }

    @Test func zeroGradDropsGradientsAndParametersWithoutOneStayPut() throws {
        let a = try FlatParameter([1, 2], gradient: [1, 1])
        let b = try FlatParameter([5])
        let group = ParameterGroup(
            label: "all", parameters: [NamedParameter("a", a), NamedParameter("b", b)], lr: 0.1,
            weightDecay: 0.5)
        let optimizer = try SGD(groups: [group])
        try optimizer.step()
        #expect(b.values == [5])
        #expect(abs(a.values[0] - (1 - 0.1 * (1 + 0.5 * 1))) < 1e-6)
        optimizer.zeroGrad()
        #expect(a.gradient == nil)
    }

    @Test func mismatchedGradientSizeIsAnError() throws {
        let a = try FlatParameter([1, 2], gradient: [1, 1])
        a.gradient = [1]
        let group = ParameterGroup(
            label: "all", parameters: [NamedParameter("a", a)], lr: 0.1, weightDecay: 0)
        let optimizer = try AdamW(groups: [group])
        #expect(throws: OptimError.sizeMismatch(parameter: "a", expected: 2, actual: 1)) {
            try optimizer.step(skipNonFinite: false)
        }
        #expect(throws: OptimError.self) { try FlatParameter([1, 2], shape: [3]) }
        #expect(throws: OptimError.self) { try AdamW(groups: []) }
        #expect(throws: OptimError.self) { try AdamW(groups: [group], betas: (1.0, 0.999)) }
    }

    @Test func largeParametersTakeTheParallelPathWithTheSameResult() throws {
        // 3 * 2^16 elements: above the parallel threshold.
        let count = 3 * ParallelLoop.minimumParallelCount + 17
        var generator = SplitMix64(seed: 7)
        let values = (0..<count).map { _ in generator.nextFloat() }
        let gradient = (0..<count).map { _ in generator.nextFloat() - 0.5 }
        let large = try FlatParameter(values, gradient: gradient)
        let optimizer = try AdamW(groups: [
            ParameterGroup(label: "all", parameters: [NamedParameter("w", large)], lr: 1e-2,
                weightDecay: 0.1)
        ])
        try optimizer.step()
        try optimizer.step()
        // The same two steps, element by element, on small parameters (serial path).
        for index in stride(from: 0, to: count, by: 9973) {
            let small = try FlatParameter([values[index]], gradient: [gradient[index]])
            let reference = try AdamW(groups: [
                ParameterGroup(label: "all", parameters: [NamedParameter("w", small)], lr: 1e-2,
                    weightDecay: 0.1)
            ])
            try reference.step()
            try reference.step()
            #expect(small.values[0] == large.values[index])
        }
        let norm = try GradientClipping.totalNorm([large])
        let serial = gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - serial) < 1e-9 * serial)
    }
}

/// A small deterministic generator for test data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
