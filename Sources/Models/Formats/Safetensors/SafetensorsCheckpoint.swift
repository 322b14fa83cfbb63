#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model's weights: one `model.safetensors`, or shards listed by
/// `model.safetensors.index.json` (`{"metadata": {"total_size": n}, "weight_map": {name: file}}`).
public final class SafetensorsCheckpoint: Sendable {
    /// The index file name transformers uses.
    public static let indexName = "model.safetensors.index.json"
    /// The single-file name transformers uses.
    public static let singleName = "model.safetensors"

    /// The opened files, in shard order.
    public let files: [SafetensorsFile]
    private let fileOfTensor: [String: Int]
    /// All tensor names, in shard then header order.
    public let names: [String]

    /// Opens `model.safetensors.index.json` if the folder has one, else `model.safetensors`.
    /// - Throws: `SafetensorsError` naming the file and the problem.
    public convenience init(directory: String) throws {
        let index = Self.join(directory, Self.indexName)
        if access(index, F_OK) == 0 {
            try self.init(indexPath: index)
        } else {
            try self.init(files: [SafetensorsFile(path: Self.join(directory, Self.singleName))])
        }
    }

    /// Opens the shards an index names and checks that each listed tensor is in its shard.
    /// - Throws: `SafetensorsError.invalidIndex` for a malformed index or a tensor listed
    ///   in a shard that lacks it, or any error of the shards.
    public convenience init(indexPath: String) throws {
        let mapped = try MappedFile(path: indexPath)
        let json: JSONValue
        do {
            json = try JSONParser.parse(mapped.bytes)
        } catch {
            throw SafetensorsError.invalidIndex(file: indexPath, detail: "not valid JSON: \(error)")
        }
        guard let weightMap = json["weight_map"]?.objectValue else {
            throw SafetensorsError.invalidIndex(file: indexPath, detail: "no 'weight_map' object")
        }
        let folder = indexPath.lastIndex(of: "/").map { String(indexPath[..<$0]) } ?? "."
        var shardOrder: [String] = []
        for (name, value) in weightMap.pairs {
            guard let shard = value.stringValue, !shard.contains("/"), !shard.isEmpty else {
                throw SafetensorsError.invalidIndex(file: indexPath, detail: "weight_map entry '\(name)' is not a file name")
            }
            if !shardOrder.contains(shard) { shardOrder.append(shard) }
        }
        shardOrder.sort()
        let files = try shardOrder.map { try SafetensorsFile(path: Self.join(folder, $0)) }
        for (name, value) in weightMap.pairs {
            guard let position = shardOrder.firstIndex(of: value.stringValue ?? ""), files[position].contains(name) else {
                throw SafetensorsError.invalidIndex(
                    file: indexPath, detail: "tensor '\(name)' is not in \(value.stringValue ?? "?")")
            }
        }
        try self.init(files: files)
    }

    /// A checkpoint over already opened files.
    /// - Throws: `SafetensorsError.duplicateName` if two files hold the same tensor.
    public init(files: [SafetensorsFile]) throws {
        self.files = files
        var fileOfTensor: [String: Int] = [:]
        var names: [String] = []
        for (i, file) in files.enumerated() {
            for name in file.names {
                if fileOfTensor[name] != nil { throw SafetensorsError.duplicateName(file: file.path, name: name) }
                fileOfTensor[name] = i
                names.append(name)
            }
        }
        self.fileOfTensor = fileOfTensor
        self.names = names
    }

    /// Whether any file holds a tensor with this name.
    public func contains(_ name: String) -> Bool { fileOfTensor[name] != nil }

    /// The file holding a tensor.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func file(containing name: String) throws -> SafetensorsFile {
        guard let index = fileOfTensor[name] else {
            throw SafetensorsError.missingTensor(file: files.first?.path ?? "<checkpoint>", name: name)
        }
        return files[index]
    }

    /// The header entry of a tensor.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func info(_ name: String) throws -> SafetensorsTensorInfo { try file(containing: name).info(name) }

    /// The raw bytes of a tensor, valid while this checkpoint lives.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func bytes(of name: String) throws -> UnsafeRawBufferPointer { try file(containing: name).bytes(of: name) }

    /// The tensor's elements as `Float`.
    /// - Throws: `SafetensorsError.missingTensor`.
    public func floats(of name: String) throws -> [Float] { try file(containing: name).floats(of: name) }

    // MARK: - Writing

    /// Writes `entries` into `directory` as transformers does: `model.safetensors` when the
    /// total fits in `maximumShardBytes` (or it is nil), else `model-0000k-of-0000n.safetensors`
    /// shards (a new shard starts when the next tensor would overflow the current one) plus
    /// `model.safetensors.index.json`. Returns the file names written.
    /// - Throws: `SafetensorsError`.
    @discardableResult
    public static func write(
        _ entries: [SafetensorsEntry], directory: String, maximumShardBytes: Int? = nil,
        metadata: [String: String] = SafetensorsWriter.defaultMetadata
    ) throws -> [String] {
        var shards: [[SafetensorsEntry]] = [[]]
        var current = 0
        for entry in entries {
            if let limit = maximumShardBytes, current > 0, current + entry.byteCount > limit {
                shards.append([])
                current = 0
            }
            shards[shards.count - 1].append(entry)
            current += entry.byteCount
        }
        if shards.count == 1 {
            try SafetensorsWriter.write(entries, to: join(directory, singleName), metadata: metadata)
            return [singleName]
        }
        var names: [String] = []
        var weightMap: [(String, JSONValue)] = []
        for (i, shard) in shards.enumerated() {
            let name = "model-\(pad5(i + 1))-of-\(pad5(shards.count)).safetensors"
            try SafetensorsWriter.write(shard, to: join(directory, name), metadata: metadata)
            names.append(name)
            weightMap += shard.map { ($0.name, .string(name)) }
        }
        weightMap.sort { $0.0 < $1.0 }
        let total = entries.reduce(0) { $0 + $1.byteCount }
        let index = JSONValue.object(JSONObject([
            ("metadata", .object(JSONObject([("total_size", .int(Int64(total)))]))),
            ("weight_map", .object(JSONObject(weightMap))),
        ]))
        try TextFile.write(JSONWriter.pretty(index) + "\n", to: join(directory, indexName))
        names.append(indexName)
        return names
    }

    private static func pad5(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}
