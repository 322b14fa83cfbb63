import Foundation
import Models

/// A data set: records read from a file in one of LLaMA-Factory's layouts and converted
/// to `DataExample`s, with the malformed ones either reported (strict) or skipped and
/// counted. Encoding to token ids is `encoded(...)`; batching is on `EncodedDataset`.
public final class Dataset {
    /// The name (registry key or file name).
    public let name: String
    /// The layout it was read with.
    public let attributes: DatasetAttributes
    /// The examples, in file order unless shuffled or split.
    public private(set) var examples: [DataExample]
    /// Records skipped as malformed (`strict: false`).
    public let skipped: Int
    /// The first skipped record's error, to show the user why.
    public let firstSkipReason: DatasetError?

    /// Wraps converted examples.
    public init(
        name: String, attributes: DatasetAttributes, examples: [DataExample], skipped: Int = 0,
        firstSkipReason: DatasetError? = nil
    ) {
        self.name = name
        self.attributes = attributes
        self.examples = examples
        self.skipped = skipped
        self.firstSkipReason = firstSkipReason
    }

    /// Reads a file.
    /// - Parameters:
    ///   - path: a .json, .jsonl, .csv or .txt file.
    ///   - attributes: the layout (columns, tags, formatting, ranking).
    ///   - maxSamples: stop after this many records (`max_samples`; read lazily, so a
    ///     large JSONL file is only read that far).
    ///   - strict: throw on the first malformed record (true) or skip and count them.
    /// - Throws: `DatasetError` for an unreadable file or, when strict, a bad record.
    public convenience init(
        path: String, attributes: DatasetAttributes, maxSamples: Int? = nil, strict: Bool = true
    ) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatasetError.unreadable(path: path, reason: "no such file")
        }
        let type = try DataFileType(path: path)
        let file = (path as NSString).lastPathComponent
        let converter = DatasetConverter(attributes: attributes, file: file)
        let limit = [maxSamples, attributes.numSamples].compactMap { $0 }.min()
        var examples: [DataExample] = []
        var skipped = 0
        var firstSkip: DatasetError?
        try RecordReader.forEach(path: path, type: type) { index, record in
            do {
                examples.append(try converter.convert(try record.get(), index: index))
            } catch let error as DatasetError where !strict {
                skipped += 1
                if firstSkip == nil { firstSkip = error }
            }
            return limit.map { examples.count < $0 } ?? true
        }
        self.init(
            name: attributes.name, attributes: attributes, examples: examples, skipped: skipped,
            firstSkipReason: firstSkip)
    }

    /// Reads the data set registered as `name` in `<directory>/dataset_info.json`.
    /// - Throws: `DatasetError.unknownName` (with a hint) and the errors of reading.
    public convenience init(
        named name: String, registryDirectory directory: String, maxSamples: Int? = nil,
        strict: Bool = true
    ) throws {
        let registry = try DatasetRegistry(directory: directory)
        let attributes = try registry.attributes(named: name)
        try self.init(
            path: registry.path(of: attributes), attributes: attributes, maxSamples: maxSamples,
            strict: strict)
    }

    /// Calls `body` with each converted example of a file without keeping them: for files
    /// too large to hold. Malformed records throw when `strict`, else are passed over.
    /// - Returns: the number of skipped records.
    /// - Throws: `DatasetError`; rethrows `body`.
    @discardableResult
    public static func stream(
        path: String, attributes: DatasetAttributes, strict: Bool = true,
        _ body: (DataExample) throws -> Bool
    ) throws -> Int {
        let converter = DatasetConverter(
            attributes: attributes, file: (path as NSString).lastPathComponent)
        var skipped = 0
        try RecordReader.forEach(path: path, type: try DataFileType(path: path)) { index, record in
            let example: DataExample
            do { example = try converter.convert(try record.get(), index: index) } catch
                is DatasetError where !strict
            {
                skipped += 1
                return true
            }
            return try body(example)
        }
        return skipped
    }

    /// The number of examples.
    public var count: Int { examples.count }

    /// Replaces `{{key}}` placeholders in every message and system prompt (the identity
    /// set's `{{name}}` and `{{author}}`).
    /// - Parameter values: placeholder names and their text.
    public func fillPlaceholders(_ values: [String: String]) {
        func fill(_ text: String) -> String {
            values.reduce(text) { $0.replacingOccurrences(of: "{{\($1.key)}}", with: $1.value) }
        }
        for index in examples.indices {
            examples[index].system = fill(examples[index].system)
            for turn in examples[index].prompt.indices {
                examples[index].prompt[turn].content = fill(examples[index].prompt[turn].content)
            }
            for turn in examples[index].response.indices {
                examples[index].response[turn].content = fill(examples[index].response[turn].content)
            }
        }
    }

    /// A copy with the examples in a seeded random order.
    public func shuffled(seed: UInt64) -> Dataset {
        let order = SeededShuffle.permutation(count: examples.count, seed: seed)
        return Dataset(
            name: name, attributes: attributes, examples: order.map { examples[$0] },
            skipped: skipped, firstSkipReason: firstSkipReason)
    }

    /// Splits off a validation set as LLaMA-Factory's `val_size` does: a fraction in (0, 1)
    /// or a count of at least 1; the examples are shuffled with `seed` first.
    /// - Returns: the training and validation sets.
    /// - Throws: `DatasetError.invalidArgument` for a size that leaves no training data.
    public func split(validation size: Double, seed: UInt64 = 42) throws -> (train: Dataset, validation: Dataset) {
        let count = size < 1 ? Int((Double(examples.count) * size).rounded(.up)) : Int(size)
        guard size > 0, count < examples.count else {
            throw DatasetError.invalidArgument(
                name: "val_size", reason: "\(size) leaves no training examples out of \(examples.count)")
        }
        let order = SeededShuffle.permutation(count: examples.count, seed: seed)
        let validation = order.prefix(count).map { examples[$0] }
        let train = order.dropFirst(count).map { examples[$0] }
        return (
            Dataset(name: name, attributes: attributes, examples: train),
            Dataset(name: "\(name)/validation", attributes: attributes, examples: validation)
        )
    }
}
