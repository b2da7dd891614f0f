extension GRPCWebFrameDecoder {
    /// Checks a complete body in place, handing `visit` each frame's flags and payload as it goes: no payload is
    /// copied, for a caller that forwards the body as it is (binary gRPC-Web is already gRPC's framing).
    ///
    /// It finds what ``frames(in:maximumMessageSize:)`` would, with the same errors (the trailer frame is parsed,
    /// and must be the last). Frames before a bad one have been visited when it throws.
    public static func scan(
        _ body: UnsafeRawBufferPointer,
        maximumMessageSize: Int = GRPCWebFrameDecoder.defaultMaximumMessageSize,
        _ visit: (_ flags: UInt8, _ payload: UnsafeRawBufferPointer) -> Void
    ) throws(TranscodingError) {
        let limit = max(0, maximumMessageSize)
        var frame = FrameLocation(number: 1, offset: 0)
        while frame.offset < body.count {
            let start = frame.offset + GRPCWebFrame.headerSize
            guard start <= body.count else {
                throw Self.endedInsideHeader(received: body.count - frame.offset, frame: frame)
            }
            let flags = body[frame.offset]
            let declared = body[(frame.offset + 1)..<start].reduce(0) { $0 << 8 | Int($1) }
            if let error = Self.headerError(
                flags: flags, declaredLength: declared, maximumMessageSize: limit, frame: frame)
            {
                throw error
            }
            let end = start + declared
            guard end <= body.count else {
                throw Self.endedInsidePayload(declared: declared, received: body.count - start, frame: frame)
            }
            let payload = UnsafeRawBufferPointer(rebasing: body[start..<end])
            if flags & GRPCWebFrame.trailersFlag != 0 {
                do {
                    _ = try GRPCWebTrailers(parsing: payload)
                } catch {
                    throw Self.badTrailers(error, frame: frame)
                }
                guard end == body.count else { throw Self.bytesAfterTrailers(frame: frame, offset: end) }
            }
            visit(flags, payload)
            frame = FrameLocation(number: frame.number + 1, offset: end)
        }
    }
}
