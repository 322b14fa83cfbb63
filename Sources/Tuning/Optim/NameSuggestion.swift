/// "Did you mean" hints for closed sets of names parsed at the boundary (STYLE.md 16).
enum NameSuggestion {
    /// The candidate closest to `name` by edit distance, if it is close enough to help.
    /// - Parameters:
    ///   - name: what the user typed.
    ///   - candidates: the accepted spellings.
    static func closest(to name: String, in candidates: [String]) -> String? {
        let lowered = name.lowercased()
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, candidate.lowercased())
            if best.map({ distance < $0.1 }) ?? true { best = (candidate, distance) }
        }
        guard let (candidate, distance) = best else { return nil }
        // A hint only helps when it is nearer the typed name than to a random word.
        let limit = max(2, candidate.count / 3)
        return distance <= limit ? candidate : nil
    }

    /// Levenshtein distance over Unicode scalars; O(a * b).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
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
