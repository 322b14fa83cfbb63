import Testing

@testable import Models

@Suite("Generation sampler")
struct GenerationSamplerTests {
    @Test func greedyTakesTheFirstMaximum() {
        var sampler = Sampler(options: GenerationOptions())
        var logits: [Float] = [0.5, 2, -1, 2]
        #expect(sampler.next(logits: &logits, history: []) == 1)
    }

    @Test func repetitionPenaltyDividesPositiveAndMultipliesNegative() {
        var logits: [Float] = [2, -2, 1, 4]
        Sampler.penalise(&logits, history: [0, 1, 1], penalty: 2)
        #expect(logits == [1, -4, 1, 4])
        var sampler = Sampler(options: GenerationOptions(repetitionPenalty: 3))
        var row: [Float] = [3, 2.5, 0]
        // 3 / 3 = 1 < 2.5: the penalty changes the greedy choice.
        #expect(sampler.next(logits: &row, history: [0]) == 1)
    }

    @Test func topKKeepsTiesAtTheThreshold() {
        var logits: [Float] = [1, 3, 2, 2, 0]
        Sampler.keepTopK(&logits, k: 2)
        #expect(logits == [-.infinity, 3, 2, 2, -.infinity])
    }

    @Test func topPKeepsTheSmallestNucleus() {
        // probabilities ~ [0.665, 0.245, 0.090]
        var logits: [Float] = [2, 1, 0]
        Sampler.keepTopP(&logits, p: 0.8)
        #expect(logits == [2, 1, -.infinity])
        var single: [Float] = [2, 1, 0]
        Sampler.keepTopP(&single, p: 0.5)
        #expect(single == [2, -.infinity, -.infinity])
    }

    @Test func sameSeedSameDraws() {
        let options = GenerationOptions(temperature: 1, seed: 42)
        var first = Sampler(options: options)
        var second = Sampler(options: options)
        let logits: [Float] = (0..<50).map { Float($0 % 7) * 0.3 }
        let a = (0..<40).map { _ in
            var row = logits
            return first.next(logits: &row, history: [])
        }
        let b = (0..<40).map { _ in
            var row = logits
            return second.next(logits: &row, history: [])
        }
        #expect(a == b)
        #expect(Set(a).count > 3)  // it really samples
    }

    @Test func drawsFollowTheDistribution() {
        var sampler = Sampler(options: GenerationOptions(temperature: 1, seed: 7))
        var counts = [0, 0]
        let logits: [Float] = [0, 1.0986123]  // ln 3: p = [0.25, 0.75]
        for _ in 0..<4000 {
            var row = logits
            counts[sampler.next(logits: &row, history: [])] += 1
        }
        #expect(abs(Double(counts[1]) / 4000 - 0.75) < 0.03)
    }

    @Test func temperatureSharpens() {
        var cold = Sampler(options: GenerationOptions(temperature: 0.05, seed: 3))
        let logits: [Float] = [1, 1.5, 0]
        for _ in 0..<50 {
            var row = logits
            #expect(cold.next(logits: &row, history: []) == 1)
        }
    }

    @Test func optionsAreValidated() {
        #expect(throws: GenerationError.self) { try GenerationOptions(topP: 0).validate() }
        #expect(throws: GenerationError.self) { try GenerationOptions(temperature: -1).validate() }
        #expect(throws: GenerationError.self) { try GenerationOptions(maxTokens: -1).validate() }
        #expect(throws: Never.self) { try GenerationOptions(topK: 5, topP: 0.9).validate() }
    }
}
