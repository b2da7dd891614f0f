/// Tests on eight bytes at once, used by the string scanners to skip over plain ASCII quickly.
enum ByteWord {
    @usableFromInline static let ones: UInt64 = 0x0101_0101_0101_0101
    @usableFromInline static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each byte that is a quote, a backslash, a control character or non-ASCII (zero when
    /// none is). Bits above the first such byte may be set spuriously (borrows), but the lowest set bit is
    /// exact.
    @inline(__always)
    static func stringAttentionMask(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
        let backslashes = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
        let controls = (word &- ones &* 0x20) & ~word
        return (word | controls | ((quotes &- ones) & ~quotes) | ((backslashes &- ones) & ~backslashes)) & highBits
    }

    /// How many bytes come before the one the lowest bit of a `stringAttentionMask` (not zero) points at.
    @inline(__always)
    static func bytesBefore(_ mask: UInt64) -> Int {
        #if _endian(little)
            return mask.trailingZeroBitCount >> 3
        #else
            return mask.leadingZeroBitCount >> 3
        #endif
    }
}
