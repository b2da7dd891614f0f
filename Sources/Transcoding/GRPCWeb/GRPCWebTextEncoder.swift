/// Encodes `application/grpc-web-text` response bodies: standard base64 with padding.
///
/// Each piece is encoded on its own, padding included, so the gateway can encode every frame (or every flushed
/// buffer) as it goes without carrying state: the spec lets padding appear wherever the server flushes, and
/// clients restart decoding after it (as `GRPCWebTextDecoder` does).
public enum GRPCWebTextEncoder {
    /// The number of characters `encode` writes for `byteCount` bytes: 4 for every 3 bytes or part of 3.
    public static func encodedCount(of byteCount: Int) -> Int {
        precondition(byteCount >= 0 && byteCount <= Int.max / 4 * 3 - 2, "\(byteCount) is not the size of a buffer")
        return (byteCount + 2) / 3 * 4
    }

    /// Writes `bytes` as padded base64 at the start of `output`, which must hold `encodedCount(of: bytes.count)`
    /// bytes; returns that count.
    @discardableResult
    public static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let count = self.encodedCount(of: bytes.count)
        precondition(output.count >= count, "the output holds \(output.count) bytes; base64 needs \(count)")
        let alphabet = GRPCWebBase64.alphabet.utf8Start
        var index = 0
        var written = 0
        while bytes.count - index >= 3 {
            let bits = UInt32(bytes[index]) &<< 16 | UInt32(bytes[index + 1]) &<< 8 | UInt32(bytes[index + 2])
            output[written] = alphabet[Int(bits &>> 18)]
            output[written + 1] = alphabet[Int(bits &>> 12 & 0x3F)]
            output[written + 2] = alphabet[Int(bits &>> 6 & 0x3F)]
            output[written + 3] = alphabet[Int(bits & 0x3F)]
            index += 3
            written += 4
        }
        let rest = bytes.count - index
        if rest > 0 {
            let bits = UInt32(bytes[index]) &<< 16 | (rest == 2 ? UInt32(bytes[index + 1]) &<< 8 : 0)
            output[written] = alphabet[Int(bits &>> 18)]
            output[written + 1] = alphabet[Int(bits &>> 12 & 0x3F)]
            output[written + 2] = rest == 2 ? alphabet[Int(bits &>> 6 & 0x3F)] : UInt8(ascii: "=")
            output[written + 3] = UInt8(ascii: "=")
            written += 4
        }
        return written
    }

    /// Appends `bytes` as padded base64 to `output`.
    public static func encode(_ bytes: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) {
        let count = self.encodedCount(of: bytes.count)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: count))
        _ = output.withUnsafeMutableBytes { output in
            self.encode(bytes, into: UnsafeMutableRawBufferPointer(rebasing: output[start...]))
        }
    }

    /// `bytes` as padded base64.
    public static func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: self.encodedCount(of: bytes.count)) { output, count in
            count = self.encode(bytes, into: UnsafeMutableRawBufferPointer(output))
        }
    }

    /// `bytes` as padded base64.
    public static func encode(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { self.encode($0) }
    }
}
