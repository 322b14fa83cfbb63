/// Module scope paths such as `model.layers.3.self_attn`, read as nesting levels.
///
/// A numeric segment belongs with the segment before it, so `model.layers.3.self_attn`
/// has three levels: `model`, `model.layers.3` and `model.layers.3.self_attn`.
enum ModulePath {
    /// The cumulative prefixes of `path`, one per nesting level; empty for "".
    static func levels(of path: String) -> [String] {
        guard !path.isEmpty else { return [] }
        var result: [String] = []
        var current = ""
        for segment in path.split(separator: ".", omittingEmptySubsequences: false) {
            let isIndex = !segment.isEmpty && segment.allSatisfy(\.isNumber)
            current = current.isEmpty ? String(segment) : current + "." + segment
            if isIndex, !result.isEmpty {
                result[result.count - 1] = current
            } else {
                result.append(current)
            }
        }
        return result
    }

    /// `path` cut to its first `depth` levels ("" when `depth` is 0).
    static func truncated(_ path: String, toDepth depth: Int) -> String {
        let levels = levels(of: path)
        guard depth < levels.count else { return path }
        return depth <= 0 ? "" : levels[depth - 1]
    }

    /// The repeated block a path lies in: the part before its first numeric segment
    /// (`model.layers`), that index, and the block's own path (`model.layers.3`).
    static func block(of path: String) -> (prefix: String, index: Int, path: String)? {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        for position in segments.indices.dropFirst() {
            let segment = segments[position]
            guard !segment.isEmpty, segment.allSatisfy(\.isNumber), let index = Int(segment)
            else { continue }
            let prefix = segments[..<position].joined(separator: ".")
            return (prefix, index, prefix + "." + segment)
        }
        return nil
    }

    /// `path` with its leading `prefix` and the dot after it removed; `path` otherwise.
    static func relative(_ path: String, to prefix: String) -> String {
        guard !prefix.isEmpty else { return path }
        if path == prefix { return "" }
        if path.hasPrefix(prefix + ".") { return String(path.dropFirst(prefix.count + 1)) }
        return path
    }
}
