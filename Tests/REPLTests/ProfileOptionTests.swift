import Foundation
import Testing

/// `lfs --profile`: the program's output is unchanged and the op table goes to
/// standard error when it ends, also after an error.
@Suite struct ProfileOptionTests {
    @Test func printsTheOpTableToStandardErrorAfterTheProgram() throws {
        let result = try CommandLineTests.run([
            "--profile", "-e",
            "let a = randn([8, 8], seed: 0)\nprint((a @ a).exp().sum().item() > 0)",
        ])
        #expect(result.status == 0)
        #expect(result.output == "true\n")
        let lines = result.errors.split(separator: "\n").map(String.init)
        #expect(lines.contains("== profile (lfs --profile)"))
        #expect(lines.contains { $0.hasPrefix("matmul ") })
        #expect(lines.contains { $0.hasPrefix("exp ") })
        #expect(lines.contains { $0.hasPrefix("host: interpreter + autograd (not in ops)") })
        #expect(lines.last?.hasPrefix("total") == true)
    }

    @Test func aFailingProgramStillGetsItsProfile() throws {
        let file = try CommandLineTests.temporaryFile(
            "fails.lfs", "let a = randn([4, 4], seed: 0)\nlet b = a @ a\nerror(\"stop\")\n")
        let result = try CommandLineTests.run(["--profile", file])
        #expect(result.status == 1)
        #expect(result.errors.contains("stop"))
        #expect(result.errors.contains("== profile (lfs --profile)"))
        #expect(result.errors.split(separator: "\n").contains { $0.hasPrefix("matmul ") })
    }

    @Test func withoutTheOptionThereIsNoProfile() throws {
        let result = try CommandLineTests.run(["-e", "print(1)"])
        #expect(!result.errors.contains("profile"))
    }
}
