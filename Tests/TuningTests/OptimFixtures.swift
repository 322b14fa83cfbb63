import Foundation
import Testing

/// Reads Tests/Fixtures/tuning/*.json written by Scripts/fixtures/tuning.py.
enum OptimFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tuning")
    }

    static func load<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONDecoder().decode(T.self, from: data)
    }

    struct File<Case: Decodable>: Decodable {
        let cases: [Case]
    }

    struct GroupSpec: Decodable {
        let indices: [Int]
        let lr: Double
        let weight_decay: Double
    }

    struct OptimizerOptions: Decodable {
        let betas: [Double]?
        let eps: Double?
        let momentum: Double?
        let dampening: Double?
        let nesterov: Bool?
        let beta1: Double?
        let relative_step: Bool?
        let scale_parameter: Bool?
        let warmup_init: Bool?
        let clip_threshold: Double?
        let decay_rate: Double?
    }

    struct OptimizerCase: Decodable {
        let name: String
        let kind: String
        let shapes: [[Int]]
        let groups: [GroupSpec]
        let options: OptimizerOptions
        let initial: [[Float]]
        let gradients: [[[Float]]]
        let trajectory: [[[Float]]]
    }

    struct SchedulerCase: Decodable {
        let name: String
        let warmup: Int
        let warmup_ratio: Double?
        let total: Int
        let base_lr: Double
        let kwargs: [String: Double]
        let lrs: [Double]?
        let metrics: [Double]?
        let lrs_after: [Double]?
    }

    struct ClippingCase: Decodable {
        let max_norm: Double
        let norm_type: NormType
        let shapes: [[Int]]
        let gradients: [[Float]]
        let total_norm: Double
        let clipped: [[Float]]
    }

    /// The norm type: a number or the string "inf".
    struct NormType: Decodable {
        let value: Double
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self), text == "inf" {
                value = .infinity
            } else {
                value = try container.decode(Double.self)
            }
        }
    }

    /// Checks two float lists element by element within an absolute tolerance.
    static func expectClose(
        _ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5, _ context: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(actual.count == expected.count, "\(context): sizes", sourceLocation: sourceLocation)
        var worst: Float = 0
        for (a, e) in zip(actual, expected) { worst = max(worst, abs(a - e)) }
        #expect(worst <= tolerance, "\(context): max error \(worst)", sourceLocation: sourceLocation)
    }
}
