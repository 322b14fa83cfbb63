import Foundation
import Tensors
import Testing

/// Reads Tests/Fixtures/losses/losses.json written by Scripts/fixtures/losses.py.
enum LossFixtures {
    static var file: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/losses/losses.json")
    }

    struct File: Decodable {
        let logps: [LogpsCase]
        let preference: [PreferenceCase]
        let kto: [KTOCase]
        let reward: RewardCase
    }

    struct LogpsCase: Decodable {
        let shape: [Int]
        let logits: [Float]
        let labels: [Int]
        let sums: [Double]
        let averages: [Double]
        let lengths: [Int]
        let weights: [Float]
        let weights_avg: [Float]
        let grad_logits: [Double]
    }

    struct PreferenceCase: Decodable {
        let name: String
        let kind: String?
        let beta: Double
        let gamma: Double?
        let label_smoothing: Double?
        let ftx: Double?
        let inputs: [String: [Float]]
        let losses: [Double]
        let loss: Double
        let chosen_rewards: [Double]
        let rejected_rewards: [Double]
        let accuracy: Double
        let grads: [String: [Double]]
    }

    struct KTOCase: Decodable {
        let name: String
        let beta: Double
        let desirable_weight: Double
        let undesirable_weight: Double
        let ftx: Double
        let inputs: [String: [Float]]
        let policy_kl: [Float]
        let ref_chosen: [Float]
        let ref_rejected: [Float]
        let ref_kl: [Float]
        let losses: [Double]
        let loss: Double
        let kl: Double
        let chosen_rewards: [Double]
        let rejected_rewards: [Double]
        let grads: [String: [Double]]
    }

    struct RewardCase: Decodable {
        let chosen: [Float]
        let rejected: [Float]
        let loss: Double
        let accuracy: Double
        let grad_chosen: [Double]
        let grad_rejected: [Double]
    }

    static func load() throws -> File {
        try JSONDecoder().decode(File.self, from: Data(contentsOf: file))
    }

    /// A [n] float tensor (a leaf requiring grad when asked).
    static func vector(_ values: [Float], grad: Bool = false) throws -> Tensor {
        let tensor = try Tensor(shape: [values.count], scalars: values)
        tensor.requiresGrad = grad
        return tensor
    }

    /// Expects `actual` within 1e-5 of `expected`, relative above magnitude 1.
    static func expectClose(
        _ actual: [Float], _ expected: [Double], _ what: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.count == expected.count, "\(what): count", sourceLocation: sourceLocation)
        for (index, (a, e)) in zip(actual, expected).enumerated() {
            let tolerance = 1e-5 * max(1, abs(e))
            #expect(
                abs(Double(a) - e) <= tolerance, "\(what)[\(index)]: \(a) vs \(e)",
                sourceLocation: sourceLocation)
        }
    }
}
