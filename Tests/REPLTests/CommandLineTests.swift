import Foundation
import Testing

/// The `lfs` executable run as a shell would run it, with pipes.
@Suite struct CommandLineTests {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Runs lfs with `arguments` and `input` on standard input; gives up after 60 s.
    static func run(_ arguments: [String], input: String = "", environment: [String: String] = [:])
        throws
        -> Result
    {
        let binary = try #require(LFSBinary.path, "build lfs first (swift build --build-tests)")
        return try runExecutable(binary, arguments, input: input, environment: environment)
    }

    static func runExecutable(
        _ executable: String, _ arguments: [String], input: String = "",
        environment: [String: String] = [:]
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var variables = ProcessInfo.processInfo.environment
        for (key, value) in environment { variables[key] = value }
        process.environment = variables
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let output = String(
            decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errors = String(
            decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Result(status: process.terminationStatus, output: output, errors: errors)
    }

    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lfs-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func evaluatesCodeGivenWithE() throws {
        let result = try Self.run(["-e", "let t = randn([2, 3], seed: 0); print((t @ t.T).shape)"])
        #expect(result.output == "[2, 2]\n")
        #expect(result.status == 0, "stderr: \(result.errors)")
    }

    @Test func runsAFileWithArguments() throws {
        let path = try Self.temporaryFile("echo.lfs", "print(args)\nprint(len(args))\n")
        let result = try Self.run([path, "one", "--two"])
        #expect(result.output == "[\"one\", \"--two\"]\n2\n", "stderr: \(result.errors)")
        #expect(result.status == 0)
    }

    @Test func shebangScriptsRunWhenExecutable() throws {
        let binary = try #require(LFSBinary.path)
        let folder = (binary as NSString).deletingLastPathComponent
        let path = try Self.temporaryFile(
            "hello", "#!/usr/bin/env lfs\nprint(\"hello \" + args[0])\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        let pathVariable =
            folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let result = try Self.runExecutable(path, ["world"], environment: ["PATH": pathVariable])
        #expect(result.output == "hello world\n", "stderr: \(result.errors)")
        #expect(result.status == 0)
    }

    @Test func exitStatuses() throws {
        #expect(try Self.run(["-e", "1 + 1"]).status == 0)
        let failing = try Self.run(["-e", "error(\"boom\")"])
        #expect(failing.status == 1)
        #expect(failing.errors.contains("boom"))
        #expect(try Self.run(["--no-such-option"]).status == 2)
        #expect(try Self.run(["/no/such/file.lfs"]).status == 2)
        #expect(try Self.run(["-e"]).status == 2)
        #expect(try Self.run(["--check"]).status == 2)
    }

    @Test func usageErrorsSayWhatWasWrong() throws {
        let result = try Self.run(["--frobnicate"])
        #expect(result.errors.hasPrefix("lfs: unknown option '--frobnicate'"))
        #expect(result.output.isEmpty)
    }

    @Test func checkParsesAndResolvesWithoutRunning() throws {
        let good = try Self.temporaryFile("good.lfs", "print(\"ran\")\n")
        let checked = try Self.run(["--check", good])
        #expect(checked.status == 0)
        #expect(checked.output.isEmpty)
        let bad = try Self.temporaryFile(
            "bad.lfs", "print(\"ran\")\nlet x = 1\nx = 2\nprint(nope)\n")
        let failed = try Self.run(["--check", bad])
        #expect(failed.status == 1)
        #expect(failed.output.isEmpty)
        #expect(failed.errors.contains("bad.lfs:3:"))
        #expect(failed.errors.contains("bad.lfs:4:"))
    }

    @Test func versionAndHelp() throws {
        let version = try Self.run(["--version"])
        #expect(version.output.hasPrefix("lfs "))
        #expect(version.output.contains("OpenBLAS core: "))
        #expect(version.output.contains("threads: "))
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        for option in ["-e", "-i", "--check", "--version"] { #expect(help.output.contains(option)) }
    }

    @Test func pipedInputRunsWithoutPromptsOrEscapes() throws {
        let result = try Self.run([], input: "let a = 2\na * 21\n\"text\"\n:vars\n")
        #expect(result.output == "42\n\"text\"\na = 2\n", "stderr: \(result.errors)")
        #expect(!result.output.contains("lfs> "))
        #expect(!result.output.contains("\u{1b}"))
        #expect(result.status == 0)
    }

    @Test func pipedInputWithAnErrorExitsWithOne() throws {
        let result = try Self.run([], input: "let a = 1\nprint(a + b)\nprint(a)\n")
        #expect(result.output == "1\n")
        #expect(result.errors.contains("error"))
        #expect(result.status == 1)
    }

    @Test func interactiveAfterAFileKeepsItsBindings() throws {
        let path = try Self.temporaryFile("setup.lfs", "let answer = 42\n")
        let result = try Self.run(["-i", path], input: "answer\n")
        #expect(result.output == "42\n", "stderr: \(result.errors)")
    }

    @Test func replCommandsInPipedInput() throws {
        let path = try Self.temporaryFile("lib.lfs", "fn triple(x) { x * 3 }\n")
        let result = try Self.run(
            [], input: ":load \(path)\ntriple(5)\n:time triple(2)\n:reset\n:vars\n")
        #expect(result.output.hasPrefix("15\n6\ntime: "), "stderr: \(result.errors)")
        #expect(result.output.hasSuffix("(bindings cleared)\n(no bindings)\n"))
    }
}
