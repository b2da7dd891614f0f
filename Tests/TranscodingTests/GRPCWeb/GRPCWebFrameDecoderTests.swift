import Testing

@testable import Transcoding

@Suite("gRPC-Web frame decoder")
struct GRPCWebFrameDecoderTests {
    /// Bodies with the frames they must decode to, whatever the chunking.
    static let bodies: [(name: String, body: [UInt8], frames: [GRPCWebFrame])] = {
        let small = Array("hello".utf8)
        let kilobyte = (0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let large = (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 1) }
        let trailers = GRPCWebTrailers([.init(name: "grpc-status", value: "0"), .init(name: "x-id", value: "7")])
        return [
            ("one message", grpcWebFrame(flags: 0, small), [.message(small, compressed: false)]),
            ("one empty message", grpcWebFrame(flags: 0, []), [.message([], compressed: false)]),
            ("a 1 KiB message", grpcWebFrame(flags: 0, kilobyte), [.message(kilobyte, compressed: false)]),
            ("a 70 000-byte message", grpcWebFrame(flags: 0, large), [.message(large, compressed: false)]),
            ("a compressed message", grpcWebFrame(flags: 1, small), [.message(small, compressed: true)]),
            (
                "messages, empty messages and trailers",
                grpcWebFrame(flags: 0, small) + grpcWebFrame(flags: 0, []) + grpcWebFrame(flags: 0, [])
                    + grpcWebFrame(flags: 1, kilobyte)
                    + grpcWebTrailerFrame("grpc-status: 0\r\nx-id: 7\r\n"),
                [
                    .message(small, compressed: false), .message([], compressed: false),
                    .message([], compressed: false), .message(kilobyte, compressed: true), .trailers(trailers),
                ]
            ),
            ("trailers only", grpcWebTrailerFrame("grpc-status: 0\r\nx-id: 7\r\n"), [.trailers(trailers)]),
            ("an empty trailer frame", grpcWebFrame(flags: 0x80, []), [.trailers(GRPCWebTrailers())]),
            ("an empty body", [], []),
        ]
    }()

    @Test(
        "decodes the same frames however the body is split",
        arguments: Self.bodies.indices,
        GRPCWebChunking.all
    )
    func chunking(index: Int, chunking: GRPCWebChunking) throws {
        let (_, body, frames) = Self.bodies[index]
        #expect(try decodeGRPCWebFrames(body, chunking) == frames)
    }

    @Test("frames(in:) decodes a whole body", arguments: Self.bodies.indices)
    func wholeBody(index: Int) throws {
        let (_, body, frames) = Self.bodies[index]
        let decoded = try body.withUnsafeBytes { body in try GRPCWebFrameDecoder.frames(in: body) }
        #expect(decoded == frames)
    }

    @Test("scan(_:) visits each frame's flags and payload inside the body, not a copy", arguments: Self.bodies.indices)
    func scanVisitsFrames(index: Int) throws {
        let (_, body, frames) = Self.bodies[index]
        try body.withUnsafeBytes { body in
            var visited: [GRPCWebFrame] = []
            try GRPCWebFrameDecoder.scan(body) { flags, payload in
                let base = payload.baseAddress ?? body.baseAddress!
                #expect(base >= body.baseAddress! && base + payload.count <= body.baseAddress! + body.count)
                if flags & GRPCWebFrame.trailersFlag != 0 {
                    visited.append(.trailers(try! GRPCWebTrailers(parsing: payload)))
                } else {
                    visited.append(.message(Array(payload), compressed: flags & GRPCWebFrame.compressedFlag != 0))
                }
            }
            #expect(visited == frames)
        }
    }

    @Test("scan(_:) fails on a malformed body with the decoder's error", arguments: Self.malformed.indices)
    func scanFailsAsTheDecoder(index: Int) {
        let (_, body, expected) = Self.malformed[index]
        let error = grpcWebError {
            try body.withUnsafeBytes { body in try GRPCWebFrameDecoder.scan(body) { _, _ in } }
        }
        #expect(error == expected)
    }

