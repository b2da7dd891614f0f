/// The errors of a bad body, shared by the incremental decoder and the in-place ``GRPCWebFrameDecoder/scan(_:maximumMessageSize:_:)``,
/// so that both describe the same body the same way.
extension GRPCWebFrameDecoder {
    /// Where a frame is, as errors name it: its number, counting from 1, and where its header starts. (Described
    /// only when an error is made: a good frame costs no string.)
    struct FrameLocation: CustomStringConvertible {
        var number: Int
        var offset: Int

        var description: String { "frame \(self.number) (at offset \(self.offset))" }
    }

    /// What is wrong with a frame's header, if anything: undefined flags, a compressed trailer frame, or a length
    /// over the limit.
    static func headerError(flags: UInt8, declaredLength: Int, maximumMessageSize: Int, frame: FrameLocation)
        -> TranscodingError?
    {
        let knownFlags = GRPCWebFrame.trailersFlag | GRPCWebFrame.compressedFlag
        if flags & ~knownFlags != 0 {
            return TranscodingError(
                .invalidValue,
                "\(frame) has flags \(Self.hex(flags)); only 0x80 (trailers) and 0x01 (compressed) are defined"
            )
        }
        if flags == knownFlags {
            return TranscodingError(
                .invalidValue, "\(frame) is a compressed trailer frame (flags 0x81), which is not supported")
        }
        if declaredLength > maximumMessageSize {
            return TranscodingError(
                .tooLarge, "\(frame) declares \(declaredLength) bytes, more than the limit of \(maximumMessageSize)")
        }
        return nil
    }

    /// The body ended after `received` of a frame's header bytes.
    static func endedInsideHeader(received: Int, frame: FrameLocation) -> TranscodingError {
        TranscodingError(
            .malformedProtobuf,
            "the body ended inside a frame: \(received) of \(GRPCWebFrame.headerSize) header bytes of \(frame)"
        )
    }

    /// The body ended after `received` of the `declared` payload bytes of a frame.
    static func endedInsidePayload(declared: Int, received: Int, frame: FrameLocation) -> TranscodingError {
        TranscodingError(
            .malformedProtobuf, "the body ended inside a frame: \(frame) declared \(declared) bytes, got \(received)")
    }

    /// Bytes follow the trailer frame, at `offset`.
    static func bytesAfterTrailers(frame: FrameLocation, offset: Int) -> TranscodingError {
        TranscodingError(
            .invalidValue,
            "\(frame) is the trailer frame, which must be the last, but more bytes follow at offset \(offset)"
        )
    }

    /// The trailer frame's payload did not parse.
    static func badTrailers(_ error: TranscodingError, frame: FrameLocation) -> TranscodingError {
        TranscodingError(error.code, "\(frame), the trailer frame: \(error.message)")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" : "") + digits
    }
}
