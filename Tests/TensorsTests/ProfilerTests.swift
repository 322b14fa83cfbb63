import Testing

@testable import Tensors

/// The op profiler: rows per op forward and backward with exact call counts, FLOPs from
/// the declared costs, self time net of nested ops, and the host line. No timed
/// assertions: times are only checked to be positive and to add up.
@Suite struct ProfilerTests {
    @Test func collectsEveryOpOfASmallComputationWithItsCalls() throws {
        let a = try Tensor.randn([4, 8])
        a.requiresGrad = true
        let b = try Tensor.randn([8, 3])
        let (_, report) = try Profiler.measure {
            let c = try a.matmul(b)
            let d = try c.mul(c)
            try d.sum().backward()
            _ = try a.matmul(b)
        }
        #expect(report.row(named: "matmul")?.calls == 2)
        #expect(report.row(named: "mul")?.calls == 1)
        #expect(report.row(named: "sum")?.calls == 1)
        #expect(report.row(named: "matmul (backward)")?.calls == 1)
        #expect(report.row(named: "sum (backward)")?.calls == 1)
        #expect(report.row(named: "mul (backward)")?.calls == 1)
        #expect(report.row(named: "autograd: accumulate .grad")?.calls == 1)
        for name in ["matmul", "mul", "sum", "matmul (backward)"] {
            #expect((report.row(named: name)?.selfSeconds ?? 0) > 0, "\(name) has no time")
        }
        #expect(report.opCalls == 2 + 1 + 1 + 3)
        #expect(report.wallSeconds > 0)
        #expect(report.wallSeconds >= report.measuredSeconds + report.profilerSeconds - 1e-9)
    }

    @Test func matmulFlopsAreTwoMNKAndGFLOPsFollowFromThem() throws {
        let (m, k, n) = (5, 7, 3)
        let a = try Tensor.randn([m, k])
        a.requiresGrad = true
        let b = try Tensor.randn([k, n])
        let (_, report) = try Profiler.measure { try a.matmul(b).sum().backward() }
        let forward = try #require(report.row(named: "matmul"))
        #expect(forward.flops == 2 * m * n * k)
        let gflops = try #require(forward.gflops)
        #expect(abs(gflops - Double(2 * m * n * k) / forward.selfSeconds / 1e9) < 1e-9 * gflops)
        // Only `a` requires grad: the backward is one GEMM of the forward's size.
        #expect(report.row(named: "matmul (backward)")?.flops == 2 * m * n * k)
        #expect(OpSpec.matmul.cost([[m, k], [k, n]], [m, n], [:]).flops == 2 * m * n * k)
    }

    @Test func theTableHasTheHostAndTotalLines() throws {
        let x = try Tensor.randn([16, 16])
        let (_, report) = try Profiler.measure { _ = try x.matmul(x).exp() }
        let table = report.table()
        #expect(table.contains("host: interpreter + autograd (not in ops)"))
        #expect(table.contains("GFLOP/s"))
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("matmul ") })
        #expect(table.split(separator: "\n").last?.hasPrefix("total") == true)
        #expect(report.hostSeconds >= 0)
    }

    @Test func allocationsAreChargedToTheOpThatMadeThem() throws {
        let x = try Tensor.randn([1000])
        let (_, report) = try Profiler.measure { _ = try x.add(x) }
        // At least the 4,000-byte output (other tests may allocate at the same time).
        #expect((report.row(named: "add")?.bytesAllocated ?? 0) >= 4000)
    }

    @Test func nestedEventsAreTakenOffTheEnclosingOnesSelfTime() {
        let collector = ProfileCollector()
        func event(_ name: String, _ start: UInt64, _ end: UInt64, _ phase: OpPhase, bytes: Int = 0)
            -> OpEvent
        {
            OpEvent(
                name: name, label: name, scope: "", inputShapes: [], outputShape: [],
                seconds: Double(end - start) / 1e9, cost: OpCost(flops: 10, bytes: 0), phase: phase,
                startNanoseconds: start, endNanoseconds: end, bytesAllocated: bytes)
        }
        // exp's backward [100, 200] dispatched mul [110, 140] (reported first), then
        // another op [300, 310] runs at the top level. The profiler takes 5 ns per event.
        collector.record(event("mul", 110, 140, .forward, bytes: 64)) { 145 }
        collector.record(event("exp", 100, 200, .backward, bytes: 100)) { 205 }
        collector.record(event("add", 300, 310, .forward)) { 315 }
        let report = collector.finish()
        #expect(report.row(named: "mul")?.selfSeconds == 30e-9)
        #expect(report.row(named: "exp (backward)")?.selfSeconds == 65e-9)  // 100 - 30 - 5
        #expect(report.row(named: "exp (backward)")?.bytesAllocated == 36)
        #expect(report.row(named: "add")?.selfSeconds == 10e-9)
        #expect(abs(report.profilerSeconds - 15e-9) < 1e-15)
    }

    @Test func regionsGetTheirOwnRowAndOutsideAProfilerCostNothing() throws {
        let x = try Tensor.randn([8])
        #expect(!Profiler.isActive)
        #expect(Profiler.region("optimizer.step") { 42 } == 42)
        let (_, report) = try Profiler.measure {
            try Profiler.region("optimizer.step") { _ = try x.mul(x) }
        }
        #expect(report.row(named: "optimizer.step")?.calls == 1)
        #expect(report.row(named: "optimizer.step")?.phase == .region)
        #expect(report.row(named: "mul")?.calls == 1)
        #expect(report.opCalls == 1)
    }

    @Test func nestedProfilesEachSeeTheirBody() throws {
        let x = try Tensor.randn([8])
        let (inner, outer) = try Profiler.measure {
            _ = try x.exp()
            return try Profiler.measure { _ = try x.exp() }.report
        }
        #expect(inner.row(named: "exp")?.calls == 1)
        #expect(outer.row(named: "exp")?.calls == 2)
    }
}

/// `TapeRegistry`: the bytes live tape nodes keep alive, without parameters.
@Suite struct MemoryTapeTests {
    @Test func theTapeHoldsTheActivationsUntilTheGraphIsFreed() throws {
        let x = try Tensor.randn([100, 100])
        x.requiresGrad = true
        var attempts: [(Int, Int)] = []
        for _ in 0..<10 {
            let before = TapeRegistry.bytesHeld
            var loss: Tensor? = try x.mul(x).exp().sum()
            let during = TapeRegistry.bytesHeld
            #expect(loss?.requiresGrad == true)
            loss = nil
            let after = TapeRegistry.bytesHeld
            attempts.append((during - before, during - after))
            // x is a trainable leaf (not counted); x*x and exp(x*x) are 40,000 bytes each.
            if during - before == 80_000 && during - after == 80_000 { break }
        }
        #expect(attempts.contains { $0 == (80_000, 80_000) }, "\(attempts)")
    }
}
