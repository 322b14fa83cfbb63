import Foundation

/// Plain text files: `read_text(path)` and `write_text(text, path)`.
enum TextFiles {
    static let functions: [Builtin] = [
        Builtin("read_text", Signature(["path"]), doc: "The contents of a UTF-8 text file as a string.") { args in
            let path = try args.string(0)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw HostError("cannot read '\(path)': no such file")
            }
            guard !isFolder.boolValue else { throw HostError("cannot read '\(path)': it is a folder") }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw HostError("cannot read '\(path)': permission denied or unreadable")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw HostError("cannot read '\(path)': not UTF-8 text")
            }
            return .string(text)
        },
        Builtin("write_text", Signature(["text", "path"]),
                doc: "Writes a string to a file (through a temporary file renamed into place).") { args in
            let text = try args.string(0), path = try args.string(1)
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw HostError("cannot write '\(path)': \(error.localizedDescription)")
            }
            return .nil
        },
    ]
}
