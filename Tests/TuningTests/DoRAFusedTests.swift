import Models
import Tensors
import Testing

@testable import Tuning

/// `Linear` runs DoRA without active dropout as the fused `dora_linear` op, with the
/// output and the adapter's gradients of the composed forward (`LoRALayer.forward`);
/// dropout in training keeps the composed forward.
@Suite struct DoRAFusedTests {
    /// A tiny model with DoRA on v_proj and up_proj, its magnitude moved off the norm
    /// so that m / n is not one.
    static func adapted(dropout: Double = 0) throws -> LoRAAdapter {
        let model = try CausalLM.load("tiny")
        var config = LoRAConfig(r: 4, alpha: 8, targets: ["v_proj", "up_proj"])
        config.initialization = .none  // B random: the low-rank part is not zero
        config.useDoRA = true
        config.loraDropout = dropout
        let adapter = try LoRAAdapter.attach(to: model, config: config, generator: RandomGenerator(seed: 5))
        for site in adapter.sites {
            let m = try #require(site.layer.magnitude)
            let values = m.toFloatArray().enumerated().map { $0.element * (0.5 + Float($0.offset % 3) * 0.4) }
            try m.copy(from: Tensor(shape: m.shape, scalars: values))
        }
        return adapter
    }

    /// The output and the gradients of a, b and m for one site, fused or composed.
    static func run(_ site: LoRAAdapter.Site, composed: Bool) throws -> [[Float]] {
        let layer = site.layer
        for tensor in [layer.a, layer.b, layer.magnitude].compactMap({ $0 }) { tensor.grad = nil }
        let x = try Tensor.randn([2, 3, site.linear.inputFeatures], generator: RandomGenerator(seed: 8))
        let y: Tensor
        if composed {
            var base = try x.matmul(site.linear.weight.transposed())
            if let bias = site.linear.bias { base = try base.add(bias) }
            y = try layer.forward(input: x, baseOutput: base, layer: site.linear)
        } else {
            y = try site.linear(x)
            #expect(site.linear.bias != nil || y.producer?.opName == "dora_linear")
        }
        let weights = try Tensor.randn(y.shape, generator: RandomGenerator(seed: 9))
        try y.backward(gradient: weights)
        let gradients = try [layer.a, layer.b, try #require(layer.magnitude)].map {
            try #require($0.grad).toFloatArray()
        }
        return [y.toFloatArray()] + gradients
    }

    @Test func linearMatchesTheComposedForwardAndGradients() throws {
        let adapter = try Self.adapted()
        #expect(adapter.sites.count > 1)
        for site in adapter.sites {
            let fused = try Self.run(site, composed: false)
            let composed = try Self.run(site, composed: true)
            for (index, name) in ["output", "da", "db", "dm"].enumerated() {
                let scale = max(1, composed[index].map { abs($0) }.max() ?? 1)
                let worst = zip(fused[index], composed[index]).map { abs($0 - $1) }.max() ?? .infinity
                #expect(worst <= 1e-5 * scale, "\(site.path) \(name): \(worst) of \(scale)")
            }
        }
    }

    @Test func dropoutInTrainingKeepsTheComposedForward() throws {
        let adapter = try Self.adapted(dropout: 0.1)
        let site = try #require(adapter.sites.first)
        let x = try Tensor.randn([1, 2, site.linear.inputFeatures], generator: RandomGenerator(seed: 3))
        #expect(site.layer.decomposedFactors != nil)  // evaluation: dropout is off
        #expect(try site.linear(x).producer?.opName == "dora_linear")
        site.layer.isTraining = true
        #expect(site.layer.decomposedFactors == nil && site.layer.lowRankFactors == nil)
        #expect(try site.linear(x).producer?.opName != "dora_linear")
    }
}
