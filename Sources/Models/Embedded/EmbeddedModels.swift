import Foundation
import Tensors

/// The models that ship in the repository (`load_model("tiny")`), found at run time
/// without depending on the current directory.
///
/// They live in `Sources/Models/Embedded/<name>/` as ordinary Hugging Face folders
/// (made by lfs itself: Scripts/make-tiny.lfs). The folder is found, in order, under
/// `$LFS_EMBEDDED_MODELS`, by walking up from the running executable (so
/// `.build/release/lfs` finds the checkout it was built in), and next to this source
/// file (tests and debug builds).
public enum EmbeddedModels {
    /// The embedded model names.
    public static let names = ["tiny"]

    /// The folder of an embedded model, or nil when `name` is not one or its files are
    /// missing.
    public static func directory(named name: String) -> String? {
        guard names.contains(name) else { return nil }
        for root in searchRoots() {
            let candidate = root + "/" + name
            if FileManager.default.fileExists(atPath: candidate + "/config.json") {
                return candidate
            }
        }
        return nil
    }

    /// Where embedded model folders may be, most specific first.
    static func searchRoots() -> [String] {
        var roots: [String] = []
        if let override = ProcessInfo.processInfo.environment["LFS_EMBEDDED_MODELS"] {
            roots.append(override)
        }
        let relative = "Sources/Models/Embedded"
        if let executable = executablePath() {
            var folder = URL(fileURLWithPath: executable).resolvingSymlinksInPath()
                .deletingLastPathComponent()
            for _ in 0..<6 {
                roots.append(folder.path + "/" + relative)
                folder = folder.deletingLastPathComponent()
            }
        }
        roots.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().path)
        return roots
    }

    private static func executablePath() -> String? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return path
        }
        return Bundle.main.executablePath
    }
}

extension CausalLM {
    /// Loads a model folder, or an embedded model by name (`tiny`).
    /// - Parameters:
    ///   - nameOrPath: a folder path, or one of `EmbeddedModels.names`.
    ///   - dtype: convert the weights to this dtype.
    /// - Throws: `ModelError.unknownModel` when `nameOrPath` is neither, and the errors of
    ///   `load(directory:dtype:)`.
    public static func load(_ nameOrPath: String, dtype: DType? = nil) throws -> CausalLM {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isFolder),
            isFolder.boolValue
        {
            return try load(directory: nameOrPath, dtype: dtype)
        }
        guard let directory = EmbeddedModels.directory(named: nameOrPath) else {
            throw ModelError.unknownModel(name: nameOrPath, embedded: EmbeddedModels.names)
        }
        return try load(directory: directory, dtype: dtype)
    }
}
