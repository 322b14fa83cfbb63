/// Several data sets read as one, as LLaMA-Factory's `dataset: a,b` (its default
/// `mix_strategy: concat`, data/data_utils.py `merge_dataset`).
extension Dataset {
    /// The sets' examples one after another, in order, each set already cut to its own
    /// `max_samples` (LLaMA-Factory cuts every set before merging).
    /// - Parameters:
    ///   - parts: the sets, at least one.
    ///   - name: the name of the whole (`"a,b"`).
    /// - Returns: the first set itself when there is only one.
    /// - Throws: `DatasetError.invalidArgument` for no sets, or for preference (ranking)
    ///   sets mixed with others: LLaMA-Factory rejects a set unfit for the stage.
    public static func concatenating(_ parts: [Dataset], name: String) throws -> Dataset {
        guard let first = parts.first else {
            throw DatasetError.invalidArgument(name: "dataset", reason: "'\(name)' names no data set")
        }
        if parts.count == 1 { return first }
        if let odd = parts.first(where: { $0.attributes.ranking != first.attributes.ranking }) {
            let (ranked, plain) = first.attributes.ranking ? (first, odd) : (odd, first)
            throw DatasetError.invalidArgument(
                name: "dataset",
                reason: "'\(ranked.name)' is a preference (ranking) set and '\(plain.name)' is not; "
                    + "they cannot be trained on together")
        }
        return Dataset(
            name: name, attributes: first.attributes, examples: parts.flatMap(\.examples),
            skipped: parts.reduce(0) { $0 + $1.skipped },
            firstSkipReason: parts.lazy.compactMap(\.firstSkipReason).first)
    }
}
