// Runs lfs programs with the Language interpreter alone (no tensors), for the
// interpreter benchmark (Scripts/bench/interp) and for quick checks:
//   bench-interp run FILE [args...]      runs FILE, prints errors, exits 1 on error
//   bench-interp time FILE [runs]        runs FILE `runs` times, prints the median seconds
import Foundation
import Language

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    FileHandle.standardError.write(Data("usage: bench-interp run|time FILE [...]\n".utf8))
    exit(2)
}

let path = arguments[2]

func runOnce(output: @escaping (String) -> Void) -> Bool {
    let interpreter = Interpreter()
    interpreter.output = output
    interpreter.args = Array(arguments.dropFirst(3))
    do {
        try interpreter.runFile(path: path)
        return true
    } catch {
        FileHandle.standardError.write(Data(interpreter.render(error).utf8))
        return false
    }
}

switch arguments[1] {
case "run":
    exit(runOnce(output: { FileHandle.standardOutput.write(Data($0.utf8)) }) ? 0 : 1)
case "time":
    let runs = arguments.count > 3 ? Int(arguments[3]) ?? 5 : 5
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        guard runOnce(output: { _ in }) else { exit(1) }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
    times.sort()
    print(String(format: "%.4f", times[times.count / 2]))
default:
    FileHandle.standardError.write(Data("usage: bench-interp run|time FILE [...]\n".utf8))
    exit(2)
}
