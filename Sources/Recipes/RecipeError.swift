/// A mistake in a recipe: where it is, what is wrong and, when one helps, a hint.
public struct RecipeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Where the mistake is, when it is in one place.
    public var location: RecipeLocation?
    /// What is wrong, naming the key.
    public var message: String
    /// A suggestion (`did you mean 'lora_rank'?`), if any.
    public var hint: String?

    /// A mistake at a place.
    public init(_ message: String, at location: RecipeLocation? = nil, hint: String? = nil) {
        self.message = message
        self.location = location
        self.hint = hint
    }

    /// `recipe.yaml:7: error: ...` then `hint: ...` on its own line.
    public var description: String {
        var text = (location.map { "\($0): " } ?? "") + "error: " + message
        if let hint { text += "\nhint: " + hint }
        return text
    }
}

/// The nearest of a few names to a mistyped one, for "did you mean" hints.
enum NameHint {
    /// `did you mean 'x'?` for the closest name within a third of the length, else nil.
    static func suggestion(for name: String, among names: [String]) -> String? {
        let target = Array(name.lowercased())
        var best: (name: String, distance: Int)?
        for candidate in names {
            let distance = editDistance(target, Array(candidate.lowercased()))
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= max(1, target.count / 3) else { return nil }
        return "did you mean '\(best.name)'?"
    }

    /// Levenshtein distance.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
