/// Splits a gRPC-Web body (`application/grpc-web`, or `application/grpc-web-text` once base64-decoded) into frames
/// as its bytes arrive, in chunks of any size.
///
/// Feed each chunk to `append(_:)`, then call `next()` until it returns nil; when the body ends, call `finish()`.
/// A chunk is copied straight into the payload of the frame it belongs to (a payload whose bytes all arrive in one
/// chunk is allocated once, at its exact size) and never kept after that, so the decoder holds at most the frames
/// that `next()` has not returned yet and the part of the current frame received so far. A payload that arrives in
/// pieces grows with what has arrived (at most 64 KiB ahead of it), not with what its header declares.
///
/// Errors are sticky: once the input is found to be bad, the frames completed before the bad one are still returned,
/// then `next()` and `finish()` throw, and later input is ignored.
/// - a flags byte with bits other than `0x80` (trailers) and `0x01` (compressed) set, or a compressed trailer frame:
///   `.invalidValue`;
/// - a declared length above `maximumMessageSize`: `.tooLarge`, as soon as the 5 header bytes have arrived;
/// - a malformed trailer frame, or any byte after the trailer frame (which must be the last): `.invalidValue`;
/// - a body that ends inside a frame (`finish()`): `.malformedProtobuf`.
public struct GRPCWebFrameDecoder: Sendable {
    /// 4 MiB, gRPC's default limit for a received message.
    public static let defaultMaximumMessageSize = 4 * 1024 * 1024

    /// The largest payload a frame may declare (message or trailers). A compressed message is limited by its
    /// compressed size; whoever decompresses it must limit the decompressed size.
    public let maximumMessageSize: Int

    private enum Phase {
        case header
        case payload
        case afterTrailers
        case failed
    }

    private var phase = Phase.header
    /// The header bytes received so far, most recent in the low byte.
    private var headerBits: UInt64 = 0
    private var headerCount = 0
    private var flags: UInt8 = 0
    private var declaredLength = 0
    private var payload: [UInt8] = []

    /// Bytes appended so far, and where the current frame started, for error messages.
    private var bodyOffset = 0
    private var frameOffset = 0
    private var frameNumber = 0

    /// Frames completed but not yet returned: the oldest one inline, so that a body of one frame needs no queue.
    private var oldestReady: GRPCWebFrame?
    private var laterReady: [GRPCWebFrame] = []
    private var laterReadyHead = 0
    private var failure: TranscodingError?

    /// Payloads that arrive in pieces get capacity for at most this much more than has arrived, so a client cannot
    /// make the decoder allocate its whole limit by declaring a large length and then sending nothing.
    private static let speculativeCapacity = 64 * 1024

    public init(maximumMessageSize: Int = GRPCWebFrameDecoder.defaultMaximumMessageSize) {
        self.maximumMessageSize = max(0, maximumMessageSize)
    }

