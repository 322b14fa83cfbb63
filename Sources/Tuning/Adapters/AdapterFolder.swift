import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes an adapter folder as a whole: the files go into a temporary folder next to the
/// target, which is then renamed into place, so a reader never sees a folder holding a
/// new config with old weights (or half a file).
///
/// A folder that already exists keeps its other files (a README, training logs): it is
/// renamed aside, the new folder renamed into place, the other entries moved over and
/// the old folder removed. Between the two renames the path briefly does not exist;
/// it never holds a mixed pair.
enum AdapterFolder {
    /// Runs `write` on a fresh temporary folder, then puts that folder at `directory`.
    /// - Throws: `AdapterError.invalidFile` for file-system failures; rethrows `write`'s
    ///   errors (the temporary folder is removed).
    static func write(to directory: String, _ write: (String) throws -> Void) throws {
        let files = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let parent = target.deletingLastPathComponent().path
        let name = target.lastPathComponent
        do {
            try files.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw AdapterError.invalidFile(path: directory, detail: "cannot create the parent folder: \(error)")
        }
        let unique = UUID().uuidString.prefix(8)
        let temporary = parent + "/.\(name).tmp-\(unique)"
        do {
            try files.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        } catch {
            throw AdapterError.invalidFile(path: directory, detail: "cannot create a folder next to it: \(error)")
        }
        do {
            try write(temporary)
        } catch {
            try? files.removeItem(atPath: temporary)
            throw error
        }
        let path = target.path
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: path, isDirectory: &isFolder) else {
            try move(temporary, to: path)
            return
        }
        guard isFolder.boolValue else {
            try? files.removeItem(atPath: temporary)
            throw AdapterError.invalidFile(path: directory, detail: "exists and is not a folder")
        }
        let aside = parent + "/.\(name).old-\(unique)"
        try move(path, to: aside)
        do {
            try move(temporary, to: path)
        } catch {
            _ = rename(aside, path)  // put the old folder back
            try? files.removeItem(atPath: temporary)
            throw error
        }
        let written = Set((try? files.contentsOfDirectory(atPath: path)) ?? [])
        for entry in (try? files.contentsOfDirectory(atPath: aside)) ?? [] where !written.contains(entry) {
            _ = rename(aside + "/" + entry, path + "/" + entry)
        }
        try? files.removeItem(atPath: aside)
    }

    /// rename(2), which is atomic within a file system.
    private static func move(_ source: String, to destination: String) throws {
        guard rename(source, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            throw AdapterError.invalidFile(path: destination, detail: "cannot rename \(source) into place: \(reason)")
        }
    }
}
