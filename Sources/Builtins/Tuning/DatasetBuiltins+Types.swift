import Language
import Models
import Tensors
import Tuning

// MARK: The Dataset and Batch types

extension DatasetBuiltins {
    /// The `Dataset` host type: length, indexing, batches, split, preview.
    public static let datasetType: HostType = {
        let type = HostType(name: "Dataset", doc: "an encoded data set")
        type.length = { object in try cast(object, to: DatasetValue.self).encoded.count }
        type.getIndex = { object, components in
            let data = try cast(object, to: DatasetValue.self)
            guard components.count == 1, case .value(let key) = components[0],
                case .int(let raw) = key
            else { throw HostError("a dataset is indexed by one int") }
            let count = data.encoded.count
            let index = raw < 0 ? Int(raw) + count : Int(raw)
            guard index >= 0, index < count else {
                throw HostError("dataset index \(raw) out of range for \(count) examples")
            }
            return item(data.encoded.items[index])
        }
        type.property("skipped", doc: "records skipped as malformed (strict: false)") { object in
            let data = try cast(object, to: DatasetValue.self)
            return .int(Int64(data.encoded.skipped + data.records.skipped))
        }
        type.method(
            Builtin(
                "batches",
                Signature(
                    labelled: [
                        ("size", .int(8)), ("shuffle", .bool(false)), ("seed", .int(42)),
                        ("drop_last", .bool(false)), ("epochs", .int(1)),
                    ]),
                doc: "padded batches (ids, labels, mask; positions when packed); epochs: repeats with a new shuffle each time"
            ) { arguments in
                let data = try arguments.receiver(as: DatasetValue.self)
                let seed = try arguments.int("seed")
                let epochs = try arguments.int("epochs")
                guard epochs >= 1 else {
                    throw HostError("bad argument 'epochs' to 'batches' (must be at least 1, got \(epochs))")
                }
                let pad = data.encoding.padID
                var values: [Value] = []
                for epoch in 0..<epochs {
                    let batches = try data.encoded.batches(
                        size: try arguments.int("size"), shuffle: try arguments.bool("shuffle"),
                        seed: UInt64(bitPattern: Int64(seed + epoch)),
                        dropLast: try arguments.bool("drop_last"), padID: pad)
                    values += batches.map { .host(BatchValue($0)) }
                }
                return .list(values)
            })
        type.method(
            Builtin(
                "split", Signature(labelled: [("val", .float(0.1)), ("seed", .int(42))]),
                doc: "a (train, validation) pair; val is a fraction or a count"
            ) { arguments in
                let data = try arguments.receiver(as: DatasetValue.self)
                let parts = try data.records.split(
                    validation: try arguments.double("val"),
                    seed: UInt64(bitPattern: Int64(try arguments.int("seed"))))
                return .tuple([
                    .host(try DatasetValue(records: parts.train, encoding: data.encoding)),
                    .host(try DatasetValue(records: parts.validation, encoding: data.encoding)),
                ])
            })
        type.method(
            Builtin(
                "preview", Signature(labelled: [("n", .int(1))]),
                doc: "decoded examples with the trained tokens in [[ ]]"
            ) { arguments in
                let data = try arguments.receiver(as: DatasetValue.self)
                var lines: [String] = []
                for item in data.encoded.items.prefix(max(0, try arguments.int("n"))) {
                    lines.append(try preview(item, tokenizer: data.tokenizer, padID: data.encoding.padID))
                }
                return .string(lines.joined(separator: "\n---\n"))
            })
        return type
    }()

    /// The `Batch` host type.
    public static let batchType: HostType = {
        let type = HostType(name: "Batch", doc: "a padded batch of token ids, labels and mask")
        type.property("ids", doc: "[B, T] token ids") { object in
            .tensor(try BatchValue.tensor(try cast(object, to: BatchValue.self).batch.ids))
        }
        type.property("labels", doc: "[B, T] labels, -100 where not trained") { object in
            .tensor(try BatchValue.tensor(try cast(object, to: BatchValue.self).batch.labels))
        }
        type.property("mask", doc: "[B, T] attention mask, 0 on padding") { object in
            .tensor(try BatchValue.tensor(try cast(object, to: BatchValue.self).batch.attentionMask))
        }
        type.property("positions", doc: "packed sft batches: [B, T] rotary positions, restarting at each example; nil otherwise") {
            object in try BatchValue.optionalTensor(try cast(object, to: BatchValue.self).batch.positions)
        }
        type.property("chosen_count", doc: "pairwise batches: the number of chosen rows") { object in
            try cast(object, to: BatchValue.self).batch.chosenCount.map { .int(Int64($0)) } ?? .nil
        }
        type.property("tags", doc: "KTO batches: each row's tag (true: desirable)") { object in
            try cast(object, to: BatchValue.self).batch.tags.map { .list($0.map { .bool($0) }) } ?? .nil
        }
        type.property("kl_ids", doc: "KTO batches: [B, T'] ids of the KL rows (each prompt with another answer)") {
            object in try BatchValue.optionalTensor(try cast(object, to: BatchValue.self).batch.klIds)
        }
        type.property("kl_labels", doc: "KTO batches: [B, T'] labels of the KL rows") { object in
            try BatchValue.optionalTensor(try cast(object, to: BatchValue.self).batch.klLabels)
        }
        type.property("kl_mask", doc: "KTO batches: [B, T'] attention mask of the KL rows") { object in
            try BatchValue.optionalTensor(try cast(object, to: BatchValue.self).batch.klAttentionMask)
        }
        type.property("tokens", doc: "the number of trained (non -100) labels") { object in
            let batch = try cast(object, to: BatchValue.self).batch
            return .int(Int64(batch.labels.joined().filter { $0 != EncodedSequence.ignoreIndex }.count))
        }
        return type
    }()

