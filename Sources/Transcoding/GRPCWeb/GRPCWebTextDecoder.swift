/// Decodes an `application/grpc-web-text` request body: standard base64 with padding, arriving in chunks split
/// anywhere (even inside a 4-character group). The body may be several separately padded base64 strings one after
/// the other (`AAAA==BBBB`), as clients that encode each message on its own send them: after a padded group,
/// decoding starts afresh.
///
/// Nothing is skipped: whitespace (CR and LF included, which no gRPC-Web client sends), the URL-safe alphabet, a
/// `=` before the third character of a group, a character after `=` in a group, and a final character whose unused
/// bits are not zero are all errors (`.invalidValue`, naming the character and its offset in the text). Errors are
/// sticky. Decoding runs through a fixed-size stack buffer, so it allocates nothing itself.
public struct GRPCWebTextDecoder: Sendable {
    /// The 6-bit values of the current group's data characters.
    private var groupBits: UInt32 = 0
    /// Characters of the current group seen so far, padding included (0...3).
    private var groupCount = 0
    private var paddingCount = 0
    /// The current group's last data character, named when its unused bits are not zero.
    private var lastDataCharacter: UInt8 = 0
    /// Characters decoded so far, for error messages.
    private var textOffset = 0
    private var failure: TranscodingError?

    public init() {}

    /// Decodes the next piece of the text and hands the bytes it yields to `consume`, in one or more pieces (none
    /// when the piece ends inside a group). The pieces are only valid during the call.
    public mutating func decode(
        _ text: UnsafeRawBufferPointer,
        _ consume: (UnsafeRawBufferPointer) -> Void
    ) throws(TranscodingError) {
        if let failure = self.failure { throw failure }
        let failure = withUnsafeTemporaryAllocation(byteCount: Self.outputCapacity, alignment: 1) { output in
            self.decode(text, through: output, consume)
        }
        if let failure {
            self.failure = failure
            throw failure
        }
    }

    /// Decoded bytes are handed on in pieces of at most this size, from a buffer on the stack.
    private static let outputCapacity = 3 * 1024

    /// Decodes `text` in slices that fill `output`, handing each slice's bytes to `consume`; returns the error that
    /// stopped it, if any.
    private mutating func decode(
        _ text: UnsafeRawBufferPointer,
        through output: UnsafeMutableRawBufferPointer,
        _ consume: (UnsafeRawBufferPointer) -> Void
    ) -> TranscodingError? {
        GRPCWebBase64.decodeTable.withUnsafeBufferPointer { table in
            var index = 0
            while index < text.count {
                let sliceEnd = min(text.count, index + output.count / 3 * 4)
                let (reached, written, failure) = self.decodeSlice(text, from: index, to: sliceEnd, table, output)
                if written > 0 { consume(UnsafeRawBufferPointer(rebasing: output[..<written])) }
                if let failure { return failure }
                index = reached
            }
            return nil
        }
    }

    /// Decodes the next piece of the text straight into `frames`.
    public mutating func decode(
        _ text: UnsafeRawBufferPointer,
        into frames: inout GRPCWebFrameDecoder
    ) throws(TranscodingError) {
        try self.decode(text) { frames.append($0) }
    }

    /// Decodes the next piece of the text, appending the bytes to `output`.
    public mutating func decode(
        _ text: UnsafeRawBufferPointer,
        appendingTo output: inout [UInt8]
    ) throws(TranscodingError) {
        try self.decode(text) { output.append(contentsOf: $0) }
    }

    /// Call when the text has ended: throws if it was bad, or if it ended inside a group.
    public func finish() throws(TranscodingError) {
        if let failure = self.failure { throw failure }
        guard self.groupCount == 0 else {
            throw TranscodingError(
                .invalidValue,
                "the text ended inside a base64 group: \(self.groupCount) of 4 characters "
                    + "(a group must be padded with '=')"
            )
        }
    }

