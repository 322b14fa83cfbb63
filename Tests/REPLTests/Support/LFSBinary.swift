import Foundation

/// Finds the built `lfs` executable: next to the test bundle (`.build/debug/`), or under
/// the package's `.build` folder found from this file's path.
enum LFSBinary {
    static var path: String? {
        var candidates: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            let folder = (exe as NSString).deletingLastPathComponent
            candidates.append((folder as NSString).appendingPathComponent("lfs"))
            // The test bundle may be a folder (.xctest/...) one or more levels down.
            var parent = folder
            for _ in 0..<4 {
                parent = (parent as NSString).deletingLastPathComponent
                candidates.append((parent as NSString).appendingPathComponent("lfs"))
            }
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/lfs").path)
        return candidates.first { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
                && !isFolder.boolValue && FileManager.default.isExecutableFile(atPath: path)
        }
    }
}
