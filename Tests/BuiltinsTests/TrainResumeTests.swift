import Foundation
import Testing

/// Resuming across processes, with the `lfs` executable as a user runs it: a run stopped
/// after 2 steps and resumed gives the same per-step losses, to the bit, as a run that
/// was never stopped (LoRA dropout and NEFTune on, so the RNG state matters; gradient
/// accumulation on, so the data position matters). Each run is its own process, so no
/// other test can draw from the global generator in between.
@Suite struct TrainResumeTests {
    /// The built `lfs` next to the test bundle or under the package's `.build/debug`.
    static var binary: String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            var folder = (exe as NSString).deletingLastPathComponent
            for _ in 0..<5 {
                candidates.append((folder as NSString).appendingPathComponent("lfs"))
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/lfs").path)
        return candidates.first { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                && !isFolder.boolValue && FileManager.default.isExecutableFile(atPath: path)
        }
    }

    /// Runs `lfs script args...` in `directory`; returns its exit status and output.
    static func lfs(_ arguments: [String], in directory: String) throws -> (Int32, String) {
        let binary = try #require(binary, "build lfs first (swift build --build-tests)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["LFS_STDLIB"] = TrainScript.stdlib
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let script = """
        import train
        let model = load_model("tiny")
        let data = dataset("identity", template: "chatml", cutoff: 40, max_samples: 12)
        model.lora(rank: 4, dropout: 0.1, targets: ["q_proj", "v_proj"])
        let stop_at = int(args[1])
        let r = train.sft(model, data, output_dir: args[0], max_steps: 4, batch_size: 2,
                          grad_accum: 2, lr: 1e-3, logging_steps: 1, save_steps: 100,
                          neftune_alpha: 5, quiet: true,
                          on_step: fn(info) { info["step"] != stop_at })
        for loss in r["losses"] { print(repr(loss)) }
        print(r["stopped"])
        """

    @Test func aStoppedAndResumedRunMatchesAnUninterruptedOne() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Self.script.write(toFile: folder + "/resume.lfs", atomically: true, encoding: .utf8)

        let (status, straight) = try Self.lfs(["resume.lfs", "straight", "0"], in: folder)
        #expect(status == 0, "\(straight)")
        let (stopStatus, stopped) = try Self.lfs(["resume.lfs", "split", "2"], in: folder)
        #expect(stopStatus == 0, "\(stopped)")
        #expect(stopped.hasSuffix("on_step\n"))
        #expect(FileManager.default.fileExists(atPath: folder + "/split/checkpoint-2/trainer_state.json"))
        let (resumeStatus, resumed) = try Self.lfs(["resume.lfs", "split", "0"], in: folder)
        #expect(resumeStatus == 0, "\(resumed)")

        let expected = straight.split(separator: "\n")
        #expect(expected.count == 5 && expected.last == "nil")
        #expect(resumed.split(separator: "\n") == expected)
        // The first two losses of the stopped run are the straight run's too.
        #expect(Array(stopped.split(separator: "\n").prefix(2)) == Array(expected.prefix(2)))
    }

    @Test func resumeFalseAndOverwriteStartOver() throws {
        let folder = try TrainScript.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            import train
            let model = load_model("tiny")
            let data = dataset("identity", template: "chatml", cutoff: 32, max_samples: 4)
            model.lora(rank: 2, targets: ["q_proj"])
            let r = train.sft(model, data, output_dir: "out", max_steps: 2, batch_size: 2,
                              save_steps: 1, overwrite: args[0] == "overwrite",
                              resume: args[0] != "fresh", logging_steps: 1)
            print("steps {r["steps"]} losses {len(r["losses"])}")
            """
        try script.write(toFile: folder + "/run.lfs", atomically: true, encoding: .utf8)
        let (first, firstOutput) = try Self.lfs(["run.lfs", "resume"], in: folder)
        #expect(first == 0, "\(firstOutput)")
        #expect(firstOutput.contains("steps 2 losses 2"))
        // A killed write of step 3 leaves a temporary folder: it is ignored.
        try FileManager.default.createDirectory(
            atPath: folder + "/out/.checkpoint-3.tmp-1-x", withIntermediateDirectories: false)
        let (_, again) = try Self.lfs(["run.lfs", "resume"], in: folder)
        #expect(again.contains("resuming from out/checkpoint-2 (step 2 of 2)"))
        #expect(again.contains("steps 2 losses 2"))
        let (_, fresh) = try Self.lfs(["run.lfs", "fresh"], in: folder)
        #expect(!fresh.contains("resuming"))
        let (_, overwritten) = try Self.lfs(["run.lfs", "overwrite"], in: folder)
        #expect(!overwritten.contains("resuming"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/.checkpoint-3.tmp-1-x"))
        let log = try String(contentsOfFile: folder + "/out/trainer_log.jsonl", encoding: .utf8)
        #expect(log.split(separator: "\n").count == 2)
    }
}
