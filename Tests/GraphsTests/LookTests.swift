import Foundation
import Testing
@testable import Graphs

/// Writes PNGs of the synthetic step for looking at by eye, only when LFS_GRAPH_LOOK
/// names a folder; it asserts nothing and is skipped otherwise.
@Test(.enabled(if: ProcessInfo.processInfo.environment["LFS_GRAPH_LOOK"] != nil))
func writeLookFiles() throws {
    let dir = ProcessInfo.processInfo.environment["LFS_GRAPH_LOOK"] ?? "/tmp"
    let graph = SyntheticGraphs.trainingStep(layers: 4)
    try GraphRenderer.write(dot: graph.dot(), to: dir + "/collapsed.png")
    try GraphRenderer.write(dot: graph.dot(), to: dir + "/collapsed.dot")
    try GraphRenderer.write(dot: graph.dot(DotOptions(expand: true)), to: dir + "/expanded.png")
    try GraphRenderer.write(dot: graph.dot(DotOptions(depth: 2, backward: true)), to: dir + "/depth2.png")
    let architecture = GraphModel(architecture: SyntheticGraphs.llamaArchitecture(layers: 4, lora: true))
    try GraphRenderer.write(dot: architecture.dot(), to: dir + "/architecture.png")
    try GraphRenderer.write(dot: architecture.dot(), to: dir + "/architecture.dot")
}
