import Foundation
import Models
import Tensors
import Testing

@testable import Tuning

/// LoRA on the model's Linear hook: forward, merge, save/load, PEFT names.
@Suite struct LoRATests {
    static func maxDifference(_ x: [Float], _ y: [Float]) -> Float {
        zip(x, y).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func nonZeroConfig(targets: [String] = ["all"], rslora: Bool = false) -> LoRAConfig {
        var config = LoRAConfig(r: 4, alpha: 8, targets: targets)
        config.initialization = .none  // B kaiming-uniform: the adapter changes the output
        config.useRSLoRA = rslora
        return config
    }

    @Test func forwardIsBasePlusScaledLowRankProduct() throws {
        let model = try CausalLM.load("tiny")
        let adapter = try LoRAAdapter.attach(
            to: model, config: Self.nonZeroConfig(targets: ["q_proj"]),
            generator: RandomGenerator(seed: 3))
        let site = try #require(adapter.sites.first)
        #expect(site.path == "model.layers.0.self_attn.q_proj")
        let input = try Tensor.randn([2, 3, site.linear.inputFeatures], generator: RandomGenerator(seed: 9))
        let adapted = try site.linear(input).toFloatArray()
        let base = try input.matmul(site.linear.weight.transposed())
        let lowRank = try input.matmul(site.layer.a.transposed()).matmul(site.layer.b.transposed())
        let expected = try base.add(lowRank * Float(8.0 / 4.0)).toFloatArray()
        #expect(site.layer.b.toFloatArray().contains { $0 != 0 })
        #expect(Self.maxDifference(adapted, expected) < 1e-4)
        let unchanged = try adapter.withDisabled { try site.linear(input).toFloatArray() }
        #expect(Self.maxDifference(unchanged, base.toFloatArray()) < 1e-5)
        #expect(Self.maxDifference(adapted, unchanged) > 1e-3)
    }

    @Test func initialisationFollowsPEFT() throws {
        let model = try CausalLM.load("tiny")
        let adapter = try LoRAAdapter.attach(
            to: model, config: LoRAConfig(r: 8, alpha: 16, targets: ["all"]),
            generator: RandomGenerator(seed: 1))
        for site in adapter.sites {
            let bound = 1 / Float(site.linear.inputFeatures).squareRoot()
            #expect(site.layer.a.toFloatArray().allSatisfy { abs($0) <= bound })
            #expect(site.layer.a.toFloatArray().contains { abs($0) > bound / 2 })
            #expect(site.layer.b.toFloatArray().allSatisfy { $0 == 0 })
            #expect(site.layer.a.requiresGrad && site.layer.b.requiresGrad)
            #expect(site.layer.scaling == 2)
        }
        #expect(!adapter.sites.contains { $0.path == "lm_head" })
        #expect(model.namedParameters().allSatisfy { !$0.1.requiresGrad })
        let leaves = Set(adapter.sites.map { LoRAAdapter.leafName($0.path) })
        #expect(leaves == ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])
        #expect(adapter.config.targetModules == leaves.sorted())
        var rs = LoRAConfig(r: 4, alpha: 8, targets: ["v_proj"])
        rs.useRSLoRA = true
        #expect(rs.scaling == 4)
    }

    @Test func peftKeyNames() throws {
        let model = try CausalLM.load("tiny")
        let adapter = try LoRAAdapter.attach(to: model, config: LoRAConfig(r: 2, alpha: 4, targets: ["q_proj", "v_proj"]))
        let keys = adapter.namedParameters.map(\.0)
        #expect(keys.first == "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")
        #expect(keys.contains("base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight"))
        #expect(keys.count == 4 * model.layers.count)
        #expect(adapter.namedParameters.allSatisfy { $0.1.name == $0.0 })
        let groups = try ParameterGrouping.loraPlus(
            try adapter.namedParameters.map { NamedParameter($0.0, try FlatParameter($0.1.toFloatArray(), shape: $0.1.shape)) },
            lr: 1e-4, ratio: 16, weightDecay: 0)
        #expect(groups[0].names.allSatisfy { $0.contains("lora_A") } && groups[0].names.count == keys.count / 2)
        #expect(groups[1].names.allSatisfy { $0.contains("lora_B") } && groups[1].lr == 16e-4)
    }

    @Test func mergedLogitsEqualUnmerged() throws {
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [1, 5, 9, 200, 3, 17], shape: [1, 6])
        let baseLogits = try model(ids).toFloatArray()
        let adapter = try LoRAAdapter.attach(
            to: model, config: Self.nonZeroConfig(rslora: true), generator: RandomGenerator(seed: 5))
        let adapted = try model(ids).toFloatArray()
        #expect(Self.maxDifference(adapted, baseLogits) > 1e-3)
        try adapter.merge()
        #expect(LoRAAdapter.attached(to: model).isEmpty)
        let merged = try model(ids).toFloatArray()
        #expect(Self.maxDifference(merged, adapted) < 1e-3)
    }

