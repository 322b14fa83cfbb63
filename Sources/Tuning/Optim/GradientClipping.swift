import Foundation
import Tensors

/// torch.nn.utils.clip_grad_norm_ over optimizable parameters.
public enum GradientClipping {
    /// The total gradient norm over all parameters with a gradient, and, when it exceeds
    /// `maxNorm`, every gradient scaled by `maxNorm / (norm + 1e-6)` (torch scales by the
    /// coefficient clamped to 1, so a norm below `maxNorm` leaves gradients unchanged).
    /// - Parameters:
    ///   - parameters: the parameters; those without a gradient are ignored.
    ///   - maxNorm: the largest allowed norm.
    ///   - normType: the p of the p-norm (2 by default); `.infinity` for the largest |g|.
    /// - Returns: the total norm before clipping (NaN or infinite when a gradient is).
    /// - Throws: `OptimError.invalidArgument` for a negative or NaN `maxNorm` or `normType`;
    ///   a parameter's error when its gradient cannot be read.
    @discardableResult
    public static func clipGradNorm(
        _ parameters: [any OptimizableParameter], maxNorm: Double, normType: Double = 2
    ) throws -> Double {
        guard maxNorm >= 0 else {
            throw OptimError.invalidArgument(name: "max_norm", reason: "\(maxNorm) is not >= 0")
        }
        guard normType > 0 else {
            throw OptimError.invalidArgument(name: "norm_type", reason: "\(normType) is not > 0")
        }
        let total = try totalNorm(parameters, normType: normType)
        // torch: clip_coef = max_norm / (total_norm + 1e-6), clamped to at most 1.0.
        let coefficient = min(1.0, maxNorm / (total + 1e-6))
        if coefficient < 1.0 {
            let scale = Float(coefficient)
            for parameter in parameters {
                _ = try parameter.withMutableGradient { gradient in
                    ParallelLoop.forEachChunk(count: gradient.count) { range in
                        for index in range { gradient[index] *= scale }
                    }
                }
            }
        }
        return total
    }

    /// The p-norm of all gradients taken together (the norm of the per-parameter norms);
    /// accumulated in Double.
    /// - Parameters:
    ///   - parameters: the parameters; those without a gradient are ignored.
    ///   - normType: p; `.infinity` for the largest absolute value.
    /// - Throws: a parameter's error when its gradient cannot be read.
    public static func totalNorm(_ parameters: [any OptimizableParameter], normType: Double = 2)
        throws -> Double
    {
        var accumulated = 0.0
        for parameter in parameters {
            let part =
                try parameter.withMutableGradient { gradient -> Double in
                    let view = UnsafeBufferPointer(gradient)
                    if normType == .infinity {
                        return maxAbsolute(view)
                    }
                    return ParallelLoop.sum(count: view.count) { range in
                        var sum = 0.0
                        if normType == 2 {
                            for index in range {
                                let value = Double(view[index])
                                sum += value * value
                            }
                        } else {
                            for index in range { sum += pow(abs(Double(view[index])), normType) }
                        }
                        return sum
                    }
                } ?? 0
            if normType == .infinity {
                accumulated = part.isNaN || accumulated.isNaN ? .nan : max(accumulated, part)
            } else {
                accumulated += part
            }
        }
        if normType == .infinity { return accumulated }
        return normType == 2 ? accumulated.squareRoot() : pow(accumulated, 1 / normType)
    }

    /// Whether a parameter's gradient is free of NaN and infinities (true without one).
    /// - Throws: the parameter's error when its gradient cannot be read.
    public static func gradientIsFinite(_ parameter: any OptimizableParameter) throws -> Bool {
        try parameter.withMutableGradient { gradient -> Bool in
            let view = UnsafeBufferPointer(gradient)
            // A finite sum of squares in Double means every element is finite: Float
            // values squared cannot overflow a Double.
            let sum = ParallelLoop.sum(count: view.count) { range in
                var partial = 0.0
                for index in range {
                    let value = Double(view[index])
                    partial += value * value
                }
                return partial
            }
            return sum.isFinite
        } ?? true
    }

    /// The largest |x|, NaN if any element is NaN.
    private static func maxAbsolute(_ values: UnsafeBufferPointer<Float>) -> Double {
        var result: Float = 0
        for value in values {
            if value.isNaN { return .nan }
            result = max(result, abs(value))
        }
        return Double(result)
    }
}
