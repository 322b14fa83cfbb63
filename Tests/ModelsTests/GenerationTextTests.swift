import Testing

@testable import Models

@Suite("Text generation")
struct GenerationTextTests {
    @Test func streamHoldsBackPossibleStopStrings() {
        var stream = TextStream(stopStrings: ["STOP"])
        #expect(stream.advance(to: "Hello S") == "Hello ")
        #expect(stream.advance(to: "Hello ST") == "")
        #expect(stream.advance(to: "Hello STA") == "STA")
        #expect(stream.advance(to: "Hello STA and STOP here") == " and ")
    }

    @Test func streamHoldsBackIncompleteCharacters() {
        var stream = TextStream(stopStrings: [])
        #expect(stream.advance(to: "ab\u{FFFD}") == "ab")
        #expect(stream.advance(to: "abé") == "é")
    }

    @Test func cutStopsAtTheEarliestStopString() {
        #expect(TextStream.cut("one two three", at: ["three", "two"]) == "one ")
        #expect(TextStream.cut("nothing", at: ["x"]) == "nothing")
    }

    @Test func streamedPiecesMakeTheAnswer() throws {
        let model = try CausalLM.load("tiny")
        var pieces: [String] = []
        let options = GenerationOptions(maxTokens: 12, temperature: 0.9, topP: 0.95, seed: 5)
        let text = try model.generate("Hello", options: options) { piece in
            pieces.append(piece)
            return true
        }
        #expect(pieces.joined() == text)
        #expect(try model.generate("Hello", options: options) == text)
        #expect(model.defaultStopTokens.contains(try #require(model.tokenizer?.tokenID("<|im_end|>"))))
    }

    @Test func callbackCanStopGeneration() throws {
        let model = try CausalLM.load("tiny")
        let tokens = try Generator(model: model).generate(
            prompts: [[5, 6, 7]], options: GenerationOptions(maxTokens: 10), onToken: { _, _ in false })
        #expect(tokens[0].count == 1)
    }

    @Test func stopTokenEndsOnlyItsRow() throws {
        let model = try CausalLM.load("tiny")
        let generator = Generator(model: model)
        let free = try generator.generate(
            prompts: [[5, 6, 7], [9]], options: GenerationOptions(maxTokens: 5))
        let stop = free[0][1]
        let stopped = try generator.generate(
            prompts: [[5, 6, 7], [9]], options: GenerationOptions(maxTokens: 5, stopTokens: [stop]))
        let first = try #require(free[0].firstIndex(of: stop))
        #expect(stopped[0] == Array(free[0].prefix(through: first)))
        if let other = free[1].firstIndex(of: stop) {
            #expect(stopped[1] == Array(free[1].prefix(through: other)))
        } else {
            #expect(stopped[1] == free[1])
        }
    }
}
