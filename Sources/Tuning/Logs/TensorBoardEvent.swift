/// One TensorBoard `Event` (tensorflow/core/util/event.proto): a wall time, a step, and
/// either the file-version header or a `Summary` of scalar values.
public struct TensorBoardEvent: Equatable, Sendable {
    /// One `Summary.Value` with a `simple_value`.
    public struct Scalar: Equatable, Sendable {
        /// The tag (`train/loss`).
        public var tag: String
        /// The value, stored as a 32-bit float as TensorBoard does.
        public var value: Float

        /// Pairs a tag with a value.
        public init(tag: String, value: Float) {
            self.tag = tag
            self.value = value
        }
    }

    /// Seconds since 1970.
    public var wallTime: Double
    /// The training step.
    public var step: Int64
    /// `brain.Event:2` in a file's first event, nil otherwise.
    public var fileVersion: String?
    /// The scalar summary values.
    public var scalars: [Scalar]

    /// Makes an event.
    public init(wallTime: Double, step: Int64, fileVersion: String? = nil, scalars: [Scalar] = []) {
        self.wallTime = wallTime
        self.step = step
        self.fileVersion = fileVersion
        self.scalars = scalars
    }

    /// The protobuf encoding: wall_time = 1 (double), step = 2 (int64),
    /// file_version = 3 (string), summary = 5 (Summary { repeated Value value = 1 },
    /// Value { string tag = 1; float simple_value = 2 }).
    public func encoded() -> [UInt8] {
        var event = ProtobufWriter()
        event.double(1, wallTime)
        if step != 0 { event.int64(2, step) }
        if let fileVersion { event.bytes(3, Array(fileVersion.utf8)) }
        if !scalars.isEmpty {
            var summary = ProtobufWriter()
            for scalar in scalars {
                var value = ProtobufWriter()
                value.bytes(1, Array(scalar.tag.utf8))
                value.float(2, scalar.value)
                summary.bytes(1, value.bytes)
            }
            event.bytes(5, summary.bytes)
        }
        return event.bytes
    }

    /// Decodes an Event, keeping the fields above and skipping any others.
    /// - Throws: `TensorBoardError.malformedEvent`.
    public init(decoding bytes: [UInt8]) throws {
        self.init(wallTime: 0, step: 0)
        var reader = ProtobufReader(bytes)
        while let (field, value) = try reader.next() {
            switch (field, value) {
            case (1, .fixed64(let bits)): wallTime = Double(bitPattern: bits)
            case (2, .varint(let raw)): step = Int64(bitPattern: raw)
            case (3, .bytes(let text)): fileVersion = String(decoding: text, as: UTF8.self)
            case (5, .bytes(let summary)): scalars += try Self.decodeSummary(summary)
            default: continue
            }
        }
    }

    private static func decodeSummary(_ bytes: [UInt8]) throws -> [Scalar] {
        var result: [Scalar] = []
        var reader = ProtobufReader(bytes)
        while let (field, value) = try reader.next() {
            guard field == 1, case .bytes(let valueBytes) = value else { continue }
            var tag = ""
            var number: Float?
            var valueReader = ProtobufReader(valueBytes)
            while let (valueField, item) = try valueReader.next() {
                switch (valueField, item) {
                case (1, .bytes(let text)): tag = String(decoding: text, as: UTF8.self)
                case (2, .fixed32(let bits)): number = Float(bitPattern: bits)
                default: continue
                }
            }
            if let number { result.append(Scalar(tag: tag, value: number)) }
        }
        return result
    }
}
