/// The percent-encoding of the `grpc-message` trailer (gRPC over HTTP/2, "Responses"): the message's UTF-8 bytes
/// outside printable ASCII (0x20-0x7E), and `%` itself, are written as `%XX` with upper-case hex digits.
public enum GRPCStatusMessage {
    /// `message` as it goes in a `grpc-message` trailer.
    public static func percentEncode(_ message: String) -> String {
        var contiguous = message
        let encoded: String? = contiguous.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            let count = self.encodedCount(bytes)
            if count == bytes.count { return nil }
            return String(unsafeUninitializedCapacity: count) { output in
                self.encode(bytes, into: UnsafeMutableRawBufferPointer(output))
            }
        }
        return encoded ?? message
    }

    /// The message a `grpc-message` trailer carries. Decoding never fails, as the spec requires: a `%` that is not
    /// followed by two hex digits is kept as it is, and when the decoded bytes are not UTF-8 the value is returned
    /// undecoded (the spec's fallback) rather than losing bytes to replacement characters.
    public static func percentDecode(_ encoded: String) -> String {
        var contiguous = encoded
        let decoded: String? = contiguous.withUTF8 { utf8 in
            let bytes = UnsafeRawBufferPointer(utf8)
            guard bytes.firstIndex(of: UInt8(ascii: "%")) != nil else { return nil }
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
                    let high = PercentDecoding.hexValue(bytes[index + 1]),
                    let low = PercentDecoding.hexValue(bytes[index + 2])
                {
                    output.append(high &<< 4 | low)
                    index += 3
                } else {
                    output.append(byte)
                    index += 1
                }
            }
            return String(validating: output, as: UTF8.self)
        }
        return decoded ?? encoded
    }

    /// Whether `byte` is written as itself.
    @inline(__always)
    static func isUnreserved(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%")
    }

    /// The size of `bytes` once percent-encoded.
    static func encodedCount(_ bytes: UnsafeRawBufferPointer) -> Int {
        var count = bytes.count
        for byte in bytes where !self.isUnreserved(byte) { count += 2 }
        return count
    }

    /// Writes `bytes` percent-encoded at the start of `output`, which holds at least `encodedCount(bytes)` bytes;
    /// returns the number of bytes written.
    @discardableResult
    static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        var written = 0
        for byte in bytes {
            if self.isUnreserved(byte) {
                output[written] = byte
                written += 1
            } else {
                output[written] = UInt8(ascii: "%")
                output[written + 1] = self.upperHexDigit(byte &>> 4)
                output[written + 2] = self.upperHexDigit(byte & 0x0F)
                written += 3
            }
        }
        return written
    }

    @inline(__always)
    private static func upperHexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") &+ nibble : UInt8(ascii: "A") &+ nibble &- 10
    }
}
