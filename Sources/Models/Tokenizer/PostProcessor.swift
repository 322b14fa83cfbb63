/// What the post-processor adds around a single sequence's ids: tokenizer.json's
/// `post_processor` (TemplateProcessing, Roberta/Bert processing, ByteLevel, Sequence),
/// reduced to the special ids before and after `$A`.
struct PostProcessor: Equatable, Sendable {
    /// Ids before the sequence.
    var prefix: [Int] = []
    /// Ids after the sequence.
    var suffix: [Int] = []

    /// Parses a `post_processor` object (nil or null: nothing added).
    static func parse(_ json: JSONValue?, _ reader: TokenizerJSONReader, field: String) throws -> PostProcessor {
        guard let json, !json.isNull else { return PostProcessor() }
        let type = try reader.string(json, "type", field: field)
        switch type {
        case "ByteLevel":
            return PostProcessor()
        case "Sequence":
            var combined = PostProcessor()
            for (i, item) in try reader.array(json, "processors", field: field).enumerated() {
                let step = try parse(item, reader, field: "\(field).processors[\(i)]")
                combined.prefix = step.prefix + combined.prefix
                combined.suffix += step.suffix
            }
            return combined
        case "TemplateProcessing":
            let specials = json["special_tokens"]?.objectValue ?? JSONObject()
            var result = PostProcessor()
            var seenSequence = false
            for (i, item) in try reader.array(json, "single", field: field).enumerated() {
                let itemField = "\(field).single[\(i)]"
                if item["Sequence"] != nil {
                    seenSequence = true
                } else if let name = item["SpecialToken"]?["id"]?.stringValue {
                    guard let ids = specials[name]?["ids"]?.arrayValue?.compactMap(\.intValue) else {
                        throw TokenizerError.malformed(
                            file: reader.file, field: field + ".special_tokens", detail: "no ids for '\(name)'")
                    }
                    if seenSequence { result.suffix += ids } else { result.prefix += ids }
                } else {
                    throw TokenizerError.malformed(file: reader.file, field: itemField, detail: "expected Sequence or SpecialToken")
                }
            }
            return result
        case "RobertaProcessing", "BertProcessing":
            guard let cls = json["cls"]?.arrayValue?.last?.intValue, let sep = json["sep"]?.arrayValue?.last?.intValue else {
                throw TokenizerError.malformed(file: reader.file, field: field, detail: "expected cls and sep [token, id]")
            }
            return PostProcessor(prefix: [cls], suffix: [sep])
        default:
            throw TokenizerError.unsupported(file: reader.file, field: field + ".type", detail: "post-processor \(type)")
        }
    }
}
