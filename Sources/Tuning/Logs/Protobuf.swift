/// The few protobuf wire-format pieces TensorBoard event files need: varints, fixed
/// 32/64-bit fields and length-delimited fields, written and read by hand.
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    private mutating func key(_ field: Int, wireType: UInt64) {
        varint(UInt64(field) << 3 | wireType)
    }

    /// An int64 field (wire type 0); negative values take ten bytes, as in protobuf.
    mutating func int64(_ field: Int, _ value: Int64) {
        key(field, wireType: 0)
        varint(UInt64(bitPattern: value))
    }

    /// A double field (wire type 1, little-endian).
    mutating func double(_ field: Int, _ value: Double) {
        key(field, wireType: 1)
        append(littleEndian: value.bitPattern)
    }

    /// A float field (wire type 5, little-endian).
    mutating func float(_ field: Int, _ value: Float) {
        key(field, wireType: 5)
        append(littleEndian: value.bitPattern)
    }

    /// A length-delimited field: a string, bytes or an embedded message.
    mutating func bytes(_ field: Int, _ payload: [UInt8]) {
        key(field, wireType: 2)
        varint(UInt64(payload.count))
        bytes.append(contentsOf: payload)
    }

    private mutating func append<T: FixedWidthInteger>(littleEndian value: T) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { bytes.append(contentsOf: $0) }
    }
}

/// A field read by `ProtobufReader`.
enum ProtobufField {
    case varint(UInt64)
    case fixed64(UInt64)
    case fixed32(UInt32)
    case bytes([UInt8])
}

/// Reads the fields of one protobuf message in order.
struct ProtobufReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The next field number and value, nil at the end.
    /// - Throws: `TensorBoardError.malformedEvent` for truncated or unknown wire types.
    mutating func next() throws -> (field: Int, value: ProtobufField)? {
        guard position < bytes.count else { return nil }
        let key = try varint()
        let field = Int(key >> 3)
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: return (field, .fixed64(try fixed(8)))
        case 5: return (field, .fixed32(UInt32(try fixed(4))))
        case 2:
            let length = Int(try varint())
            guard length >= 0, position + length <= bytes.count else {
                throw TensorBoardError.malformedEvent(reason: "field \(field) runs past the end")
            }
            defer { position += length }
            return (field, .bytes(Array(bytes[position..<position + length])))
        default:
            throw TensorBoardError.malformedEvent(reason: "wire type \(key & 7) of field \(field)")
        }
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw TensorBoardError.malformedEvent(reason: "truncated varint")
    }

    private mutating func fixed(_ count: Int) throws -> UInt64 {
        guard position + count <= bytes.count else {
            throw TensorBoardError.malformedEvent(reason: "truncated fixed field")
        }
        var result: UInt64 = 0
        for index in 0..<count { result |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += count
        return result
    }
}
