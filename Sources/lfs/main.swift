import Foundation
import Tensors

// Pick fast OpenBLAS kernels before anything else runs (may re-execute once).
OpenBLASRuntime.ensureOptimizedCore()

/// The version of lfs.
let lfsVersion = "0.1.0"

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--version" {
    let chosen = OpenBLASRuntime.wasCoreChosenByLFS ? " (chosen by lfs)" : ""
    print("lfs \(lfsVersion)")
    print("OpenBLAS core: \(OpenBLASRuntime.coreName)\(chosen), threads: \(OpenBLASRuntime.threadCount)")
    exit(0)
}
FileHandle.standardError.write(Data("lfs: the language is not implemented yet; try --version\n".utf8))
exit(2)
