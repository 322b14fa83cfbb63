import Foundation

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

    /// `name` with every `blockPath.` removed, wherever it occurs (PEFT keys wrap the
    /// HF path: `base_model.model.model.layers.3.self_attn...`), so two blocks' names
    /// compare equal.
    static func removingBlock(_ blockPath: String, from name: String) -> String {
        let marker = blockPath + "."
        guard !blockPath.isEmpty, name.contains(marker) else {
            return name == blockPath ? "" : name
        }
        return name.components(separatedBy: marker).joined()
    }

    /// The part of `name` after the last `modulePath.` in it (`weight` for
    /// `base_model.model.lm_head.weight` in `lm_head`); `name` when it has none.
    static func displayName(_ name: String, in modulePath: String) -> String {
        guard !modulePath.isEmpty,
            let range = name.range(of: modulePath + ".", options: .backwards)
        else { return name }
        let tail = String(name[range.upperBound...])
        return tail.isEmpty ? name : tail
    }

    /// The innermost level shared by every path (`model` for `model.layers.0.mlp` and
    /// `model.layers.1`); "" when they share none or `paths` is empty.
    static func common(_ paths: [String]) -> String {
        guard let first = paths.first else { return "" }
        var shared = levels(of: first)
        for path in paths.dropFirst() where path != first {
            let other = levels(of: path)
            let count = zip(shared, other).prefix { $0 == $1 }.count
            shared = Array(shared.prefix(count))
        }
        return shared.last ?? ""
    }

    /// `path` with its leading `prefix` and the dot after it removed; `path` otherwise.
    static func relative(_ path: String, to prefix: String) -> String {
        guard !prefix.isEmpty else { return path }
        if path == prefix { return "" }
        if path.hasPrefix(prefix + ".") { return String(path.dropFirst(prefix.count + 1)) }
        return path
    }
}
