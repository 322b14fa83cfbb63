/// A problem with a model folder's JSON files (config.json, generation_config.json,
/// tokenizer.json, tokenizer_config.json). Each case names the file and the field.
public enum ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(file: String, detail: String)
    /// The file is not valid JSON.
    case invalidJSON(file: String, detail: String)
    /// A required field is absent.
    case missingField(file: String, field: String)
    /// A field has the wrong JSON kind.
    case wrongType(file: String, field: String, expected: String, got: String)
    /// A field has a value outside what is allowed.
    case invalidValue(file: String, field: String, detail: String)
    /// `model_type` is not one lfs implements.
    case unsupportedModelType(file: String, modelType: String, supported: [String])

    public var description: String {
        switch self {
        case .io(let file, let detail): return "\(file): \(detail)"
        case .invalidJSON(let file, let detail): return "\(file): not valid JSON: \(detail)"
        case .missingField(let file, let field): return "\(file): missing field '\(field)'"
        case .wrongType(let file, let field, let expected, let got):
            return "\(file): field '\(field)' should be \(expected), got \(got)"
        case .invalidValue(let file, let field, let detail): return "\(file): field '\(field)': \(detail)"
        case .unsupportedModelType(let file, let modelType, let supported):
            return "\(file): unsupported model_type '\(modelType)'; supported: \(supported.joined(separator: ", "))"
        }
    }
}

/// Typed, throwing access to the fields of a JSON object read from `file`.
struct ConfigFields {
    let object: JSONObject
    let file: String
    /// Prefix for nested objects in error messages (`rope_scaling.factor`).
    var path: String = ""

    /// Reads and parses a JSON object file.
    static func load(_ path: String) throws -> ConfigFields {
        let bytes: [UInt8]
        do {
            bytes = try TextFile.readBytes(path)
        } catch let error as FileIOError {
            throw ConfigError.io(file: path, detail: error.detail)
        }
        return try parse(bytes, file: path)
    }

    /// Parses a JSON object.
    static func parse(_ bytes: [UInt8], file: String) throws -> ConfigFields {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch let error as JSONParser.DuplicateKey {
            throw ConfigError.invalidJSON(file: file, detail: "duplicate key '\(error.key)'")
        } catch {
            throw ConfigError.invalidJSON(file: file, detail: "\(error)")
        }
        guard let object = json.objectValue else {
            throw ConfigError.wrongType(file: file, field: "<root>", expected: "an object", got: json.kindName)
        }
        return ConfigFields(object: object, file: file)
    }

    /// transformers' JSON layout: sorted keys, two-space indent, trailing newline.
    static func text(of json: JSONValue) -> String {
        JSONWriter.pretty(json, sortKeys: true) + "\n"
    }

    /// Writes `json` in that layout at `path`, atomically.
    static func write(_ json: JSONValue, to path: String) throws {
        do {
            try TextFile.write(text(of: json), to: path)
        } catch let error as FileIOError {
            throw ConfigError.io(file: path, detail: error.detail)
        }
    }

    func name(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// The value, or nil when absent or JSON null.
    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    func wrong(_ key: String, _ expected: String, _ value: JSONValue) -> ConfigError {
        .wrongType(file: file, field: name(key), expected: expected, got: value.kindName)
    }

    func int(_ key: String) throws -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.intValue else { throw wrong(key, "an integer", value) }
        return int
    }

    func double(_ key: String) throws -> Double? {
        guard let value = value(key) else { return nil }
        guard let double = value.doubleValue else { throw wrong(key, "a number", value) }
        return double
    }

    func bool(_ key: String) throws -> Bool? {
        guard let value = value(key) else { return nil }
        guard let bool = value.boolValue else { throw wrong(key, "a boolean", value) }
        return bool
    }

    func string(_ key: String) throws -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.stringValue else { throw wrong(key, "a string", value) }
        return string
    }

    func object(_ key: String) throws -> ConfigFields? {
        guard let value = value(key) else { return nil }
        guard let object = value.objectValue else { throw wrong(key, "an object", value) }
        return ConfigFields(object: object, file: file, path: name(key))
    }

    func require<T>(_ key: String, _ read: (String) throws -> T?) throws -> T {
        guard let value = try read(key) else { throw ConfigError.missingField(file: file, field: name(key)) }
        return value
    }

    /// An integer or a list of integers (`eos_token_id`).
    func tokenIDs(_ key: String) throws -> TokenIDs? {
        guard let value = value(key) else { return nil }
        if let int = value.intValue { return .single(int) }
        if let array = value.arrayValue {
            let ids = array.compactMap(\.intValue)
            if ids.count == array.count { return .list(ids) }
        }
        throw wrong(key, "an integer or a list of integers", value)
    }

    func positive(_ key: String, _ value: Int) throws -> Int {
        guard value > 0 else {
            throw ConfigError.invalidValue(file: file, field: name(key), detail: "must be positive, got \(value)")
        }
        return value
    }
}

/// A token id field that may be one id or a list (`eos_token_id: 2` or `[128001, 128009]`).
public enum TokenIDs: Equatable, Sendable {
    /// One id.
    case single(Int)
    /// Several ids, in order.
    case list([Int])

    /// The ids as a list.
    public var ids: [Int] {
        switch self {
        case .single(let id): return [id]
        case .list(let ids): return ids
        }
    }

    /// As JSON, keeping the original form.
    public var json: JSONValue {
        switch self {
        case .single(let id): return .int(Int64(id))
        case .list(let ids): return .array(ids.map { .int(Int64($0)) })
        }
    }
}