    /// Decodes the next piece of the body.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            switch self.phase {
            case .header:
                if self.headerCount == 0 {
                    self.frameOffset = self.bodyOffset + index
                    self.frameNumber += 1
                }
                self.headerBits = self.headerBits &<< 8 | UInt64(bytes[index])
                self.headerCount += 1
                index += 1
                if self.headerCount == GRPCWebFrame.headerSize {
                    self.beginPayload(available: bytes.count - index)
                }
            case .payload:
                let count = min(self.declaredLength - self.payload.count, bytes.count - index)
                self.appendToPayload(UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]))
                index += count
                if self.payload.count == self.declaredLength {
                    self.completeFrame()
                }
            case .afterTrailers:
                self.fail(Self.bytesAfterTrailers(frame: self.frameLocation, offset: self.bodyOffset + index))
            case .failed:
                return
            }
        }
        self.bodyOffset += bytes.count
    }

    /// Decodes the next piece of the body.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { self.append($0) }
    }

    /// The next complete frame, or nil when more bytes are needed. Throws once the frames before a bad one are out.
    public mutating func next() throws(TranscodingError) -> GRPCWebFrame? {
        if let frame = self.oldestReady {
            self.oldestReady = self.takeLaterReady()
            return frame
        }
        if let failure = self.failure { throw failure }
        return nil
    }

    /// Call when the body has ended: throws if it was bad, or if it ended inside a frame.
    public func finish() throws(TranscodingError) {
        if let failure = self.failure { throw failure }
        switch self.phase {
        case .header where self.headerCount > 0:
            throw Self.endedInsideHeader(received: self.headerCount, frame: self.frameLocation)
        case .payload:
            throw Self.endedInsidePayload(
                declared: self.declaredLength, received: self.payload.count, frame: self.frameLocation)
        case .header, .afterTrailers, .failed:
            return
        }
    }

    /// All the frames of a complete body.
    public static func frames(
        in body: UnsafeRawBufferPointer,
        maximumMessageSize: Int = GRPCWebFrameDecoder.defaultMaximumMessageSize
    ) throws(TranscodingError) -> [GRPCWebFrame] {
        var decoder = GRPCWebFrameDecoder(maximumMessageSize: maximumMessageSize)
        decoder.append(body)
        var frames: [GRPCWebFrame] = []
        while let frame = try decoder.next() { frames.append(frame) }
        try decoder.finish()
        return frames
    }

    /// The bytes reserved for the frame being received (for tests of the allocation policy).
    var reservedPayloadCapacity: Int { self.payload.capacity }

    // MARK: - Frames

    private mutating func beginPayload(available: Int) {
        self.flags = UInt8(truncatingIfNeeded: self.headerBits &>> 32)
        self.declaredLength = Int(UInt32(truncatingIfNeeded: self.headerBits))
        self.headerBits = 0
        self.headerCount = 0
        if let error = Self.headerError(
            flags: self.flags, declaredLength: self.declaredLength, maximumMessageSize: self.maximumMessageSize,
            frame: self.frameLocation)
        {
            return self.fail(error)
        }
        if self.declaredLength == 0 {
            return self.completeFrame()
        }
        self.phase = .payload
        if available >= self.declaredLength {
            self.payload.reserveCapacity(self.declaredLength)
        } else {
            self.payload.reserveCapacity(min(self.declaredLength, max(available, Self.speculativeCapacity)))
        }
    }

    private mutating func appendToPayload(_ bytes: UnsafeRawBufferPointer) {
        let needed = self.payload.count + bytes.count
        if needed > self.payload.capacity {
            // Grow geometrically, but never past the declared length.
            self.payload.reserveCapacity(min(self.declaredLength, max(needed, self.payload.capacity * 2)))
        }
        self.payload.append(contentsOf: bytes)
    }

    private mutating func completeFrame() {
        var payload: [UInt8] = []
        swap(&payload, &self.payload)
        guard self.flags & GRPCWebFrame.trailersFlag != 0 else {
            self.phase = .header
            return self.enqueue(.message(payload, compressed: self.flags & GRPCWebFrame.compressedFlag != 0))
        }
        let parsed = payload.withUnsafeBytes { bytes in
            Result { () throws(TranscodingError) in try GRPCWebTrailers(parsing: bytes) }
        }
        switch parsed {
        case .success(let trailers):
            self.phase = .afterTrailers
            self.enqueue(.trailers(trailers))
        case .failure(let error):
            self.fail(Self.badTrailers(error, frame: self.frameLocation))
        }
    }

    private mutating func enqueue(_ frame: GRPCWebFrame) {
        if self.oldestReady == nil {
            self.oldestReady = frame
        } else {
            self.laterReady.append(frame)
        }
    }

    private mutating func takeLaterReady() -> GRPCWebFrame? {
        guard self.laterReadyHead < self.laterReady.count else { return nil }
        let frame = self.laterReady[self.laterReadyHead]
        self.laterReadyHead += 1
        if self.laterReadyHead == self.laterReady.count {
            self.laterReady.removeAll(keepingCapacity: true)
            self.laterReadyHead = 0
        } else {
            // Release the payload now rather than when the queue drains.
            self.laterReady[self.laterReadyHead - 1] = .message([], compressed: false)
        }
        return frame
    }

    private mutating func fail(_ error: TranscodingError) {
        self.failure = error
        self.phase = .failed
        self.payload = []
    }

    private var frameLocation: FrameLocation {
        FrameLocation(number: self.frameNumber, offset: self.frameOffset)
    }
}