    /// Decodes `text[start..<end]` into `output` (which holds 3 bytes per 4 characters); returns the index it
    /// reached, the bytes written, and the error that stopped it, if any.
    private mutating func decodeSlice(
        _ text: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int,
        _ table: UnsafeBufferPointer<UInt8>,
        _ output: UnsafeMutableRawBufferPointer
    ) -> (index: Int, written: Int, failure: TranscodingError?) {
        var index = start
        var written = 0
        while index < end {
            if self.groupCount == 0 {
                Self.decodeWholeGroups(text, &index, end, table, output, &written)
                if index == end { break }
            }
            let character = text[index]
            let value = table[Int(character)]
            let offset = self.textOffset + index - start
            if value < 64 {
                guard self.paddingCount == 0 else {
                    return (index, written, self.error(character, at: offset, "follows '=' in its group of 4"))
                }
                self.groupBits = self.groupBits &<< 6 | UInt32(value)
                self.groupCount += 1
                self.lastDataCharacter = character
                if self.groupCount == 4 {
                    output[written] = UInt8(truncatingIfNeeded: self.groupBits &>> 16)
                    output[written + 1] = UInt8(truncatingIfNeeded: self.groupBits &>> 8)
                    output[written + 2] = UInt8(truncatingIfNeeded: self.groupBits)
                    written += 3
                    self.groupBits = 0
                    self.groupCount = 0
                }
            } else if value == GRPCWebBase64.padding {
                guard self.groupCount >= 2 else {
                    return (
                        index, written,
                        self.error(
                            character,
                            at: offset,
                            "is character \(self.groupCount + 1) of its group of 4; "
                                + "padding may only be the third or fourth"
                        )
                    )
                }
                self.paddingCount += 1
                self.groupCount += 1
                if self.groupCount == 4 {
                    // 2 data characters carry 1 byte and 4 spare bits; 3 carry 2 bytes and 2 spare bits.
                    let dataCount = 4 - self.paddingCount
                    let spareBits = dataCount == 2 ? 4 : 2
                    guard self.groupBits & (1 &<< spareBits &- 1) == 0 else {
                        let problem = "has non-zero unused bits before the padding (not canonical base64)"
                        return (
                            index, written, self.error(self.lastDataCharacter, at: offset - self.paddingCount, problem)
                        )
                    }
                    let bytes = self.groupBits &>> UInt32(spareBits)
                    if dataCount == 2 {
                        output[written] = UInt8(truncatingIfNeeded: bytes)
                        written += 1
                    } else {
                        output[written] = UInt8(truncatingIfNeeded: bytes &>> 8)
                        output[written + 1] = UInt8(truncatingIfNeeded: bytes)
                        written += 2
                    }
                    self.groupBits = 0
                    self.groupCount = 0
                    self.paddingCount = 0
                }
            } else {
                return (index, written, self.error(character, at: offset, Self.whyInvalid(character)))
            }
            index += 1
        }
        self.textOffset += end - start
        return (end, written, nil)
    }

    /// The fast path: decodes groups of 4 data characters from `index` until fewer than 4 characters are left or a
    /// group holds padding or a bad character (which the caller then handles one character at a time). A static
    /// function, so that the stores to `output` cannot make the compiler reload the decoder's state on every group.
    @inline(__always)
    private static func decodeWholeGroups(
        _ text: UnsafeRawBufferPointer,
        _ index: inout Int,
        _ end: Int,
        _ table: UnsafeBufferPointer<UInt8>,
        _ output: UnsafeMutableRawBufferPointer,
        _ written: inout Int
    ) {
        var position = index
        var outputPosition = written
        while end &- position >= 4 {
            let a = table[Int(text[position])]
            let b = table[Int(text[position &+ 1])]
            let c = table[Int(text[position &+ 2])]
            let d = table[Int(text[position &+ 3])]
            guard a | b | c | d < 64 else { break }
            let bits = UInt32(a) &<< 18 | UInt32(b) &<< 12 | UInt32(c) &<< 6 | UInt32(d)
            output[outputPosition] = UInt8(truncatingIfNeeded: bits &>> 16)
            output[outputPosition &+ 1] = UInt8(truncatingIfNeeded: bits &>> 8)
            output[outputPosition &+ 2] = UInt8(truncatingIfNeeded: bits)
            outputPosition &+= 3
            position &+= 4
        }
        index = position
        written = outputPosition
    }

    private func error(_ character: UInt8, at offset: Int, _ problem: String) -> TranscodingError {
        TranscodingError(
            .invalidValue,
            "invalid base64 text: character \(HTTPFieldSyntax.describe(character)) at offset \(offset) \(problem)"
        )
    }

    private static func whyInvalid(_ character: UInt8) -> String {
        switch character {
        case UInt8(ascii: " "), 0x09, 0x0A, 0x0D: "is whitespace, which grpc-web-text does not allow"
        case UInt8(ascii: "-"), UInt8(ascii: "_"): "is from the URL-safe alphabet; grpc-web-text uses the standard one"
        default: "is not in the base64 alphabet"
        }
    }
}
