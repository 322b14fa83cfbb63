/// A recipe's keys after the file and the overrides are merged and each key is checked
/// against ``RecipeKeys``: known, of the right type, one of its words. Reading a key
/// gives the user's value or LLaMA-Factory's default.
public struct RecipeSettings: Sendable {
    /// The checked entries by key (an override replaces the file's entry).
    private(set) var entries: [String: RecipeEntry] = [:]
    /// The keys in the order they were first given.
    private(set) var order: [String] = []

    /// Merges and checks.
    /// - Parameters:
    ///   - file: the recipe's entries.
    ///   - overrides: `key=value` entries, applied after the file.
    /// - Throws: ``RecipeError`` naming the first unsupported key or bad value and its line.
    public init(file: [RecipeEntry], overrides: [RecipeEntry] = []) throws {
        for entry in file + overrides {
            let checked = try Self.check(entry)
            if entries[entry.key] == nil { order.append(entry.key) }
            entries[entry.key] = checked
        }
    }

    /// Whether the user gave `key` (a `null` counts as not given).
    func has(_ key: String) -> Bool {
        guard let entry = entries[key] else { return false }
        return entry.value != .null
    }

    /// The user's entry for `key`, if given.
    func entry(_ key: String) -> RecipeEntry? { entries[key] }

    /// The value of `key`: the user's, else the default.
    func value(_ key: String) -> RecipeValue {
        if let entry = entries[key], entry.value != .null { return entry.value }
        return RecipeKeys.named(key)?.defaultValue ?? .null
    }

    func string(_ key: String) -> String? {
        if case .string(let text) = value(key) { return text }
        return nil
    }

    func int(_ key: String) -> Int? {
        if case .int(let number) = value(key) { return number }
        return nil
    }

    func double(_ key: String) -> Double? {
        switch value(key) {
        case .float(let number): return number
        case .int(let number): return Double(number)
        default: return nil
        }
    }

    func bool(_ key: String) -> Bool {
        if case .bool(let flag) = value(key) { return flag }
        return false
    }

    /// Where `key` was given, for messages about its value.
    func location(_ key: String) -> RecipeLocation? { entries[key]?.location }

    /// The given keys that lfs accepts without effect, with the reason, in order.
    var noOps: [(key: String, reason: String)] {
        order.compactMap { key in
            guard let reason = RecipeKeys.named(key)?.noOpReason, has(key) else { return nil }
            return (key, reason)
        }
    }

    /// The entry with its value converted to the key's type.
    static func check(_ entry: RecipeEntry) throws -> RecipeEntry {
        guard let key = RecipeKeys.named(entry.key) else {
            throw RecipeError(
                "unsupported key '\(entry.key)': lfs train does not know it",
                at: entry.location,
                hint: NameHint.suggestion(for: entry.key, among: RecipeKeys.all.map(\.name))
                    ?? "the supported keys are listed in `lfs train --keys`")
        }
        var checked = entry
        if entry.value == .null { return checked }
        func bad(_ expected: String, hint: String? = nil) -> RecipeError {
            RecipeError(
                "bad value '\(entry.value.text)' for '\(entry.key)' (\(expected) expected, got \(entry.value.kindName))",
                at: entry.location, hint: hint)
        }
        switch (key.kind, entry.value) {
        case (.text, .string): break
        case (.text, let other): checked.value = .string(other.text)
        case (.int, .int): break
        case (.int, .string(let text)):
            guard let number = Int(text) else { throw bad("an int") }
            checked.value = .int(number)
        case (.int, _): throw bad("an int")
        case (.float, .float): break
        case (.float, .int(let number)): checked.value = .float(Double(number))
        case (.float, .string(let text)):
            // PyYAML reads `1e-4` (no dot) as text; transformers converts it to a float.
            guard let number = Double(text), number.isFinite else { throw bad("a number") }
            checked.value = .float(number)
        case (.float, _): throw bad("a number")
        case (.bool, .bool): break
        case (.bool, _): throw bad("true or false")
        case (.choice(let words), let value):
            guard words.contains(value.text) else {
                throw RecipeError(
                    "bad value '\(value.text)' for '\(entry.key)' (\(Self.list(words)) expected)",
                    at: entry.location,
                    hint: NameHint.suggestion(for: value.text, among: words))
            }
            checked.value = .string(value.text)
        }
        return checked
    }

    /// `a, b or c`.
    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " or " + (words.last ?? "")
    }
}
