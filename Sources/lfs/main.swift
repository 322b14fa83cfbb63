import Foundation
import Tensors

// Pick fast OpenBLAS kernels before anything else runs (may re-execute once).
OpenBLASRuntime.ensureOptimizedCore()
AllocatorPolicy.keepStepBuffers()

exit(Launcher.main(Array(CommandLine.arguments.dropFirst())).rawValue)
