import Testing

@testable import REPL

@Suite struct CompletionContextTests {
    @Test(arguments: [
        ("ze", CompletionContext.global(prefix: "ze")),
        ("", .global(prefix: "")),
        ("let a = b + pri", .global(prefix: "pri")),
        ("t.sh", .member(receiver: ["t"], prefix: "sh")),
        ("model.tokenizer.en", .member(receiver: ["model", "tokenizer"], prefix: "en")),
        ("f(x).su", .member(receiver: nil, prefix: "su")),
        ("1.5", .none),
        ("f(2, ra", .argument(callee: ["f"], prefix: "ra")),
        ("model.lora(", .argument(callee: ["model", "lora"], prefix: "")),
        ("g(h(1), ", .argument(callee: ["g"], prefix: "")),
        ("f(a + b", .global(prefix: "b")),
        ("[1, x", .global(prefix: "x")),
        ("load(\"data/tr", .path(prefix: "data/tr")),
        ("load('~/", .path(prefix: "~/")),
        ("print(\"a\\\"b", .path(prefix: "a\\\"b")),
        ("x = \"done\" + y", .global(prefix: "y")),
        ("x # a comm", .none),
        (":he", .command(prefix: "he")),
        (":load  Scripts/", .commandArgument(command: "load", text: "Scripts/")),
    ])
    func analyses(_ text: String, _ expected: CompletionContext) {
        #expect(CompletionContext(textBeforeCursor: text) == expected)
    }
}
