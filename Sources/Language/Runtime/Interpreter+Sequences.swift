// Subscripts, slices and iteration over every kind of sequence.
extension Interpreter {
    /// The most elements a builtin builds into one list or string (10 million).
    static let maxMaterialized = 10_000_000

    /// How many elements `stride(from:to:by:)` yields, approximately (for size guards).
    static func strideCount(from start: Int, to end: Int, by step: Int) -> Double {
        max(0, ((Double(end) - Double(start)) / Double(step)).rounded(.up))
    }

    /// `object[components]`.
    func getIndex(_ object: Value, _ components: [IndexComponent], _ span: SourceSpan) throws -> Value {
        if case .host(let host) = object {
            guard let getIndex = host.hostType.getIndex else { throw RuntimeError(.notSubscriptable(object.typeName, span)) }
            return try Operators.hostCall({ try getIndex(host, components) }, span)
        }
        guard components.count == 1 else { throw RuntimeError(.badSubscript(object.typeName, span)) }
        switch (object, components[0]) {
        case (.dict(let dict), .value(let key)):
            if let value = dict.get(key) { return value }
            if HashKey(key) == nil { throw RuntimeError(.unhashable(key.typeName, span)) }
            let names = dict.keys.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
            let hint: String? = if case .string(let s) = key { Suggestions.didYouMean(s, in: names) } else { nil }
            throw RuntimeError(.keyNotFound(key.repr, span, hint: hint))
        case (.list(let list), .value(let index)):
            return list.items[try position(index, list.items.count, object, span)]
        case (.tuple(let items), .value(let index)):
            return items[try position(index, items.count, object, span)]
        case (.string(let text), .value(let index)):
            let characters = Array(text)
            return .string(String(characters[try position(index, characters.count, object, span)]))
        case (.range(let range), .value(let index)):
            let i = try position(index, Int(clamping: range.count), object, span)
            return .int(range.lower + Int64(i))
        case (.list(let list), .slice(let start, let stop, let step)):
            return .list(ListObject(try Interpreter.slice(list.items, start, stop, step, span)))
        case (.tuple(let items), .slice(let start, let stop, let step)):
            return .tuple(try Interpreter.slice(items, start, stop, step, span))
        case (.string(let text), .slice(let start, let stop, let step)):
            return .string(String(try Interpreter.slice(Array(text), start, stop, step, span)))
        case (.range(let range), .slice(let start, let stop, let step)):
            let positions = try Interpreter.slicePositions(count: Int(clamping: range.count), start, stop, step, span)
            var items: [Value] = []
            for p in positions {
                items.append(.int(range.lower + p))
                if items.count > Interpreter.maxMaterialized { throw RuntimeError(.tooLarge(span)) }
            }
            return .list(ListObject(items))
        default:
            throw RuntimeError(.badSubscript(object.typeName, span))
        }
    }

    /// `object[components] = value`.
    func setIndex(_ object: Value, _ components: [IndexComponent], _ value: Value, _ span: SourceSpan) throws {
        if case .host(let host) = object {
            guard let setIndex = host.hostType.setIndex else { throw RuntimeError(.notSubscriptable(object.typeName, span)) }
            try Operators.hostCall({ try setIndex(host, components, value) }, span)
            return
        }
        guard components.count == 1 else { throw RuntimeError(.badSubscript(object.typeName, span)) }
        switch (object, components[0]) {
        case (.dict(let dict), .value(let key)):
            guard dict.set(key, value) else { throw RuntimeError(.unhashable(key.typeName, span)) }
        case (.list(let list), .value(let index)):
            list.items[try position(index, list.items.count, object, span)] = value
        default:
            throw RuntimeError(.cannotAssignIndex(object.typeName, span))
        }
    }

    /// A checked position from an int index; negative indices count from the end.
    private func position(_ index: Value, _ count: Int, _ object: Value, _ span: SourceSpan) throws -> Int {
        guard case .int(let i) = index else { throw RuntimeError(.indexType(object.typeName, index.typeName, span)) }
        let j = i < 0 ? i + Int64(count) : i
        guard j >= 0, j < Int64(count) else { throw RuntimeError(.indexOutOfRange(i, object.typeName, count, span)) }
        return Int(j)
    }

    /// The positions a slice selects in a sequence of `count` elements, with Python's
    /// semantics: bounds clamp, negatives count from the end, the step may be negative.
    static func slicePositions(count: Int, _ start: Int64?, _ stop: Int64?, _ step: Int64?, _ span: SourceSpan) throws -> StrideTo<Int64> {
        let n = Int64(count)
        let step = step ?? 1
        guard step != 0 else { throw RuntimeError(.zeroSliceStep(span)) }
        func clamp(_ value: Int64?, _ fallback: Int64, low: Int64, high: Int64) -> Int64 {
            guard var v = value else { return fallback }
            if v < 0 { v = v &+ n }
            return min(max(v, low), high)
        }
        if step > 0 {
            return Swift.stride(from: clamp(start, 0, low: 0, high: n), to: clamp(stop, n, low: 0, high: n), by: Int(step))
        }
        return stride(from: clamp(start, n - 1, low: -1, high: n - 1), to: clamp(stop, -1, low: -1, high: n - 1), by: Int(step))
    }

    static func slice<T>(_ items: [T], _ start: Int64?, _ stop: Int64?, _ step: Int64?, _ span: SourceSpan) throws -> [T] {
        try slicePositions(count: items.count, start, stop, step, span).map { items[Int($0)] }
    }

    /// An iterator over any iterable value; host iterators' errors get `span`.
    func makeIterator(_ value: Value, _ span: SourceSpan?) throws -> ValueIterator {
        switch value {
        case .range(let range):
            var i = range.lower
            return ValueIterator {
                guard i < range.upper else { return nil }
                defer { i += 1 }
                return .int(i)
            }
        case .list(let list):
            var i = 0
            return ValueIterator {
                guard i < list.items.count else { return nil }
                defer { i += 1 }
                return list.items[i]
            }
        case .tuple(let items):
            return ValueIterator(items)
        case .string(let text):
            return ValueIterator(text.map { .string(String($0)) })
        case .dict(let dict):
            return ValueIterator(dict.keys)
        case .host(let object):
            guard let iterate = object.hostType.iterate else { throw RuntimeError(.notIterable(value.typeName, span)) }
            let errorSpan = span ?? SourceSpan(source: SourceID(rawValue: -1), start: .init(line: 0, column: 0), end: .init(line: 0, column: 0))
            let inner = try Operators.hostCall({ try iterate(object) }, errorSpan)
            return ValueIterator { try Operators.hostCall({ try inner.next() }, errorSpan) }
        default:
            throw RuntimeError(.notIterable(value.typeName, span))
        }
    }

    /// Every element of a finite iterable, in order.
    func elements(of value: Value, _ span: SourceSpan?, limit: Int = Interpreter.maxMaterialized) throws -> [Value] {
        switch value {
        case .list(let list): return list.items
        case .tuple(let items): return items
        default:
            let iterator = try makeIterator(value, span)
            var result: [Value] = []
            while let next = try iterator.next() {
                result.append(next)
                if result.count > limit { throw RuntimeError(.tooLarge(span)) }
                if result.count & 1023 == 0 { try state.tick(span ?? Interpreter.noSpan) }
            }
            return result
        }
    }
}
