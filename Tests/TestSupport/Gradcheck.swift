import Tensors

/// One input of a gradient-check case.
public enum GradcheckInput: Sendable {
    /// A differentiable float32 input of `shape`, uniform in `low ..< high` (seeded).
    case random([Int], low: Float = -1, high: Float = 1)
    /// A differentiable float32 input with the given values.
    case values([Int], [Float])
    /// An input that is not differentiated (indices, masks, ids).
    case constant(Tensor)
}

/// A gradient check of one op application: inputs, attributes, and tolerances.
///
/// The core cases live in `Tests/TensorsTests/CoreGradcheckCases.swift`, the fused
/// ones in `FusedGradcheckCases.cases`; the gradcheck test runs both lists and fails,
/// naming them, for any differentiable op of `OpRegistry.all` that no case covers.
public struct GradcheckCase: Sendable, CustomStringConvertible {
    /// The registry name of the op under test.
    public var op: String
    /// A short note telling cases of one op apart (`"broadcast rows"`).
    public var note: String
    /// The inputs, in the op's order.
    public var inputs: [GradcheckInput]
    /// The attributes to apply the op with.
    public var attributes: OpAttributes
    /// The finite-difference step.
    public var step: Double
    /// The absolute tolerance.
    public var absoluteTolerance: Double
    /// The relative tolerance.
    public var relativeTolerance: Double

    /// A case for `op`.
    public init(
        _ op: String, _ note: String = "", inputs: [GradcheckInput], attributes: OpAttributes = [:],
        step: Double = 1e-2, absoluteTolerance: Double = 2e-3, relativeTolerance: Double = 2e-2
    ) {
        self.op = op
        self.note = note
        self.inputs = inputs
        self.attributes = attributes
        self.step = step
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
    }

    /// `op(note)`, as test output shows it.
    public var description: String { note.isEmpty ? op : "\(op)(\(note))" }
}

/// The outcome of one gradient check.
public struct GradcheckResult: Sendable {
    /// Elements compared.
    public var compared: Int
    /// Elements whose analytic and numeric derivatives disagree beyond tolerance.
    public var failures: [String]
    /// Whether at least one element was compared and all agreed.
    public var passed: Bool { failures.isEmpty && compared > 0 }
}

/// Central finite differences against the tape's gradients.
///
/// The loss is `sum(w * op(inputs))` with fixed random weights `w`, accumulated in
/// Float64 on the host; each input element is nudged by `±step` and the numeric
/// derivative compared with the analytic one from `backward(gradient: w)`.
public enum Gradcheck {
    /// Runs `testCase` against `spec`.
    /// - Throws: whatever the op throws.
    public static func run(_ testCase: GradcheckCase, spec: OpSpec, seed: UInt64 = 7) throws
        -> GradcheckResult
    {
        var generator = SeededGenerator(seed: seed)
        var values: [[Float]?] = []
        var shapes: [[Int]] = []
        var constants: [Tensor?] = []
        for input in testCase.inputs {
            switch input {
            case .random(let shape, let low, let high):
                values.append(generator.floats(shape.reduce(1, *), low: low, high: high))
                shapes.append(shape)
                constants.append(nil)
            case .values(let shape, let data):
                values.append(data)
                shapes.append(shape)
                constants.append(nil)
            case .constant(let tensor):
                values.append(nil)
                shapes.append(tensor.shape)
                constants.append(tensor)
            }
        }
        func makeInputs(requiringGrad: Bool) throws -> [Tensor] {
            try values.indices.map { index in
                if let constant = constants[index] { return constant }
                let tensor = try Tensor(shape: shapes[index], scalars: values[index] ?? [])
                tensor.requiresGrad = requiringGrad
                return tensor
            }
        }
        let inputs = try makeInputs(requiringGrad: true)
        let output = try spec.apply(inputs, testCase.attributes)
        let weights = generator.floats(output.count)
        try output.backward(gradient: try Tensor(shape: output.shape, scalars: weights))

        func loss() throws -> Double {
            let result = try withNoGrad {
                try spec.apply(try makeInputs(requiringGrad: false), testCase.attributes)
            }
            return zip(result.toFloatArray(), weights).reduce(0.0) {
                $0 + Double($1.0) * Double($1.1)
            }
        }

        var compared = 0
        var failures: [String] = []
        for index in values.indices {
            guard let original = values[index] else { continue }
            let analytic =
                inputs[index].grad?.toFloatArray() ?? [Float](repeating: 0, count: original.count)
            for element in original.indices {
                values[index]?[element] = original[element] + Float(testCase.step)
                let plus = try loss()
                values[index]?[element] = original[element] - Float(testCase.step)
                let minus = try loss()
                values[index]?[element] = original[element]
                let numeric = (plus - minus) / (2 * testCase.step)
                let got = Double(analytic[element])
                compared += 1
                let allowed =
                    testCase.absoluteTolerance + testCase.relativeTolerance * Swift.abs(numeric)
                if !(Swift.abs(got - numeric) <= allowed) {
                    failures.append(
                        "input \(index) element \(element): analytic \(got), numeric \(numeric)")
                }
            }
        }
        return GradcheckResult(compared: compared, failures: failures)
    }
}
