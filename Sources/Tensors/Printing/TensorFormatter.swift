import Foundation

/// Renders tensors as PyTorch prints them: `tensor([[0.1000, 2.0000], ...])`, precision
/// 4, fixed or scientific notation chosen from the values, `1.` for integral floats,
/// summarised with `...` (3 edge items) past 1000 elements, rows wrapped at 80 columns.
public struct TensorFormatter: Sendable {
    /// Digits after the point.
    public var precision = 4
    /// Element count above which the middle of long dims is elided.
    public var threshold = 1000
    /// Items kept at each end of an elided dim.
    public var edgeItems = 3
    /// The line width rows wrap at.
    public var lineWidth = 80

    /// The default PyTorch print options.
    public init() {}

    /// The text of `tensor`, including the `tensor(` prefix and any suffix
    /// (`dtype=`, `requires_grad=True`, `grad_fn=<...>`).
    public func string(for tensor: Tensor) -> String {
        let summarize = tensor.count > threshold
        let values = Self.summarizedValues(tensor, summarize: summarize, edgeItems: edgeItems)
        let style = ElementStyle(values: values, dtype: tensor.dtype, precision: precision)
        let prefix = "tensor("
        var body: String
        if tensor.count == 0 {
            body = "[]"
        } else if tensor.rank == 0 {
            body = style.format(values.first ?? 0, padded: false)
        } else {
            body = render(tensor, style: style, summarize: summarize, indent: prefix.count, dim: 0, offset: tensor.offset)
        }
        var suffixes: [String] = []
        if tensor.count == 0 && tensor.rank > 1 {
            suffixes.append("size=(" + tensor.shape.map(String.init).joined(separator: ", ") + ")")
        }
        if tensor.dtype != .float32 && tensor.dtype != .int64 {
            suffixes.append("dtype=torch.\(tensor.dtype.torchName)")
        }
        if let node = tensor.producer {
            suffixes.append("grad_fn=<\(node.opName)>")
        } else if tensor.requiresGrad {
            suffixes.append("requires_grad=True")
        }
        if !suffixes.isEmpty { body += ", " + suffixes.joined(separator: ", ") }
        return prefix + body + ")"
    }

    /// The elements the formatter sizes its columns from (only the shown ones; a
    /// summarised tensor is never read whole).
    static func summarizedValues(_ tensor: Tensor, summarize: Bool, edgeItems: Int) -> [Float] {
        guard summarize else { return tensor.toFloatArray() }
        var shown: [Float] = []
        func visit(_ dim: Int, _ offset: Int) {
            if dim == tensor.rank {
                shown.append(tensor.storage.float(at: offset))
                return
            }
            for index in shownIndices(size: tensor.shape[dim], summarize: true, edgeItems: edgeItems)
            where index >= 0 {
                visit(dim + 1, offset + index * tensor.strides[dim])
            }
        }
        visit(0, tensor.offset)
        return shown
    }

    /// Indices of a dim to show; -1 marks the ellipsis.
    static func shownIndices(size: Int, summarize: Bool, edgeItems: Int) -> [Int] {
        if summarize && size > 2 * edgeItems {
            return Array(0..<edgeItems) + [-1] + Array((size - edgeItems)..<size)
        }
        return Array(0..<size)
    }

    private func render(
        _ tensor: Tensor, style: ElementStyle, summarize: Bool, indent: Int, dim: Int, offset: Int
    ) -> String {
        let shape = tensor.shape
        let indices = Self.shownIndices(size: shape[dim], summarize: summarize, edgeItems: edgeItems)
        if dim == shape.count - 1 {
            let items = indices.map {
                $0 < 0
                    ? " ..."
                    : style.format(
                        tensor.storage.float(at: offset + $0 * tensor.strides[dim]), padded: true)
            }
            let itemWidth = style.width + 2
            let perLine = Swift.max(1, (lineWidth - indent - dim) / Swift.max(itemWidth, 1))
            var lines: [String] = []
            var start = 0
            while start < items.count {
                lines.append(items[start..<Swift.min(start + perLine, items.count)].joined(separator: ", "))
                start += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + dim + 1)) + "]"
        }
        let separator = ",\n" + String(repeating: "\n", count: shape.count - dim - 2)
            + String(repeating: " ", count: indent + dim + 1)
        let parts = indices.map { index -> String in
            index < 0
                ? "..."
                : render(
                    tensor, style: style, summarize: summarize, indent: indent, dim: dim + 1,
                    offset: offset + index * tensor.strides[dim])
        }
        return "[" + parts.joined(separator: separator) + "]"
    }
}

/// How one tensor's elements are spelled: integer, integral float (`1.`), fixed or
/// scientific, all padded to one width (PyTorch's `_Formatter`).
struct ElementStyle {
    enum Mode { case integer, integralFloat, fixed, scientific }
    let mode: Mode
    let precision: Int
    private(set) var width = 1

    init(values: [Float], dtype: DType, precision: Int) {
        self.precision = precision
        let finite = values.filter(\.isFinite)
        if !dtype.isFloatingPoint {
            mode = .integer
        } else if finite.allSatisfy({ $0 == $0.rounded() }) {
            let maximum = finite.map { Swift.abs($0) }.max() ?? 0
            mode = maximum > 1e8 ? .scientific : .integralFloat
        } else {
            let magnitudes = finite.map { Swift.abs($0) }.filter { $0 != 0 }
            let maximum = magnitudes.max() ?? 0
            let minimum = magnitudes.min() ?? 0
            mode = (maximum / Swift.max(minimum, .leastNonzeroMagnitude) > 1000 || maximum > 1e8 || minimum < 1e-4)
                && !magnitudes.isEmpty ? .scientific : .fixed
        }
        // As PyTorch: the column width comes from the non-zero finite values (integers: all).
        let sized = dtype.isFloatingPoint ? finite.filter { $0 != 0 } : values
        width = sized.map { format($0, padded: false).count }.max() ?? 1
    }

    func format(_ value: Float, padded: Bool) -> String {
        var text: String
        if value.isNaN {
            text = "nan"
        } else if value.isInfinite {
            text = value < 0 ? "-inf" : "inf"
        } else {
            switch mode {
            case .integer: text = String(Int(value))
            case .integralFloat: text = String(format: "%.0f.", Double(value))
            case .fixed: text = String(format: "%.\(precision)f", Double(value))
            case .scientific: text = String(format: "%.\(precision)e", Double(value))
            }
        }
        if padded && text.count < width { text = String(repeating: " ", count: width - text.count) + text }
        return text
    }
}

extension Tensor: CustomStringConvertible {
    /// The tensor as PyTorch prints it (summarised past 1000 elements).
    public var description: String { TensorFormatter().string(for: self) }
}
