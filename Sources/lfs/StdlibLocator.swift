import Foundation

/// Finds the project's `stdlib/` folder, which `import` searches after the importing
/// file's folder: `LFS_STDLIB` if set, else the first folder above the executable that
/// holds both `stdlib/` and `Package.swift` (the checkout lfs was built from).
enum StdlibLocator {
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> String?
    {
        if let path = environment["LFS_STDLIB"], !path.isEmpty { return path }
        let manager = FileManager.default
        guard var folder = try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        else { return nil }
        while folder != "/" && !folder.isEmpty {
            folder = (folder as NSString).deletingLastPathComponent
            let stdlib = (folder as NSString).appendingPathComponent("stdlib")
            let package = (folder as NSString).appendingPathComponent("Package.swift")
            var isFolder: ObjCBool = false
            if manager.fileExists(atPath: stdlib, isDirectory: &isFolder), isFolder.boolValue,
                manager.fileExists(atPath: package)
            {
                return stdlib
            }
        }
        return nil
    }
}