    @Test func saveAndLoadRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lfs-lora-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [4, 8, 15, 16, 23, 42], shape: [2, 3])
        let adapter = try LoRAAdapter.attach(
            to: model, config: Self.nonZeroConfig(targets: ["q_proj", "down_proj"]), name: "mine",
            generator: RandomGenerator(seed: 11))
        let adapted = try model(ids).toFloatArray()
        try adapter.save(to: directory)
        let text = try String(contentsOfFile: directory + "/adapter_config.json", encoding: .utf8)
        #expect(text.contains("\"peft_type\" : \"LORA\"") && text.contains("\"r\" : 4"))
        #expect(text.contains("\"target_modules\" : [\n    \"down_proj\",\n    \"q_proj\"\n  ]"))
        let file = try SafetensorsFile(path: directory + "/adapter_model.safetensors")
        #expect(Set(file.names) == Set(adapter.namedParameters.map(\.0)))

        let fresh = try CausalLM.load("tiny")
        let baseLogits = try fresh(ids).toFloatArray()
        let loaded = try AdapterRegistry.load(into: fresh, from: directory)
        #expect(loaded.name == "default")
        #expect((loaded as? LoRAAdapter)?.config.r == 4)
        let reloaded = try fresh(ids).toFloatArray()
        #expect(Self.maxDifference(reloaded, adapted) < 1e-5)
        #expect(Self.maxDifference(reloaded, baseLogits) > 1e-3)
        #expect(throws: AdapterError.self) { try LoRAAdapter.load(into: fresh, from: directory + "/missing") }
    }

    @Test func doraScalesByMagnitudeOverNormAndMerges() throws {
        let model = try CausalLM.load("tiny")
        var config = Self.nonZeroConfig(targets: ["v_proj", "up_proj"])
        config.useDoRA = true
        let adapter = try LoRAAdapter.attach(to: model, config: config, generator: RandomGenerator(seed: 21))
        let site = try #require(adapter.sites.first)
        let magnitude = try #require(site.layer.magnitude)
        #expect(magnitude.shape == [site.linear.outputFeatures] && magnitude.requiresGrad)
        #expect(adapter.namedParameters.map(\.0).contains(
            "base_model.model.model.layers.0.self_attn.v_proj.lora_magnitude_vector"))
        let input = try Tensor.randn([1, 3, site.linear.inputFeatures], generator: RandomGenerator(seed: 4))
        let base = try input.matmul(site.linear.weight.transposed())
        let lora = try base.add(input.matmul(site.layer.a.transposed()).matmul(site.layer.b.transposed()) * 2)
        // At initialisation m equals the row norms: DoRA gives LoRA's output.
        #expect(Self.maxDifference(try site.linear(input).toFloatArray(), lora.toFloatArray()) < 1e-4)
        for site in adapter.sites {
            let m = try #require(site.layer.magnitude)
            try m.copy(from: m * 1.5)
        }
        let scaled = try site.linear(input).toFloatArray()
        #expect(Self.maxDifference(scaled, try (lora * 1.5).toFloatArray()) < 1e-4)
        let ids = try Tensor(ids: [3, 1, 4, 1, 5], shape: [1, 5])
        let unmerged = try model(ids).toFloatArray()
        try adapter.merge()
        #expect(Self.maxDifference(try model(ids).toFloatArray(), unmerged) < 1e-3)
    }

    @Test func pissaStartsAtTheBaseOutput() throws {
        let model = try CausalLM.load("tiny")
        let ids = try Tensor(ids: [2, 7, 1, 8, 2, 8], shape: [1, 6])
        let base = try model(ids).toFloatArray()
        let original = try #require(model.layers.first).attention.queryProjection.weight.toFloatArray()
        var config = LoRAConfig(r: 4, alpha: 8, targets: ["q_proj", "down_proj"])
        config.initialization = .pissa
        let adapter = try LoRAAdapter.attach(to: model, config: config)
        let site = try #require(adapter.sites.first)
        #expect(site.layer.b.toFloatArray().contains { $0 != 0 })
        #expect(Self.maxDifference(site.linear.weight.toFloatArray(), original) > 1e-3)
        #expect(Self.maxDifference(try model(ids).toFloatArray(), base) < 1e-3)
        // A's rows are orthogonal (scaled right singular vectors).
        let gram = try site.layer.a.matmul(site.layer.a.transposed()).toFloatArray()
        #expect(abs(gram[1]) < 1e-3 * max(abs(gram[0]), 1))
        var tooLarge = LoRAConfig(r: 100_000, alpha: 8, targets: ["q_proj"])
        tooLarge.initialization = .pissa
        #expect(throws: AdapterError.self) { try LoRAAdapter.attach(to: try CausalLM.load("tiny"), config: tooLarge) }
    }

    @Test func invalidTargetsSaySo() throws {
        let model = try CausalLM.load("tiny")
        #expect(throws: AdapterError.noTargets(targets: ["nothing"])) {
            try LoRAAdapter.attach(to: model, config: LoRAConfig(r: 2, alpha: 2, targets: ["nothing"]))
        }
        #expect(throws: AdapterError.self) {
            try LoRAAdapter.attach(to: model, config: LoRAConfig(r: 0, alpha: 2, targets: ["q_proj"]))
        }
    }
}
