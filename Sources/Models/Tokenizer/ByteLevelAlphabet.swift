/// GPT-2's reversible map between bytes and printable characters (`bytes_to_unicode`):
/// bytes 33–126, 161–172 and 174–255 stand for themselves, the other 68 become U+0100
/// onwards in byte order, so a space is `Ġ` and a newline `Ċ`.
enum ByteLevelAlphabet {
    /// The character for each byte.
    static let characters: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
            if printable {
                table[byte] = Unicode.Scalar(UInt8(byte))
            } else {
                table[byte] = Unicode.Scalar(next) ?? " "
                next += 1
            }
        }
        return table
    }()

    /// The byte of each character, indexed by scalar value (up to U+0143); -1 if none.
    static let bytes: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in characters.enumerated() { table[Int(scalar.value)] = Int16(byte) }
        return table
    }()

    /// The characters for `text`'s UTF-8 bytes, as one string.
    static func encode<S: Sequence>(_ utf8: S) -> String where S.Element == UInt8 {
        var out = String.UnicodeScalarView()
        for byte in utf8 { out.append(characters[Int(byte)]) }
        return String(out)
    }

    /// The byte a character stands for, or nil.
    static func byte(of scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < bytes.count, bytes[value] >= 0 else { return nil }
        return UInt8(bytes[value])
    }
}
