import Foundation

/// Field access for tokenizer.json pieces that throws `TokenizerError.malformed` naming
/// the file and the field path.
struct TokenizerJSONReader {
    let file: String

    func string(_ json: JSONValue, _ key: String, field: String) throws -> String {
        guard let value = json[key]?.stringValue else {
            throw TokenizerError.malformed(file: file, field: "\(field).\(key)", detail: "expected a string")
        }
        return value
    }

    func array(_ json: JSONValue, _ key: String, field: String) throws -> [JSONValue] {
        guard let value = json[key]?.arrayValue else {
            throw TokenizerError.malformed(file: file, field: "\(field).\(key)", detail: "expected an array")
        }
        return value
    }

    func int(_ json: JSONValue, _ key: String, field: String) throws -> Int {
        guard let value = json[key]?.intValue else {
            throw TokenizerError.malformed(file: file, field: "\(field).\(key)", detail: "expected an integer")
        }
        return value
    }

    /// A `pattern` given as `{"String": "..."}`; a `Regex` pattern is unsupported here.
    func stringPattern(_ json: JSONValue, field: String) throws -> String {
        if let literal = json["pattern"]?["String"]?.stringValue { return literal }
        if json["pattern"]?["Regex"] != nil {
            throw TokenizerError.unsupported(file: file, field: field + ".pattern", detail: "regex pattern here")
        }
        throw TokenizerError.malformed(file: file, field: field + ".pattern", detail: "expected {\"String\": ...}")
    }

    func compile(_ pattern: String, field: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw TokenizerError.malformed(file: file, field: field, detail: "invalid regex \(pattern)")
        }
    }
}
