import Foundation
import Testing

@testable import Tuning

/// AdamW, SGD and Adafactor trajectories against torch/transformers, step for step.
struct OptimizerFixtureTests {
    typealias Fixtures = OptimFixtures

    static func cases() throws -> [Fixtures.OptimizerCase] {
        try Fixtures.load("optimizers.json", as: Fixtures.File<Fixtures.OptimizerCase>.self).cases
    }

    func makeOptimizer(_ fixture: Fixtures.OptimizerCase, parameters: [FlatParameter]) throws
        -> Optimizer
    {
        let groups = fixture.groups.enumerated().map { index, spec in
            ParameterGroup(
                label: "group\(index)",
                parameters: spec.indices.map { NamedParameter("p\($0)", parameters[$0]) },
                lr: spec.lr, weightDecay: spec.weight_decay)
        }
        let options = fixture.options
        switch fixture.kind {
        case "adamw":
            let betas = options.betas ?? [0.9, 0.999]
            return try AdamW(groups: groups, betas: (betas[0], betas[1]), eps: options.eps ?? 1e-8)
        case "sgd":
            return try SGD(
                groups: groups, momentum: options.momentum ?? 0,
                dampening: options.dampening ?? 0, nesterov: options.nesterov ?? false)
        default:
            return try Adafactor(
                groups: groups, clipThreshold: options.clip_threshold ?? 1,
                decayRate: options.decay_rate ?? -0.8, beta1: options.beta1,
                scaleParameter: options.scale_parameter ?? true,
                relativeStep: options.relative_step ?? true,
                warmupInit: options.warmup_init ?? false)
        }
    }

    @Test(arguments: ["adamw_no_decay", "adamw_two_groups", "sgd_momentum", "sgd_nesterov",
        "adafactor_default", "adafactor_manual"])
    func trajectoryMatchesTorch(name: String) throws {
        let fixture = try #require(try Self.cases().first { $0.name == name })
        let parameters = try zip(fixture.initial, fixture.shapes).map {
            try FlatParameter($0, shape: $1)
        }
        let optimizer = try makeOptimizer(fixture, parameters: parameters)
        for (step, gradients) in fixture.gradients.enumerated() {
            for (parameter, gradient) in zip(parameters, gradients) {
                parameter.gradient = gradient
            }
            #expect(try optimizer.step())
            for (index, parameter) in parameters.enumerated() {
                Fixtures.expectClose(
                    parameter.values, fixture.trajectory[step][index],
                    "\(name) step \(step + 1) param \(index)")
            }
        }
    }

    @Test(arguments: ["adamw_two_groups", "sgd_momentum", "adafactor_manual"])
    func stateRoundTripContinuesTheTrajectory(name: String) throws {
        let fixture = try #require(try Self.cases().first { $0.name == name })
        func fresh() throws -> [FlatParameter] {
            try zip(fixture.initial, fixture.shapes).map { try FlatParameter($0, shape: $1) }
        }
        let parameters = try fresh()
        let optimizer = try makeOptimizer(fixture, parameters: parameters)
        for step in 0..<3 {
            for (parameter, gradient) in zip(parameters, fixture.gradients[step]) {
                parameter.gradient = gradient
            }
            try optimizer.step()
        }
        let saved = optimizer.stateDict()
        // Through the safetensors-style metadata strings and back.
        let reread = try OptimizerState(tensors: saved.tensors, metadata: saved.metadata)
        #expect(reread == saved)
        let resumedParameters = try fresh()
        for (parameter, values) in zip(resumedParameters, parameters) {
            parameter.values = values.values
        }
        let resumed = try makeOptimizer(fixture, parameters: resumedParameters)
        try resumed.loadStateDict(reread)
        for step in 3..<fixture.gradients.count {
            for (parameter, gradient) in zip(resumedParameters, fixture.gradients[step]) {
                parameter.gradient = gradient
            }
            try resumed.step()
        }
        for (index, parameter) in resumedParameters.enumerated() {
            Fixtures.expectClose(
                parameter.values, fixture.trajectory[fixture.gradients.count - 1][index],
                "\(name) resumed param \(index)")
        }
        #expect(resumed.stepCount == fixture.gradients.count)
    }

    @Test func loadingAnotherKindIsRejected() throws {
        let parameter = try FlatParameter([1, 2], gradient: [0.1, 0.2])
        let group = ParameterGroup(
            label: "all", parameters: [NamedParameter("w", parameter)], lr: 0.1, weightDecay: 0)
        let sgd = try SGD(groups: [group], momentum: 0.9)
        try sgd.step()
        let adam = try AdamW(groups: [group])
        #expect(throws: OptimError.self) { try adam.loadStateDict(sgd.stateDict()) }
    }
}
