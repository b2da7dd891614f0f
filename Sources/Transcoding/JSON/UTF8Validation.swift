/// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates (U+D800...U+DFFF), nothing past U+10FFFF.
enum UTF8Validation {
    /// The length of the valid multi-byte sequence starting at `index` (whose first byte is >= 0x80),
    /// or 0 when the bytes there are not valid UTF-8.
    @inline(__always)
    static func multiByteSequenceLength(in bytes: UnsafeRawBufferPointer, at index: Int) -> Int {
        let end = bytes.count
        let lead = bytes[index]
        switch lead {
        case 0xC2...0xDF:
            guard index + 1 < end, isContinuation(bytes[index + 1]) else { return 0 }
            return 2
        case 0xE0...0xEF:
            guard index + 2 < end else { return 0 }
            let second = bytes[index + 1]
            // E0 needs A0...BF (no overlong), ED needs 80...9F (no surrogates).
            let secondValid: Bool =
                switch lead {
                case 0xE0: second >= 0xA0 && second <= 0xBF
                case 0xED: second >= 0x80 && second <= 0x9F
                default: isContinuation(second)
                }
            guard secondValid, isContinuation(bytes[index + 2]) else { return 0 }
            return 3
        case 0xF0...0xF4:
            guard index + 3 < end else { return 0 }
            let second = bytes[index + 1]
            // F0 needs 90...BF (no overlong), F4 needs 80...8F (nothing past U+10FFFF).
            let secondValid: Bool =
                switch lead {
                case 0xF0: second >= 0x90 && second <= 0xBF
                case 0xF4: second >= 0x80 && second <= 0x8F
                default: isContinuation(second)
                }
            guard secondValid, isContinuation(bytes[index + 2]), isContinuation(bytes[index + 3]) else { return 0 }
            return 4
        default:
            // 0x80...0xC1 (continuation or overlong lead) and 0xF5...0xFF never start a sequence.
            return 0
        }
    }

    @inline(__always)
    static func isContinuation(_ byte: UInt8) -> Bool { byte & 0xC0 == 0x80 }

    /// Whether all of `bytes` is valid UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            // Eight ASCII bytes at a time.
            if index + 8 <= count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            let length = multiByteSequenceLength(in: bytes, at: index)
            if length == 0 { return false }
            index += length
        }
        return true
    }
}
