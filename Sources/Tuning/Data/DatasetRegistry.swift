import Foundation
import Models

/// A `dataset_info.json` registry in LLaMA-Factory's schema: data set names mapped to
/// their file, formatting, ranking, columns and tags. A user's existing registry works.
public struct DatasetRegistry: Sendable {
    /// The folder holding the registry and its files.
    public let directory: String
    /// The entries by name, in file order.
    public let entries: [(name: String, attributes: DatasetAttributes)]

    /// Reads `<directory>/dataset_info.json`.
    /// - Throws: `DatasetError.unreadable` for a missing or invalid file, and the entry
    ///   errors of `DatasetAttributes(name:entry:)` except for remote-only entries, which
    ///   are kept out (and reported when asked for by name).
    public init(directory: String) throws {
        let path = (directory as NSString).appendingPathComponent("dataset_info.json")
        let value: JSONValue
        do {
            value = try JSONParser.parse(try TextFile.readBytes(path))
        } catch {
            throw DatasetError.unreadable(path: path, reason: "\(error)")
        }
        guard let object = value.objectValue else {
            throw DatasetError.unreadable(path: path, reason: "not a JSON object")
        }
        var entries: [(String, DatasetAttributes)] = []
        var remote: [String: String] = [:]
        for (name, entry) in object.pairs {
            guard let entry = entry.objectValue else {
                throw DatasetError.wrongField(
                    file: "dataset_info.json", record: 0, field: name, reason: "must be an object")
            }
            do {
                entries.append((name, try DatasetAttributes(name: name, entry: entry)))
            } catch DatasetError.unsupported(let feature) {
                remote[name] = feature
            }
        }
        self.directory = directory
        self.entries = entries
        self.remote = remote
    }

    private let remote: [String: String]

    /// The names of the usable entries.
    public var names: [String] { entries.map(\.name) }

    /// The attributes registered under `name`.
    /// - Throws: `DatasetError.unknownName` with the nearest name, or `.unsupported` for a
    ///   hub-only entry.
    public func attributes(named name: String) throws -> DatasetAttributes {
        if let found = entries.first(where: { $0.name == name }) { return found.attributes }
        if let feature = remote[name] { throw DatasetError.unsupported(feature: feature) }
        throw DatasetError.unknownName(
            kind: "dataset", name: name, suggestion: NameSuggestion.closest(to: name, in: names))
    }

    /// The full path of an entry's file.
    public func path(of attributes: DatasetAttributes) -> String {
        attributes.fileName.hasPrefix("/")
            ? attributes.fileName
            : (directory as NSString).appendingPathComponent(attributes.fileName)
    }
}
