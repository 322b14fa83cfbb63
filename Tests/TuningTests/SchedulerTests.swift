import Foundation
import Testing

@testable import Tuning

/// Learning-rate schedules against transformers' `get_scheduler`, step for step.
struct SchedulerTests {
    typealias Fixtures = OptimFixtures

    static func cases() throws -> [Fixtures.SchedulerCase] {
        try Fixtures.load("schedulers.json", as: Fixtures.File<Fixtures.SchedulerCase>.self).cases
    }

    func options(_ kwargs: [String: Double]) -> ScheduleOptions {
        ScheduleOptions(
            numCycles: kwargs["num_cycles"], power: kwargs["power"] ?? 1,
            lrEnd: kwargs["lr_end"] ?? 1e-7, minLRRate: kwargs["min_lr_rate"],
            plateau: PlateauOptions(
                factor: kwargs["factor"] ?? 0.1, patience: Int(kwargs["patience"] ?? 10),
                cooldown: Int(kwargs["cooldown"] ?? 0), minLR: kwargs["min_lr"] ?? 0))
    }

    func optimizer(lr: Double) throws -> AdamW {
        let parameter = try FlatParameter([0])
        let group = ParameterGroup(
            label: "all", parameters: [NamedParameter("w", parameter)], lr: lr, weightDecay: 0)
        return try AdamW(groups: [group])
    }

    @Test func everyStepedScheduleMatchesTransformers() throws {
        let cases = try Self.cases().filter { $0.lrs != nil }
        #expect(cases.count >= 13)
        for fixture in cases {
            let kind = try SchedulerKind(parsing: fixture.name)
            let schedule =
                if let ratio = fixture.warmup_ratio {
                    try LRSchedule(
                        kind, warmupRatio: ratio, totalSteps: fixture.total,
                        baseLR: fixture.base_lr, options: options(fixture.kwargs))
                } else {
                    try LRSchedule(
                        kind, warmupSteps: fixture.warmup, totalSteps: fixture.total,
                        baseLR: fixture.base_lr, options: options(fixture.kwargs))
                }
            #expect(schedule.warmupSteps == fixture.warmup)
            let opt = try optimizer(lr: fixture.base_lr)
            let scheduler = LRScheduler(schedule, optimizer: opt)
            for (step, expected) in (fixture.lrs ?? []).enumerated() {
                #expect(
                    abs(scheduler.lr - expected) <= 1e-5 * fixture.base_lr,
                    "\(fixture.name) warmup \(fixture.warmup) step \(step): \(scheduler.lr) vs \(expected)")
                scheduler.step()
            }
        }
    }

    @Test func reduceOnPlateauMatchesTorch() throws {
        let fixture = try #require(try Self.cases().first { $0.name == "reduce_lr_on_plateau" })
        let schedule = try LRSchedule(
            .reduceLROnPlateau, baseLR: fixture.base_lr, options: options(fixture.kwargs))
        let scheduler = LRScheduler(schedule, optimizer: try optimizer(lr: fixture.base_lr))
        for (metric, expected) in zip(fixture.metrics ?? [], fixture.lrs_after ?? []) {
            scheduler.step(metric: metric)
            #expect(abs(scheduler.lr - expected) <= 1e-12, "after metric \(metric)")
        }
        #expect(scheduler.lr < fixture.base_lr)
    }

    @Test func schedulerScalesEveryGroupFromItsOwnInitialLR() throws {
        let a = try FlatParameter([0], shape: [1, 1])
        let b = try FlatParameter([0])
        let groups = try ParameterGrouping.loraPlus(
            [NamedParameter("x.lora_A.weight", a), NamedParameter("x.lora_B.weight", b)],
            lr: 1e-3, ratio: 16, weightDecay: 0)
        let opt = try AdamW(groups: groups)
        let scheduler = LRScheduler(
            try LRSchedule(.linear, warmupSteps: 2, totalSteps: 4, baseLR: 1e-3), optimizer: opt)
        scheduler.step()
        #expect(abs(scheduler.lrs[0] - 0.5e-3) < 1e-15)
        #expect(abs(scheduler.lrs[1] - 8e-3) < 1e-15)
    }

    @Test func unknownNameSuggestsTheNearest() {
        #expect(throws: OptimError.unknownName(
            kind: "scheduler", name: "cosin", suggestion: "cosine")) {
            try SchedulerKind(parsing: "cosin")
        }
        #expect(throws: OptimError.unknownName(
            kind: "scheduler", name: "constant_warmup", suggestion: "constant_with_warmup")) {
            try SchedulerKind(parsing: "constant_warmup")
        }
        #expect((try? SchedulerKind(parsing: "Cosine-With-Restarts")) == .cosineWithRestarts)
    }

    @Test func cosineWithoutTotalIsAnError() {
        #expect(throws: OptimError.missingArgument(scheduler: "cosine", argument: "total")) {
            try LRSchedule(.cosine, warmupSteps: 3, baseLR: 1e-3)
        }
    }

    @Test func stateRoundTripRestoresTheLearningRate() throws {
        let schedule = try LRSchedule(.cosine, warmupSteps: 2, totalSteps: 10, baseLR: 1e-3)
        let first = LRScheduler(schedule, optimizer: try optimizer(lr: 1e-3))
        for _ in 0..<5 { first.step() }
        let second = LRScheduler(schedule, optimizer: try optimizer(lr: 1e-3))
        try second.loadStateDict(first.stateDict())
        #expect(second.lr == first.lr)
        #expect(second.stepCount == 5)
    }
}
