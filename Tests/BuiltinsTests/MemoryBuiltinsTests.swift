import Builtins
import Language
import Testing

/// `memory()`: the figures move by the bytes a script allocates and frees, parameters
/// count models, adapters and optimizer state, and `profile { }` reports from scripts.
/// Live-tensor counters are process-wide and other tests run at the same time, so the
/// exact-delta checks try a few times and pass when one attempt sees no interference.
@Suite struct MemoryBuiltinsTests {
    func interpreter() -> Interpreter {
        let interpreter = Interpreter()
        Library.install(into: interpreter)
        return interpreter
    }

    func int(_ interpreter: Interpreter, _ code: String) throws -> Int64? {
        guard case .int(let value)? = try interpreter.evaluate(code) else { return nil }
        return value
    }

    @Test func tensorsRiseByAnAllocationAndFallWhenItIsFreed() throws {
        var deltas: [(Int64?, Int64?)] = []
        for _ in 0..<10 {
            let lfs = interpreter()
            _ = try lfs.evaluate("var t = nil")
            let before = try int(lfs, "memory().tensors")
            _ = try lfs.evaluate("t = zeros([1000, 1000])")  // 4,000,000 bytes
            let during = try int(lfs, "memory().tensors")
            _ = try lfs.evaluate("t = nil")
            let after = try int(lfs, "memory().tensors")
            let rise = during.flatMap { d in before.map { d - $0 } }
            let fall = after.flatMap { a in during.map { a - $0 } }
            deltas.append((rise, fall))
            if rise == 4_000_000 && fall == -4_000_000 { break }
        }
        #expect(deltas.contains { $0.0 == 4_000_000 && $0.1 == -4_000_000 }, "\(deltas)")
    }

    @Test func parametersCountTheModelThenItsAdapterThenAdamWState() throws {
        let lfs = interpreter()
        _ = try lfs.evaluate("let m = load_model(\"tiny\")")
        let model = try #require(try int(lfs, "memory().parameters"))
        #expect(model == 4 * (try #require(try int(lfs, "m.num_params"))))  // float32 weights
        #expect(try int(lfs, "memory().optimizer") == 0)
        _ = try lfs.evaluate(
            """
            let lora = m.lora(rank: 4, targets: ["q_proj", "v_proj"])
            var n = 0
            for p in m.trainable() {
                var k = 1
                for s in p.shape { k *= s }
                n += k
            }
            let opt = adamw(m.trainable(), lr: 1e-3)
            """)
        let trainable = try #require(try int(lfs, "n"))
        #expect(trainable > 0)
        #expect(try int(lfs, "memory().parameters") == model + 4 * trainable)
        #expect(try int(lfs, "memory().gradients") == 0)
        #expect(try int(lfs, "memory().optimizer") == 0)  // no step yet
        _ = try lfs.evaluate("m([[1, 2, 3, 4]]).loss([[1, 2, 3, 4]]).backward()")
        #expect(try int(lfs, "memory().gradients") == 4 * trainable)
        _ = try lfs.evaluate("opt.step()")
        #expect(try int(lfs, "memory().optimizer") == 8 * trainable)  // AdamW's two moments
    }

    @Test func memoryPrintsAsATable() throws {
        let lfs = interpreter()
        var output = ""
        lfs.output = { output += $0 }
        _ = try lfs.evaluate("print(memory())")
        let names = output.split(separator: "\n").compactMap { $0.split(separator: " ").first }
        #expect(names == ["tensors", "tape", "parameters", "gradients", "optimizer", "mapped", "peak", "rss"])
    }

    @Test func profileReturnsTheBlockValueAndTheTableFromScripts() throws {
        let lfs = interpreter()
        _ = try lfs.evaluate(
            """
            let a = randn([8, 4], seed: 0).requires_grad_()
            let p = profile {
                let loss = (a @ a.T).sum()
                loss.backward()
                loss.item()
            }
            """)
        guard case .float? = try lfs.evaluate("p.result") else {
            Issue.record("p.result is not the block's float")
            return
        }
        guard case .string(let table)? = try lfs.evaluate("p.table") else {
            Issue.record("p.table is not a string")
            return
        }
        #expect(table.contains("matmul (backward)"))
        #expect(table.contains("host: interpreter + autograd (not in ops)"))
        guard case .float(let fraction)? = try lfs.evaluate("p.host_fraction") else {
            Issue.record("p.host_fraction is not a float")
            return
        }
        #expect(fraction >= 0 && fraction <= 1)
        guard case .list(let rows)? = try lfs.evaluate("p.rows") else {
            Issue.record("p.rows is not a list")
            return
        }
        let names = rows.items.compactMap { row -> String? in
            guard case .dict(let dict) = row, case .string(let name)? = dict["name"] else { return nil }
            return name
        }
        #expect(Set(names).isSuperset(of: ["matmul", "sum", "matmul (backward)", "sum (backward)"]))
    }
}
