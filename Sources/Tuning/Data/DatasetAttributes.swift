import Models

/// How a data set's records are laid out, as LLaMA-Factory's `formatting`.
public enum DatasetFormatting: String, CaseIterable, Sendable {
    /// instruction / input / output (+ system, history).
    case alpaca
    /// A list of `{from, value}` turns under `conversations`.
    case sharegpt
    /// A list of `{role, content}` messages under `messages` (tool calls folded in).
    case openai

    /// Parses a name.
    /// - Throws: `DatasetError.unknownName` with the nearest name.
    public init(parsing name: String) throws {
        guard let value = DatasetFormatting(rawValue: name.lowercased()) else {
            throw DatasetError.unknownName(
                kind: "format", name: name,
                suggestion: NameSuggestion.closest(to: name, in: Self.allCases.map(\.rawValue)))
        }
        self = value
    }
}

/// One data set's description: LLaMA-Factory's `DatasetAttr` (llamafactory/data/parser.py),
/// with its defaults and its `join` semantics for a `dataset_info.json` entry: when an
/// entry has `columns` (or `tags`), the names it lists replace the defaults and the ones
/// it leaves out become unset.
public struct DatasetAttributes: Equatable, Sendable {
    /// The registry name (or the file name for a direct path).
    public var name: String
    /// The file, relative to the registry's folder (or absolute).
    public var fileName: String
    /// The record layout.
    public var formatting: DatasetFormatting = .alpaca
    /// Preference data (chosen / rejected).
    public var ranking = false
    /// Keep only this many records (`num_samples`).
    public var numSamples: Int?
    /// Columns.
    public var system: String?
    /// The tools column (kept as text; tool formatting is not supported yet).
    public var tools: String?
    /// Preference columns.
    public var chosen: String?
    /// Preference columns.
    public var rejected: String?
    /// The KTO desirability column (a boolean).
    public var ktoTag: String?
    /// Alpaca columns.
    public var prompt: String? = "instruction"
    /// Alpaca columns.
    public var query: String? = "input"
    /// Alpaca columns.
    public var response: String? = "output"
    /// Alpaca columns: a list of [instruction, output] pairs before this one.
    public var history: String?
    /// ShareGPT / OpenAI: the list of messages.
    public var messages: String? = "conversations"
    /// ShareGPT tags.
    public var roleTag: String? = "from"
    /// ShareGPT tags.
    public var contentTag: String? = "value"
    /// ShareGPT tags.
    public var userTag: String? = "human"
    /// ShareGPT tags.
    public var assistantTag: String? = "gpt"
    /// ShareGPT tags.
    public var observationTag: String? = "observation"
    /// ShareGPT tags.
    public var functionTag: String? = "function_call"
    /// ShareGPT tags.
    public var systemTag: String? = "system"

    /// Attributes with LLaMA-Factory's defaults. For `openai` given directly (not through a
    /// registry entry) the column and tags default to OpenAI's own: `messages`, `role`,
    /// `content`, `user`, `assistant`, `tool`, `system`.
    /// - Parameters:
    ///   - name: a name for messages.
    ///   - fileName: the file.
    ///   - formatting: the layout.
    ///   - ranking: preference data.
    public init(
        name: String, fileName: String, formatting: DatasetFormatting = .alpaca,
        ranking: Bool = false
    ) {
        self.name = name
        self.fileName = fileName
        self.formatting = formatting
        self.ranking = ranking
        if ranking {
            chosen = "chosen"
            rejected = "rejected"
        }
        if formatting == .openai {
            messages = "messages"
            roleTag = "role"
            contentTag = "content"
            userTag = "user"
            assistantTag = "assistant"
            observationTag = "tool"
            functionTag = "function"
            systemTag = "system"
        }
    }

    /// Reads a `dataset_info.json` entry.
    /// - Parameters:
    ///   - name: the entry's key.
    ///   - entry: its object.
    /// - Throws: `DatasetError.unsupported` for hub or script entries (no downloads),
    ///   `.wrongField` for values of the wrong type.
    public init(name: String, entry: JSONObject) throws {
        func text(_ object: JSONObject, _ key: String) throws -> String? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let string = value.stringValue else {
                throw DatasetError.wrongField(
                    file: "dataset_info.json", record: 0, field: "\(name).\(key)",
                    reason: "must be a string, not \(value.kindName)")
            }
            return string
        }
        for remote in ["hf_hub_url", "ms_hub_url", "om_hub_url", "script_url", "cloud_file_name"]
        where entry.contains(remote) && !entry.contains("file_name") {
            throw DatasetError.unsupported(
                feature: "dataset '\(name)' uses \(remote); lfs reads local files only")
        }
        guard let file = try text(entry, "file_name") else {
            throw DatasetError.missingField(file: "dataset_info.json", record: 0, field: "\(name).file_name")
        }
        self.init(name: name, fileName: file)
        formatting = try DatasetFormatting(parsing: try text(entry, "formatting") ?? "alpaca")
        ranking = entry["ranking"]?.boolValue ?? false
        numSamples = entry["num_samples"]?.intValue
        if let columns = entry["columns"]?.objectValue {
            prompt = try text(columns, "prompt")
            query = try text(columns, "query")
            response = try text(columns, "response")
            history = try text(columns, "history")
            messages = try text(columns, "messages")
            system = try text(columns, "system")
            tools = try text(columns, "tools")
            chosen = try text(columns, "chosen")
            rejected = try text(columns, "rejected")
            ktoTag = try text(columns, "kto_tag")
        }
        if let tags = entry["tags"]?.objectValue {
            roleTag = try text(tags, "role_tag")
            contentTag = try text(tags, "content_tag")
            userTag = try text(tags, "user_tag")
            assistantTag = try text(tags, "assistant_tag")
            observationTag = try text(tags, "observation_tag")
            functionTag = try text(tags, "function_tag")
            systemTag = try text(tags, "system_tag")
        }
    }
}
