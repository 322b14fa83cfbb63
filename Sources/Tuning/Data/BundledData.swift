import Foundation

/// The data sets that ship in the repository's `data/` folder (identity, sft_demo,
/// preference_demo, kto_demo, pretrain_demo), registered in its `dataset_info.json`.
///
/// The folder is found, in order, at `$LFS_DATA_DIR`, by walking up from the running
/// executable (so `.build/release/lfs` finds the checkout it was built in), and from this
/// source file (tests and debug builds).
public enum BundledData {
    /// The bundled folder, or nil when it cannot be found.
    public static func directory() -> String? {
        var roots: [String] = []
        if let override = ProcessInfo.processInfo.environment["LFS_DATA_DIR"] {
            roots.append(override)
        }
        if let executable = try? FileManager.default.destinationOfSymbolicLink(
            atPath: "/proc/self/exe")
        {
            var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
            for _ in 0..<6 {
                roots.append(folder.path + "/data")
                folder = folder.deletingLastPathComponent()
            }
        }
        // Sources/Tuning/Data/BundledData.swift -> the repository root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        roots.append(root.path + "/data")
        return roots.first {
            FileManager.default.fileExists(atPath: $0 + "/dataset_info.json")
        }
    }

    /// The bundled registry.
    /// - Throws: `DatasetError.unreadable` when the folder is missing.
    public static func registry() throws -> DatasetRegistry {
        guard let directory = directory() else {
            throw DatasetError.unreadable(
                path: "data/dataset_info.json",
                reason: "the bundled data folder was not found (set LFS_DATA_DIR)")
        }
        return try DatasetRegistry(directory: directory)
    }

    /// A bundled data set by name.
    /// - Throws: `DatasetError.unknownName` with a hint, and reading errors.
    public static func dataset(named name: String, maxSamples: Int? = nil) throws -> Dataset {
        let registry = try registry()
        let attributes = try registry.attributes(named: name)
        return try Dataset(
            path: registry.path(of: attributes), attributes: attributes, maxSamples: maxSamples)
    }

    /// The identity set with its `{{name}}` and `{{author}}` placeholders filled.
    /// - Parameters:
    ///   - name: the assistant's name.
    ///   - author: its maker.
    ///   - maxSamples: keep only the first this many pairs (`max_samples`).
    /// - Throws: reading errors.
    public static func identity(
        name: String = "lfs", author: String = "the lfs authors", maxSamples: Int? = nil
    ) throws -> Dataset {
        let dataset = try dataset(named: "identity", maxSamples: maxSamples)
        dataset.fillPlaceholders(["name": name, "author": author])
        return dataset
    }
}