    /// An encoded item as a dict of id and label lists.
    static func item(_ example: EncodedExample) -> Value {
        let dict = DictObject()
        func ints(_ values: [Int]) -> Value { .list(values.map { .int(Int64($0)) }) }
        switch example {
        case .single(let sequence):
            _ = dict.set(.string("ids"), ints(sequence.ids))
            _ = dict.set(.string("labels"), ints(sequence.labels))
            if let positions = sequence.positions { _ = dict.set(.string("positions"), ints(positions)) }
        case .pair(let chosen, let rejected):
            _ = dict.set(.string("chosen_ids"), ints(chosen.ids))
            _ = dict.set(.string("chosen_labels"), ints(chosen.labels))
            _ = dict.set(.string("rejected_ids"), ints(rejected.ids))
            _ = dict.set(.string("rejected_labels"), ints(rejected.labels))
        case .feedback(let sequence, let kl, let desirable):
            _ = dict.set(.string("ids"), ints(sequence.ids))
            _ = dict.set(.string("labels"), ints(sequence.labels))
            _ = dict.set(.string("kto_tag"), .bool(desirable))
            _ = dict.set(.string("kl_ids"), ints(kl.ids))
            _ = dict.set(.string("kl_labels"), ints(kl.labels))
        }
        return .dict(dict)
    }

    /// The decoded text of an item, trained spans inside `[[ ]]`; a pack's examples one
    /// per line after `packed:`, its padding counted.
    static func preview(_ example: EncodedExample, tokenizer: Tokenizer, padID: Int) throws -> String {
        func render(_ sequence: EncodedSequence) throws -> String {
            var text = ""
            var run: [Int] = []
            var trained = false
            func flush() throws {
                guard !run.isEmpty else { return }
                let piece = try tokenizer.decode(run)
                text += trained ? "[[" + piece + "]]" : piece
                run = []
            }
            for (id, label) in zip(sequence.ids, sequence.labels) {
                let isTrained = label != EncodedSequence.ignoreIndex
                if isTrained != trained { try flush() }
                trained = isTrained
                run.append(id)
            }
            try flush()
            return text
        }
        switch example {
        case .single(let sequence):
            guard let positions = sequence.positions else { return try render(sequence) }
            let (parts, padding) = packedParts(sequence, positions: positions, padID: padID)
            let lines = try parts.map { "  " + (try render($0)) }
            return "packed (\(parts.count) examples, \(padding) padding):\n" + lines.joined(separator: "\n")
        case .pair(let chosen, let rejected):
            return "chosen: " + (try render(chosen)) + "\nrejected: " + (try render(rejected))
        case .feedback(let sequence, let kl, let desirable):
            return (desirable ? "desirable: " : "undesirable: ") + (try render(sequence)) + "\nkl: " + (try render(kl))
        }
    }

    /// A pack's examples (runs of positions 0, 1, 2 ...) and the number of padding tokens
    /// at its end (position 0, the pad id, no label).
    static func packedParts(_ sequence: EncodedSequence, positions: [Int], padID: Int)
        -> (parts: [EncodedSequence], padding: Int)
    {
        var end = min(sequence.ids.count, positions.count)
        while end > 0, positions[end - 1] == 0, sequence.ids[end - 1] == padID,
            sequence.labels[end - 1] == EncodedSequence.ignoreIndex
        {
            end -= 1
        }
        var parts: [EncodedSequence] = []
        var start = 0
        func cut(_ index: Int) {
            parts.append(
                EncodedSequence(ids: Array(sequence.ids[start..<index]), labels: Array(sequence.labels[start..<index])))
            start = index
        }
        for index in 0..<end where index > start && positions[index] == 0 { cut(index) }
        if start < end { cut(end) }
        return (parts, sequence.ids.count - end)
    }
}
