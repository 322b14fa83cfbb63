/// Who speaks a turn of a data-set conversation (LLaMA-Factory's `Role`).
public enum DataRole: String, Equatable, Sendable {
    case user, assistant, system, function, observation
}

/// One turn of a data-set conversation.
public struct DataMessage: Equatable, Sendable {
    /// The speaker.
    public var role: DataRole
    /// The text.
    public var content: String

    /// A turn.
    public init(_ role: DataRole, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A record in LLaMA-Factory's standard form (the converter's `_prompt`, `_response`,
/// `_system`, `_tools`): the prompt turns ending with a user turn, and the responses —
/// one for SFT, two (chosen, rejected) for preference data, two with an empty one for
/// KTO (desirable: `[response, ""]`; undesirable: `["", response]`), none for text.
public struct DataExample: Equatable, Sendable {
    /// The turns up to and including the last user turn.
    public var prompt: [DataMessage]
    /// The response(s).
    public var response: [DataMessage]
    /// The system prompt ("" for none).
    public var system: String
    /// The tools description ("" for none).
    public var tools: String
    /// The KTO tag when the record has one.
    public var desirable: Bool?
    /// The record's index in its file.
    public var index: Int

    /// An example.
    public init(
        prompt: [DataMessage], response: [DataMessage], system: String = "", tools: String = "",
        desirable: Bool? = nil, index: Int = 0
    ) {
        self.prompt = prompt
        self.response = response
        self.system = system
        self.tools = tools
        self.desirable = desirable
        self.index = index
    }

    /// The pre-training text: the first prompt turn's content.
    public var text: String { prompt.first?.content ?? "" }
}
