/// Base64 (RFC 4648) as proto3 JSON uses it: written in the standard alphabet with padding; read in
/// either the standard or the URL-safe alphabet, padded or not.
///
/// Decoding is strict: no whitespace, no characters outside the alphabets, padding only at the end and
/// only as much as the length needs, and the unused low bits of the last character must be zero, so each
/// byte string has exactly one accepted spelling per alphabet and padding choice.
public enum Base64 {
    private static let standardAlphabet: StaticString =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

    /// Appends the padded standard encoding of `input`.
    static func encode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        let count = input.count
        guard count > 0 else { return }
        let encodedCount = (count + 2) / 3 * 4
        let alphabet = standardAlphabet.utf8Start
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: encodedCount))
        output.withUnsafeMutableBufferPointer { buffer in
            var out = start
            var index = 0
            while index + 3 <= count {
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                buffer[out] = alphabet[Int(chunk >> 18)]
                buffer[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                buffer[out + 2] = alphabet[Int(chunk >> 6 & 0x3F)]
                buffer[out + 3] = alphabet[Int(chunk & 0x3F)]
                out += 4
                index += 3
            }
            switch count - index {
            case 1:
                let chunk = UInt32(input[index]) << 16
                buffer[out] = alphabet[Int(chunk >> 18)]
                buffer[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                buffer[out + 2] = UInt8(ascii: "=")
                buffer[out + 3] = UInt8(ascii: "=")
            case 2:
                let chunk = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8
                buffer[out] = alphabet[Int(chunk >> 18)]
                buffer[out + 1] = alphabet[Int(chunk >> 12 & 0x3F)]
                buffer[out + 2] = alphabet[Int(chunk >> 6 & 0x3F)]
                buffer[out + 3] = UInt8(ascii: "=")
            default:
                break
            }
        }
    }

    /// The number of bytes `input` decodes to, or nil when its length or padding is impossible.
    static func decodedCount(of input: UnsafeRawBufferPointer) -> Int? {
        var count = input.count
        if count >= 1 && input[count - 1] == UInt8(ascii: "=") {
            // Padding is only allowed on a full final group of four.
            guard input.count % 4 == 0 else { return nil }
            count -= 1
            if input[count - 1] == UInt8(ascii: "=") { count -= 1 }
        }
        switch count % 4 {
        case 1: return nil
        case 0: return count / 4 * 3
        default: return count / 4 * 3 + count % 4 - 1
        }
    }

    /// Appends the decoded bytes of `input`; returns false (having appended part of them) when the
    /// input is not valid base64.
    static func decode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) -> Bool {
        guard let decodedCount = decodedCount(of: input) else { return false }
        guard decodedCount > 0 else { return true }
        // Characters that carry data (padding excluded).
        let dataCount = decodedCount / 3 * 4 + (decodedCount % 3 == 0 ? 0 : decodedCount % 3 + 1)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: decodedCount))
        return output.withUnsafeMutableBufferPointer { buffer in
            var out = start
            var index = 0
            var invalid: UInt32 = 0
            while index + 4 <= dataCount {
                let a = sextet(input[index]), b = sextet(input[index + 1])
                let c = sextet(input[index + 2]), d = sextet(input[index + 3])
                invalid |= (a | b | c | d) & 0x100
                let chunk = a << 18 | b << 12 | c << 6 | d
                buffer[out] = UInt8(truncatingIfNeeded: chunk >> 16)
                buffer[out + 1] = UInt8(truncatingIfNeeded: chunk >> 8)
                buffer[out + 2] = UInt8(truncatingIfNeeded: chunk)
                out += 3
                index += 4
            }
            switch dataCount - index {
            case 2:
                let a = sextet(input[index]), b = sextet(input[index + 1])
                invalid |= (a | b) & 0x100
                // The last character's low four bits are unused and must be zero.
                if b & 0x0F != 0 { return false }
                buffer[out] = UInt8(truncatingIfNeeded: a << 2 | b >> 4)
            case 3:
                let a = sextet(input[index]), b = sextet(input[index + 1]), c = sextet(input[index + 2])
                invalid |= (a | b | c) & 0x100
                if c & 0x03 != 0 { return false }
                let chunk = a << 10 | b << 4 | c >> 2
                buffer[out] = UInt8(truncatingIfNeeded: chunk >> 8)
                buffer[out + 1] = UInt8(truncatingIfNeeded: chunk)
            default:
                break
            }
            return invalid == 0
        }
    }

    /// The 6-bit value of a character of either alphabet, or 0x100 for any other byte.
    @inline(__always)
    private static func sextet(_ byte: UInt8) -> UInt32 {
        UInt32(decodingTable[Int(byte)])
    }

    /// 0...63 for alphabet characters (`+`/`-` are 62, `/`/`_` are 63), 0x100 (as UInt16) for the rest.
    private static let decodingTable: [UInt16] = {
        var table = [UInt16](repeating: 0x100, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            table[Int(character)] = UInt16(value)
        }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Decodes base64 text (either alphabet, padded or not); nil when it is not valid base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        let valid = Array(text.utf8).withUnsafeBytes { Self.decode($0, into: &output) }
        return valid ? output : nil
    }

    /// The padded standard-alphabet encoding of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        bytes.withUnsafeBytes { Self.encode($0, into: &output) }
        return String(decoding: output, as: UTF8.self)
    }
}