    @Test("scan(_:) and frames(in:) hold a frame to the same limit")
    func scanLimit() {
        let body = grpcWebFrame(flags: 0, [1, 2, 3]) + grpcWebFrame(flags: 0, [1, 2, 3, 4, 5])
        let expected = TranscodingError(.tooLarge, "frame 2 (at offset 8) declares 5 bytes, more than the limit of 4")
        body.withUnsafeBytes { body in
            var visited = 0
            #expect(
                grpcWebError { try GRPCWebFrameDecoder.scan(body, maximumMessageSize: 4) { _, _ in visited += 1 } }
                    == expected)
            #expect(visited == 1)  // the good frame before the bad one
            #expect(grpcWebError { _ = try GRPCWebFrameDecoder.frames(in: body, maximumMessageSize: 4) } == expected)
        }
    }

    @Test("encoder output decodes to the same messages", arguments: [0, 1, 4, 5, 6, 255, 1024, 65_536, 200_000])
    func roundTrip(size: Int) throws {
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ size) }
        let body = try GRPCWebFrameEncoder.message(payload) + GRPCWebFrameEncoder.message(payload, compressed: true)
        for chunking in [GRPCWebChunking.whole, .random(seed: UInt64(size))] {
            #expect(
                try decodeGRPCWebFrames(body, chunking) == [
                    .message(payload, compressed: false), .message(payload, compressed: true),
                ]
            )
        }
    }

    @Test("next() returns nil until a frame is complete, then the frame")
    func incremental() throws {
        var decoder = GRPCWebFrameDecoder()
        let body = grpcWebFrame(flags: 0, [1, 2, 3])
        for byte in body.dropLast() {
            decoder.append([byte])
            #expect(try decoder.next() == nil)
        }
        decoder.append([body.last!])
        #expect(try decoder.next() == .message([1, 2, 3], compressed: false))
        #expect(try decoder.next() == nil)
        try decoder.finish()
    }

    @Test("a declared length of exactly the limit is accepted, one more is not")
    func limitBoundary() throws {
        let payload = [UInt8](repeating: 9, count: 100)
        #expect(
            try decodeGRPCWebFrames(grpcWebFrame(flags: 0, payload), maximumMessageSize: 100) == [
                .message(payload, compressed: false)
            ]
        )
        let error = grpcWebError {
            _ = try decodeGRPCWebFrames(grpcWebFrame(flags: 0, payload), maximumMessageSize: 99)
        }
        #expect(
            error == TranscodingError(.tooLarge, "frame 1 (at offset 0) declares 100 bytes, more than the limit of 99")
        )
    }

    @Test("a huge declared length fails as soon as the 5 header bytes arrive, and later bytes are ignored")
    func hugeLengthFailsAtOnce() throws {
        var decoder = GRPCWebFrameDecoder()
        decoder.append([0, 0xFF, 0xFF, 0xFF])
        #expect(try decoder.next() == nil)
        decoder.append([0xFF])
        let expected = TranscodingError(
            .tooLarge,
            "frame 1 (at offset 0) declares 4294967295 bytes, more than the limit of 4194304"
        )
        #expect(grpcWebError { _ = try decoder.next() } == expected)
        decoder.append([UInt8](repeating: 0, count: 1000))
        #expect(grpcWebError { _ = try decoder.next() } == expected)
        #expect(grpcWebError { try decoder.finish() } == expected)
    }

    @Test("a large declared length is not reserved before its bytes arrive; a whole payload is reserved exactly")
    func reservation() throws {
        var decoder = GRPCWebFrameDecoder()
        decoder.append(
            grpcWebFrame(flags: 0, length: UInt32(GRPCWebFrameDecoder.defaultMaximumMessageSize), [1, 2, 3])
        )
        #expect(try decoder.next() == nil)
        #expect(decoder.reservedPayloadCapacity >= 3)
        #expect(decoder.reservedPayloadCapacity < 80 * 1024)

        let payload = [UInt8](repeating: 5, count: 10_000)
        let frames = try decodeGRPCWebFrames(grpcWebFrame(flags: 0, payload))
        guard case .message(let decoded, _) = try #require(frames.first) else {
            Issue.record("expected a message, got \(frames)")
            return
        }
        // The allocator may round up a little, but the payload was not grown by doubling.
        #expect(decoded.capacity < 10_000 + 512)
    }

    @Test("frames completed before a bad one are returned before the error")
    func framesBeforeError() throws {
        var decoder = GRPCWebFrameDecoder()
        decoder.append(grpcWebFrame(flags: 0, [1]) + grpcWebFrame(flags: 0, [2]) + [0x02, 0, 0, 0, 0])
        #expect(try decoder.next() == .message([1], compressed: false))
        #expect(try decoder.next() == .message([2], compressed: false))
        #expect(throws: TranscodingError.self) { try decoder.next() }
    }

    /// Malformed bodies, the error `finish()` or `next()` reports, and whether it is reported before the body ends.
    static let malformed: [(name: String, body: [UInt8], error: TranscodingError)] = [
        (
            "a length prefix past the end",
            grpcWebFrame(flags: 0, [1, 2]) + grpcWebFrame(flags: 0, length: 100, [1, 2, 3, 4, 5, 6, 7]),
            TranscodingError(
                .malformedProtobuf,
                "the body ended inside a frame: frame 2 (at offset 7) declared 100 bytes, got 7"
            )
        ),
        (
            "a truncated header",
            [0, 0, 0],
            TranscodingError(
                .malformedProtobuf,
                "the body ended inside a frame: 3 of 5 header bytes of frame 1 (at offset 0)"
            )
        ),
        (
            "a truncated header after a frame",
            grpcWebFrame(flags: 0, []) + [0],
            TranscodingError(
                .malformedProtobuf,
                "the body ended inside a frame: 1 of 5 header bytes of frame 2 (at offset 5)"
            )
        ),
        (
            "a huge declared length",
            [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3],
            TranscodingError(
                .tooLarge,
                "frame 1 (at offset 0) declares 4294967295 bytes, more than the limit of 4194304"
            )
        ),
        (
            "reserved flag bit 0x02",
            [0x02, 0, 0, 0, 0],
            TranscodingError(
                .invalidValue,
                "frame 1 (at offset 0) has flags 0x02; only 0x80 (trailers) and 0x01 (compressed) are defined"
            )
        ),
        (
            "reserved flag bits 0x7E",
            grpcWebFrame(flags: 0, [1]) + [0x7F, 0, 0, 0, 0],
            TranscodingError(
                .invalidValue,
                "frame 2 (at offset 6) has flags 0x7F; only 0x80 (trailers) and 0x01 (compressed) are defined"
            )
        ),
        (
            "reserved flag bit 0x40 with the trailer bit",
            [0xC0, 0, 0, 0, 0],
            TranscodingError(
                .invalidValue,
                "frame 1 (at offset 0) has flags 0xC0; only 0x80 (trailers) and 0x01 (compressed) are defined"
            )
        ),
        (
            "a compressed trailer frame",
            [0x81, 0, 0, 0, 0],
            TranscodingError(
                .invalidValue,
                "frame 1 (at offset 0) is a compressed trailer frame (flags 0x81), which is not supported"
            )
        ),
        (
            "a frame after the trailer frame",
            grpcWebTrailerFrame("grpc-status: 0\r\n") + grpcWebFrame(flags: 0, [1]),
            TranscodingError(
                .invalidValue,
                "frame 1 (at offset 0) is the trailer frame, which must be the last, but more bytes follow at offset 21"
            )
        ),
        (
            "a trailer line without a colon",
            grpcWebTrailerFrame("grpc-status 0\r\n"),
            TranscodingError(
                .invalidValue,
                "frame 1 (at offset 0), the trailer frame: trailer line 1 has no ':' between name and value"
            )
        ),
    ]

    @Test(
        "malformed bodies fail with a specific error, however they are split",
        arguments: Self.malformed.indices,
        GRPCWebChunking.all
    )
    func malformedBodies(index: Int, chunking: GRPCWebChunking) {
        let (_, body, expected) = Self.malformed[index]
        #expect(grpcWebError { _ = try decodeGRPCWebFrames(body, chunking) } == expected)
    }
}
