/// Finds a byte in a buffer eight bytes at a time, for the scans a path match repeats on every request (`/` between
/// segments, `%` for escapes).
enum ByteSearch {
    /// The first index in `start..<end` holding `byte`, or `end`.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in buffer: UnsafeRawBufferPointer, from start: Int, to end: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits: UInt64 = 0x8080_8080_8080_8080
        let pattern = UInt64(byte) &* ones
        var index = start
        while index + 8 <= end {
            let word = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: index, as: UInt64.self)) ^ pattern
            // A zero byte in `word` is a match; the lowest flagged byte is exact (borrows only run upwards).
            let zeroBytes = (word &- ones) & ~word & highBits
            if zeroBytes != 0 { return index + zeroBytes.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < end {
            if buffer[index] == byte { return index }
            index += 1
        }
        return end
    }
}
