import CGraphviz
import Synchronization

/// Renders DOT text to SVG, PNG or PDF in process through libgvc and libcgraph.
///
/// Graphviz keeps global state (its error channel, the parser), so renders are
/// serialised by one process-wide lock. Graphviz messages are captured, never printed:
/// failures come back as `GraphError` values carrying Graphviz's text.
public enum GraphRenderer {
    private static let lock = Mutex<Void>(())

    /// Lays out `dot` and renders it in `format`.
    ///
    /// - Parameters:
    ///   - dot: a complete DOT graph.
    ///   - format: the output format; `.dot` returns the text unchanged.
    ///   - engine: the Graphviz layout engine (`dot` draws layered graphs top to bottom).
    /// - Returns: the rendered bytes.
    /// - Throws: `GraphError.invalidDot`, `.layoutFailed`, `.renderFailed` or
    ///   `.graphvizUnavailable`, each with Graphviz's message.
    public static func render(
        dot: String, format: GraphFormat, engine: String = "dot"
    ) throws(GraphError) -> [UInt8] {
        if format == .dot { return Array(dot.utf8) }
        return try lock.withLock { _ throws(GraphError) in
            try renderLocked(dot: dot, format: format, engine: engine)
        }
    }

    /// Renders `dot` in the format named by `path`'s extension and writes it there,
    /// through a temporary file in the same folder renamed into place.
    ///
    /// - Parameters:
    ///   - dot: a complete DOT graph.
    ///   - path: the output file; its extension (`.dot`, `.gv`, `.svg`, `.png`, `.pdf`)
    ///     picks the format.
    /// - Returns: the format written.
    /// - Throws: `GraphError.unknownFormat` for another extension,
    ///   `.unwritablePath` when the file cannot be written, or a rendering error.
    @discardableResult
    public static func write(dot: String, to path: String) throws(GraphError) -> GraphFormat {
        let format: GraphFormat
        do {
            format = try GraphFormat(path: path)
        } catch let error as GraphError {
            throw error
        } catch {
            throw .unknownFormat(path: path, pathExtension: "")
        }
        try AtomicFileWriter.checkWritable(path)
        let bytes = try render(dot: dot, format: format)
        try AtomicFileWriter.write(bytes, to: path)
        return format
    }

    // MARK: - Graphviz calls (lock held)

    private static func renderLocked(
        dot: String, format: GraphFormat, engine: String
    ) throws(GraphError) -> [UInt8] {
        let previous = lfs_gv_set_error_handler(GraphvizMessages.handler)
        defer { _ = agseterrf(previous) }
        _ = GraphvizMessages.take()
        lfs_gv_reset_errors()

        guard let context = gvContext() else {
            throw .graphvizUnavailable(message: GraphvizMessages.take())
        }
        defer { gvFreeContext(context) }

        guard let graph = agmemread(dot) else {
            let message = GraphvizMessages.take()
            throw .invalidDot(message: message.isEmpty ? "unreadable DOT text" : message)
        }
        defer { agclose(graph) }

        guard gvLayout(context, graph, engine) == 0 else {
            throw .layoutFailed(engine: engine, message: GraphvizMessages.take())
        }
        defer { gvFreeLayout(context, graph) }

        var data: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        let status = gvRenderData(context, graph, format.graphvizName, &data, &length)
        defer { if let data { gvFreeRenderData(data) } }
        let message = GraphvizMessages.take()
        guard status == 0, let data, length > 0 else {
            throw .renderFailed(
                format: format.rawValue,
                message: message.isEmpty ? "no output produced" : message)
        }
        return data.withMemoryRebound(to: UInt8.self, capacity: Int(length)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(length)))
        }
    }
}
