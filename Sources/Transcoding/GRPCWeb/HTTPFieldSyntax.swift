/// The byte classes of HTTP field lines (RFC 9110 section 5), shared by the trailer frame's parser and encoder.
enum HTTPFieldSyntax {
    /// `tchar`: the characters of a field name.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Any byte of a field value except the control characters (tab is allowed; bytes from 0x80 are UTF-8).
    static func isValueCharacter(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    /// `OWS`: the space and tab around a field value.
    static func isOptionalWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == 0x09
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// A byte as an error message shows it: `'x'` when printable, else its hex value.
    static func describe(_ byte: UInt8) -> String {
        if byte > 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        let name: String =
            switch byte {
            case 0x00: " (NUL)"
            case 0x09: " (tab)"
            case 0x0A: " (LF)"
            case 0x0D: " (CR)"
            case 0x20: " (space)"
            default: ""
            }
        return "0x" + (hex.count == 1 ? "0" : "") + hex + name
    }
}
