import Foundation
import Models

/// The file types a data set may come in, by extension as HF `datasets` guesses them.
public enum DataFileType: String, CaseIterable, Sendable {
    /// A JSON array of records (or, as `datasets` accepts, JSON lines in a .json file).
    case json
    /// One JSON record per line, read line by line.
    case jsonl
    /// A header row, then one record per row; every value is a string.
    case csv
    /// Plain text: each line is a record `{"text": line}`.
    case text

    /// The type of `path` by its extension (`.json`, `.jsonl`, `.csv`, `.txt`).
    /// - Throws: `DatasetError.unknownName` for another extension.
    public init(path: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        switch ext {
        case "json": self = .json
        case "jsonl", "ndjson": self = .jsonl
        case "csv": self = .csv
        case "txt", "text": self = .text
        default:
            throw DatasetError.unknownName(
                kind: "data file type", name: ext,
                suggestion: NameSuggestion.closest(to: ext, in: ["json", "jsonl", "csv", "txt"]))
        }
    }
}

/// Reads records from a file as JSON objects, calling back per record so JSONL and text
/// files stream. A JSONL line that is not valid JSON reaches `body` as a
/// `DatasetError.malformedRecord` naming the file and the record's index, so a lenient
/// reader can skip it; a whole .json file that does not parse throws.
enum RecordReader {
    /// Calls `body(index, record)` for each record until it returns false.
    /// - Throws: `DatasetError` for unreadable files or malformed records; rethrows `body`.
    static func forEach(
        path: String, type: DataFileType,
        _ body: (Int, Result<JSONValue, DatasetError>) throws -> Bool
    ) throws {
        let name = (path as NSString).lastPathComponent
        switch type {
        case .jsonl:
            try forEachLine(path: path, file: name, body)
        case .json:
            let bytes: [UInt8]
            do { bytes = try TextFile.readBytes(path) } catch {
                throw DatasetError.unreadable(path: path, reason: "cannot read the file")
            }
            let first = bytes.first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
            guard first == UInt8(ascii: "[") else {
                // datasets' json loader also reads JSON lines from a .json file.
                try forEachLine(path: path, file: name, body)
                return
            }
            let value: JSONValue
            do { value = try JSONParser.parse(bytes) } catch {
                throw DatasetError.malformedRecord(file: name, record: 0, reason: "\(error)")
            }
            guard let records = value.arrayValue else {
                throw DatasetError.malformedRecord(
                    file: name, record: 0, reason: "a .json data file must hold a list of records")
            }
            for (index, record) in records.enumerated() {
                if try !body(index, .success(record)) { return }
            }
        case .csv:
            let bytes: [UInt8]
            do { bytes = try TextFile.readBytes(path) } catch {
                throw DatasetError.unreadable(path: path, reason: "cannot read the file")
            }
            let rows = try CSVParser.rows(String(decoding: bytes, as: UTF8.self), file: name)
            guard let header = rows.first else { return }
            for (index, row) in rows.dropFirst().enumerated() {
                if row.count != header.count {
                    let error = DatasetError.malformedRecord(
                        file: name, record: index,
                        reason: "\(row.count) fields for \(header.count) columns")
                    if try !body(index, .failure(error)) { return }
                    continue
                }
                let object = JSONObject(zip(header, row.map { JSONValue.string($0) }).map { ($0, $1) })
                if try !body(index, .success(.object(object))) { return }
            }
        case .text:
            let reader = try LineReader(path: path)
            var index = 0
            while let line = reader.nextLine() {
                let object = JSONObject([("text", .string(String(decoding: line, as: UTF8.self)))])
                if try !body(index, .success(.object(object))) { return }
                index += 1
            }
        }
    }

    private static func forEachLine(
        path: String, file: String, _ body: (Int, Result<JSONValue, DatasetError>) throws -> Bool
    ) throws {
        let reader = try LineReader(path: path)
        var index = 0
        while let line = reader.nextLine() {
            if line.allSatisfy({ [0x20, 0x09, 0x0D].contains($0) }) { continue }
            let value: Result<JSONValue, DatasetError>
            do { value = .success(try JSONParser.parse(Array(line))) } catch {
                value = .failure(
                    DatasetError.malformedRecord(file: file, record: index, reason: "not valid JSON: \(error)"))
            }
            if try !body(index, value) { return }
            index += 1
        }
    }
}
