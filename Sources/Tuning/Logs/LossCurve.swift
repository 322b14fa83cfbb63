import Foundation

/// A loss curve as a standalone SVG: the raw values as a faint line and TensorBoard's
/// smoothed line over them, with axes, ticks and a title.
public enum LossCurve {
    /// TensorBoard's scalar smoothing (tensorboard/plugins/scalar/vz_line_chart2): a
    /// debiased exponential moving average, `last = w * last + (1 - w) * y`, divided by
    /// `1 - w^n`; non-finite values pass through, and a constant series is left as it is.
    /// - Parameters:
    ///   - values: the series.
    ///   - weight: the smoothing weight in [0, 1) (TensorBoard's default 0.6).
    public static func smoothed(_ values: [Double], weight: Double = 0.6) -> [Double] {
        guard let first = values.first, !values.allSatisfy({ $0 == first }) else { return values }
        var last = 0.0
        var accumulated = 0
        return values.map { value in
            guard value.isFinite else { return value }
            last = last * weight + (1 - weight) * value
            accumulated += 1
            let debias = weight == 1 ? 1 : 1 - pow(weight, Double(accumulated))
            return last / debias
        }
    }

    /// The SVG document for `(step, value)` points.
    /// - Parameters:
    ///   - points: the steps and values, in step order; non-finite values are skipped.
    ///   - title: the heading.
    ///   - smoothing: TensorBoard's smoothing weight.
    ///   - width, height: the picture's size in pixels.
    public static func svg(
        _ points: [(step: Int, value: Double)], title: String = "training loss",
        smoothing: Double = 0.6, width: Int = 640, height: Int = 400
    ) -> String {
        let finite = points.filter { $0.value.isFinite }
        let smooth = zip(finite, smoothed(finite.map(\.value), weight: smoothing)).map {
            (step: $0.0.step, value: $0.1)
        }
        let (left, right, top, bottom) = (60.0, 20.0, 40.0, 45.0)
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        let minStep = Double(finite.map(\.step).min() ?? 0)
        let maxStep = Double(finite.map(\.step).max() ?? 1)
        var low = finite.map(\.value).min() ?? 0
        var high = finite.map(\.value).max() ?? 1
        if high - low < 1e-12 {
            low -= 0.5
            high += 0.5
        }
        let stepSpan = max(maxStep - minStep, 1)
        func x(_ step: Int) -> Double { left + (Double(step) - minStep) / stepSpan * plotWidth }
        func y(_ value: Double) -> Double { top + (high - value) / (high - low) * plotHeight }
        func polyline(_ series: [(step: Int, value: Double)]) -> String {
            series.map { format(x($0.step)) + "," + format(y($0.value)) }.joined(separator: " ")
        }
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" font-family="sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(width / 2)" y="22" text-anchor="middle" font-size="14">\(escape(title))</text>

            """
        svg += "<g stroke=\"#ccc\" stroke-width=\"1\">\n"
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            let ty = format(y(value))
            svg += "<line x1=\"\(format(left))\" y1=\"\(ty)\" x2=\"\(format(left + plotWidth))\" y2=\"\(ty)\"/>\n"
        }
        svg += "</g>\n<g fill=\"#333\">\n"
        for tick in 0...4 {
            let value = low + (high - low) * Double(tick) / 4
            svg += "<text x=\"\(format(left - 6))\" y=\"\(format(y(value) + 4))\" text-anchor=\"end\">\(label(value))</text>\n"
            let step = Int((minStep + stepSpan * Double(tick) / 4).rounded())
            svg += "<text x=\"\(format(x(step)))\" y=\"\(format(top + plotHeight + 16))\" text-anchor=\"middle\">\(step)</text>\n"
        }
        svg += "<text x=\"\(format(left + plotWidth / 2))\" y=\"\(height - 8)\" text-anchor=\"middle\">step</text>\n"
        svg += "</g>\n"
        svg += "<rect x=\"\(format(left))\" y=\"\(format(top))\" width=\"\(format(plotWidth))\" height=\"\(format(plotHeight))\" fill=\"none\" stroke=\"#888\"/>\n"
        if !finite.isEmpty {
            svg += "<polyline class=\"raw\" fill=\"none\" stroke=\"#f4a582\" stroke-width=\"1\" points=\"\(polyline(finite))\"/>\n"
            svg += "<polyline class=\"smoothed\" fill=\"none\" stroke=\"#ca0020\" stroke-width=\"2\" points=\"\(polyline(smooth))\"/>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    /// Writes the SVG to `path` atomically.
    /// - Throws: `TensorBoardError.io` when the file cannot be written.
    public static func write(
        _ points: [(step: Int, value: Double)], to path: String, title: String = "training loss",
        smoothing: Double = 0.6
    ) throws {
        let text = svg(points, title: title, smoothing: smoothing)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw TensorBoardError.io(path: path, reason: "cannot write: \(error)")
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func label(_ value: Double) -> String {
        abs(value) >= 1000 || (abs(value) < 0.01 && value != 0)
            ? String(format: "%.2e", value) : String(format: "%.3f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
