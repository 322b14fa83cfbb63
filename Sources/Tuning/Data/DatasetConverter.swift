import Models

/// Converts raw records to `DataExample`s as LLaMA-Factory's converters do
/// (llamafactory/data/converter.py: alpaca, sharegpt, openai). Where LLaMA-Factory logs
/// and drops a broken conversation, this throws `DatasetError` naming the file, the
/// record and the field; `Dataset` turns that into a skip when `strict` is off.
struct DatasetConverter {
    let attributes: DatasetAttributes
    /// The file name used in errors.
    let file: String

    func convert(_ record: JSONValue, index: Int) throws -> DataExample {
        guard let object = record.objectValue else {
            throw DatasetError.malformedRecord(
                file: file, record: index, reason: "a record must be an object, not \(record.kindName)")
        }
        var example: DataExample
        switch attributes.formatting {
        case .alpaca: example = try alpaca(object, index)
        case .sharegpt, .openai: example = try conversation(object, index)
        }
        example.index = index
        return example
    }

    // MARK: Fields

    private func string(_ object: JSONObject, _ column: String?, _ index: Int) throws -> String? {
        guard let column, let value = object[column], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            throw DatasetError.wrongField(
                file: file, record: index, field: column,
                reason: "must be a string, not \(value.kindName)")
        }
        return text
    }

    private func ktoTag(_ object: JSONObject, _ index: Int) throws -> Bool? {
        guard let column = attributes.ktoTag, let value = object[column], !value.isNull else {
            return nil
        }
        if let flag = value.boolValue { return flag }
        // CSV files carry every value as text.
        if let text = value.stringValue?.lowercased(), text == "true" || text == "false" {
            return text == "true"
        }
        throw DatasetError.wrongField(
            file: file, record: index, field: column, reason: "must be a boolean, not \(value.kindName)")
    }

    private func withKTO(_ response: DataMessage, _ tag: Bool) -> [DataMessage] {
        tag ? [response, DataMessage(.assistant, "")] : [DataMessage(.assistant, ""), response]
    }

    // MARK: Alpaca

    private func alpaca(_ object: JSONObject, _ index: Int) throws -> DataExample {
        var prompt: [DataMessage] = []
        if let column = attributes.history, let value = object[column], !value.isNull {
            guard let turns = value.arrayValue else {
                throw DatasetError.wrongField(
                    file: file, record: index, field: column, reason: "must be a list of pairs")
            }
            for turn in turns {
                guard let pair = turn.arrayValue, pair.count == 2,
                    let old = pair[0].stringValue, let answer = pair[1].stringValue
                else {
                    throw DatasetError.wrongField(
                        file: file, record: index, field: column,
                        reason: "must hold [instruction, response] string pairs")
                }
                prompt += [DataMessage(.user, old), DataMessage(.assistant, answer)]
            }
        }
        let instruction = try string(object, attributes.prompt, index)
        let input = try string(object, attributes.query, index)
        if instruction == nil && input == nil, let column = attributes.prompt ?? attributes.query {
            throw DatasetError.missingField(file: file, record: index, field: column)
        }
        let query = [instruction, input].compactMap { $0 }.filter { !$0.isEmpty }
        prompt.append(DataMessage(.user, query.joined(separator: "\n")))
        var response: [DataMessage] = []
        let tag = try ktoTag(object, index)
        if let tag {
            let column = attributes.response ?? "output"
            guard let text = try string(object, attributes.response, index) else {
                throw DatasetError.missingField(file: file, record: index, field: column)
            }
            response = withKTO(DataMessage(.assistant, text), tag)
        } else if attributes.ranking {
            for column in [attributes.chosen ?? "chosen", attributes.rejected ?? "rejected"] {
                guard let text = try string(object, column, index) else {
                    throw DatasetError.missingField(file: file, record: index, field: column)
                }
                response.append(DataMessage(.assistant, text))
            }
        } else if let text = try string(object, attributes.response, index) {
            response = [DataMessage(.assistant, text)]
        }
        return DataExample(
            prompt: prompt, response: response,
            system: try string(object, attributes.system, index) ?? "",
            tools: try string(object, attributes.tools, index) ?? "", desirable: tag)
    }

    // MARK: ShareGPT and OpenAI

    private func role(of tag: String) -> DataRole? {
        switch tag {
        case attributes.userTag: return .user
        case attributes.assistantTag: return .assistant
        case attributes.observationTag: return .observation
        case attributes.functionTag: return .function
        case attributes.systemTag: return .system
        default: return nil
        }
    }

    private func message(_ value: JSONValue, field: String, _ index: Int) throws -> (String, String) {
        let roleKey = attributes.roleTag ?? "from"
        let contentKey = attributes.contentTag ?? "value"
        guard let object = value.objectValue else {
            throw DatasetError.wrongField(
                file: file, record: index, field: field, reason: "must hold message objects")
        }
        guard let tag = object[roleKey]?.stringValue else {
            throw DatasetError.missingField(file: file, record: index, field: "\(field).\(roleKey)")
        }
        var content = object[contentKey]?.stringValue
        if attributes.formatting == .openai, content == nil, object["tool_calls"] != nil {
            content = ""
        }
        guard let content else {
            throw DatasetError.missingField(
                file: file, record: index, field: "\(field).\(contentKey)")
        }
        return (tag, content)
    }

    private func conversation(_ object: JSONObject, _ index: Int) throws -> DataExample {
        let column = attributes.messages ?? "conversations"
        guard let value = object[column] else {
            throw DatasetError.missingField(file: file, record: index, field: column)
        }
        guard var turns = value.arrayValue else {
            throw DatasetError.wrongField(
                file: file, record: index, field: column, reason: "must be a list of messages")
        }
        var system = try string(object, attributes.system, index) ?? ""
        if let systemTag = attributes.systemTag, let first = turns.first,
            try message(first, field: column, index).0 == systemTag
        {
            system = try message(first, field: column, index).1
            turns.removeFirst()
        }
        var aligned: [DataMessage] = []
        var toolResponses: [String] = []
        for turn in turns {
            var (tag, content) = try message(turn, field: column, index)
            if attributes.formatting == .openai {
                if tag == attributes.assistantTag || tag == attributes.functionTag,
                    let calls = turn.objectValue?["tool_calls"]?.arrayValue, !calls.isEmpty
                {
                    content = "[" + calls.map { JSONWriter.compact($0["function"] ?? .null) }
                        .joined(separator: ", ") + "]"
                    tag = attributes.functionTag ?? "function"
                }
                if tag == attributes.observationTag {
                    toolResponses.append(content)
                    continue
                }
                if !toolResponses.isEmpty {
                    aligned.append(
                        DataMessage(
                            .observation,
                            toolResponses.joined(separator: "\n</tool_response>\n<tool_response>\n")))
                    toolResponses = []
                }
            }
            guard let role = role(of: tag) else {
                throw DatasetError.wrongField(
                    file: file, record: index, field: column, reason: "has an unknown role '\(tag)'")
            }
            aligned.append(DataMessage(role, content))
        }
        for (turn, message) in aligned.enumerated() {
            let expected: [DataRole] = turn % 2 == 0 ? [.user, .observation] : [.assistant, .function]
            if !expected.contains(message.role) {
                throw DatasetError.wrongField(
                    file: file, record: index, field: column,
                    reason: "turn \(turn) is '\(message.role.rawValue)', expected \(turn % 2 == 0 ? "a user" : "an assistant") turn")
            }
        }
        let odd = aligned.count % 2 != 0
        if attributes.ranking != odd {
            throw DatasetError.wrongField(
                file: file, record: index, field: column,
                reason: attributes.ranking
                    ? "must end with a user turn before chosen/rejected"
                    : "must end with an assistant turn")
        }
        let tag = try ktoTag(object, index)
        var prompt = Array(aligned.dropLast())
        var response = Array(aligned.suffix(1))
        if let tag, let last = response.first {
            response = withKTO(last, tag)
        } else if attributes.ranking {
            prompt = aligned
            response = []
            for key in [attributes.chosen ?? "chosen", attributes.rejected ?? "rejected"] {
                guard let value = object[key] else {
                    throw DatasetError.missingField(file: file, record: index, field: key)
                }
                let (chosenTag, content) = try message(value, field: key, index)
                guard let role = role(of: chosenTag), role == .assistant || role == .function else {
                    throw DatasetError.wrongField(
                        file: file, record: index, field: key, reason: "must be an assistant turn")
                }
                response.append(DataMessage(role, content))
            }
        }
        return DataExample(
            prompt: prompt, response: response, system: system,
            tools: try string(object, attributes.tools, index) ?? "", desirable: tag)
    }
}
