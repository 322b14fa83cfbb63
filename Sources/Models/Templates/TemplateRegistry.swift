#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The chat templates by name: the built-in ones (LLaMA-Factory's `default`, `empty`,
/// `fewshot`, `alpaca`, `chatml`, `llama2`, `llama3`, `qwen`, `qwen3`, `qwen3_nothink`, `mistral`,
/// `gemma`) and any a program or an lfs script registers.
public enum TemplateRegistry {
    private static let store = TemplateStore()

    /// Adds or replaces a template under its name.
    public static func register(_ template: ChatTemplate) {
        store.set(template)
    }

    /// All names, sorted.
    public static var names: [String] { store.names }

    /// The template called `name`; `"auto"` is not resolved here (see `resolve`).
    /// - Throws: `TemplateError.unknownTemplate` listing the names.
    public static func template(named name: String) throws -> ChatTemplate {
        guard let template = store.get(name) else {
            throw TemplateError.unknownTemplate(name: name, available: names)
        }
        return template
    }

    /// The template for a `template:` argument: a name, or `"auto"` to recognise the
    /// tokenizer's chat_template.
    /// - Throws: `TemplateError.unknownTemplate` or `.unrecognised`, listing the names.
    public static func resolve(_ name: String, tokenizer: Tokenizer) throws -> ChatTemplate {
        guard name == "auto" else { return try template(named: name) }
        guard let detected = detect(chatTemplate: tokenizer.config.chatTemplate) else {
            throw TemplateError.unrecognised(available: names)
        }
        return try template(named: detected)
    }

    /// The built-in template a Jinja chat_template looks like, by distinctive markers.
    public static func detect(chatTemplate: String?) -> String? {
        guard let text = chatTemplate else { return nil }
        if text.contains("<|start_header_id|>") { return "llama3" }
        if text.contains("<|im_start|>") {
            if text.contains("<think>") || text.contains("enable_thinking") { return "qwen3" }
            if text.contains("Qwen") { return "qwen" }
            return "chatml"
        }
        if text.contains("<start_of_turn>") { return "gemma" }
        if text.contains("[INST]") { return text.contains("<<SYS>>") ? "llama2" : "mistral" }
        if text.contains("### Instruction") { return "alpaca" }
        return nil
    }

    /// The templates lfs ships, as in LLaMA-Factory's template.py.
    static let builtIn: [ChatTemplate] = {
        let chatmlUser: [TemplateSlot] = [.text("<|im_start|>user\n{{content}}<|im_end|>\n<|im_start|>assistant\n")]
        let chatmlAssistant: [TemplateSlot] = [.text("{{content}}<|im_end|>\n")]
        let chatmlSystem: [TemplateSlot] = [.text("<|im_start|>system\n{{content}}<|im_end|>\n")]
        let gemmaUser: [TemplateSlot] = [.text("<start_of_turn>user\n{{content}}<end_of_turn>\n<start_of_turn>model\n")]
        let llama3User: [TemplateSlot] = [.text(
            "<|start_header_id|>user<|end_header_id|>\n\n{{content}}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
        return [
            ChatTemplate(
                name: "default", user: [.text("Human: {{content}}"), .eos, .text("\nAssistant:")],
                assistant: [.text("{{content}}"), .eos, .text("\n")], system: [.text("System: {{content}}"), .eos, .text("\n")]),
            ChatTemplate(name: "empty", assistant: [.text("{{content}}")]),
            ChatTemplate(name: "fewshot", assistant: [.text("{{content}}\n\n")], efficientEOS: true),
            ChatTemplate(
                name: "alpaca", user: [.text("### Instruction:\n{{content}}\n\n### Response:\n")],
                assistant: [.text("{{content}}"), .eos, .text("\n\n")],
                defaultSystem: "Below is an instruction that describes a task. "
                    + "Write a response that appropriately completes the request.\n\n"),
            ChatTemplate(
                name: "chatml", user: chatmlUser, assistant: chatmlAssistant, system: chatmlSystem,
                stopWords: ["<|im_end|>", "<|im_start|>"], replaceEOS: true),
            ChatTemplate(
                name: "llama2", user: [.bos, .text("[INST] {{content}} [/INST]")],
                system: [.text("<<SYS>>\n{{content}}\n<</SYS>>\n\n")], systemInFirstUser: true),
            ChatTemplate(
                name: "llama3", user: llama3User, assistant: [.text("{{content}}<|eot_id|>")],
                system: [.text("<|start_header_id|>system<|end_header_id|>\n\n{{content}}<|eot_id|>")], prefix: [.bos],
                stopWords: ["<|eot_id|>", "<|eom_id|>"], replaceEOS: true),
            ChatTemplate(
                name: "qwen", user: chatmlUser, assistant: chatmlAssistant, system: chatmlSystem,
                defaultSystem: "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.",
                stopWords: ["<|im_end|>"], replaceEOS: true),
            ChatTemplate(
                name: "qwen3", user: chatmlUser, assistant: chatmlAssistant, system: chatmlSystem,
                stopWords: ["<|im_end|>"], replaceEOS: true, reasoning: true),
            ChatTemplate(
                name: "qwen3_nothink", user: chatmlUser, assistant: chatmlAssistant, system: chatmlSystem,
                stopWords: ["<|im_end|>"], replaceEOS: true),
            ChatTemplate(
                name: "mistral", user: [.text("[INST] {{content}}[/INST]")], assistant: [.text(" {{content}}"), .eos],
                system: [.text("{{content}}\n\n")], prefix: [.bos], systemInFirstUser: true),
            ChatTemplate(
                name: "gemma", user: gemmaUser, assistant: [.text("{{content}}<end_of_turn>\n")],
                system: [.text("{{content}}\n\n")], prefix: [.bos], stopWords: ["<end_of_turn>"], replaceEOS: true,
                systemInFirstUser: true),
        ]
    }()
}

/// The registry's storage behind a mutex (templates may be registered from any thread).
private final class TemplateStore: @unchecked Sendable {
    private var templates: [String: ChatTemplate]
    private let lock = NSLockLike()

    init() {
        templates = Dictionary(TemplateRegistry.builtIn.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    }

    func set(_ template: ChatTemplate) { lock.withLock { templates[template.name] = template } }
    func get(_ name: String) -> ChatTemplate? { lock.withLock { templates[name] } }
    var names: [String] { lock.withLock { templates.keys.sorted() } }
}
