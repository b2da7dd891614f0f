/// The standard base64 alphabet (RFC 4648 section 4) that `application/grpc-web-text` uses, as lookup tables.
enum GRPCWebBase64 {
    static let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// `decodeTable[byte]`: the 6-bit value of a base64 character, `padding` for `=`, `invalid` for anything else.
    /// Both markers have bit 6 or 7 set, so OR-ing four entries and testing `< 64` checks four characters at once.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for value in 0..<64 {
            table[Int(alphabet.utf8Start[value])] = UInt8(value)
        }
        table[Int(UInt8(ascii: "="))] = padding
        return table
    }()

    static let padding: UInt8 = 0x40
    static let invalid: UInt8 = 0xFF
}
