import Testing

@testable import Transcoding

@Suite("gRPC-Web frame encoder")
struct GRPCWebFrameEncoderTests {
    @Test("a message frame is the flags, the big-endian length and the payload")
    func message() throws {
        #expect(try GRPCWebFrameEncoder.message(Array("abc".utf8)) == [0, 0, 0, 0, 3, 0x61, 0x62, 0x63])
        #expect(try GRPCWebFrameEncoder.message([], compressed: true) == [1, 0, 0, 0, 0])
        let payload = [UInt8](repeating: 0xAB, count: 0x01_02_03)
        let frame = try GRPCWebFrameEncoder.message(payload)
        #expect(frame.prefix(5) == [0, 0, 0x01, 0x02, 0x03])
        #expect(frame.dropFirst(5).elementsEqual(payload))
    }

    @Test("writeHeader writes the 5-byte prefix")
    func header() {
        var bytes = [UInt8](repeating: 0xEE, count: 6)
        bytes.withUnsafeMutableBytes { GRPCWebFrameEncoder.writeHeader(flags: 0x80, length: 0xDEAD_BEEF, into: $0) }
        #expect(bytes == [0x80, 0xDE, 0xAD, 0xBE, 0xEF, 0xEE])
    }

    @Test("trailers: status, percent-encoded message, then metadata, as CRLF lines")
    func trailersText() {
        let frame = GRPCWebFrameEncoder.trailers(
            status: 3,
            message: "bad caf\u{E9}: 100%",
            metadata: [("X-Request-ID", "r1"), ("grpc-status-details-bin", "CAMSAA"), ("x-request-id", "r2")]
        )
        let text =
            "grpc-status: 3\r\ngrpc-message: bad caf%C3%A9: 100%25\r\nx-request-id: r1\r\n"
            + "grpc-status-details-bin: CAMSAA\r\nx-request-id: r2\r\n"
        #expect(frame == grpcWebTrailerFrame(text))
    }

    @Test("trailers leave out an empty or missing message", arguments: [nil, ""] as [String?])
    func noMessage(message: String?) {
        #expect(GRPCWebFrameEncoder.trailers(status: 0, message: message) == grpcWebTrailerFrame("grpc-status: 0\r\n"))
    }

    @Test(
        "trailers drop metadata that cannot be written safely",
        arguments: [
            ("x-a", "line\r\ninjected: 1"),
            ("x-a", "nul\u{0}"),
            ("x-a", "lf\n"),
            ("x-a", "bell\u{7}"),
            ("", "empty name"),
            ("x a", "space in name"),
            ("x:a", "colon in name"),
            (":path", "pseudo-header"),
            ("x-\u{E9}", "non-ASCII name"),
            ("grpc-status", "13"),
            ("Grpc-Message", "spoofed"),
        ]
    )
    func dropsUnsafeMetadata(name: String, value: String) {
        let frame = GRPCWebFrameEncoder.trailers(
            status: 0,
            message: nil,
            metadata: [(name, value), ("x-kept", "\tv\u{E9}")]
        )
        #expect(frame == grpcWebTrailerFrame("grpc-status: 0\r\nx-kept: \tv\u{E9}\r\n"))
    }

    @Test("trailers round-trip through the decoder", arguments: [0, 2, 16])
    func roundTrip(status: Int) throws {
        let message = "line 1\r\nline 2 \u{1F600} 50% \u{0}"
        let body = GRPCWebFrameEncoder.trailers(
            status: status,
            message: message,
            metadata: [("X-Id", "42"), ("x-id", "43")]
        )
        let frames = try decodeGRPCWebFrames(body)
        guard case .trailers(let trailers) = try #require(frames.first), frames.count == 1 else {
            Issue.record("expected one trailer frame, got \(frames)")
            return
        }
        #expect(trailers.grpcStatus == status)
        #expect(trailers.grpcMessage == message)
        #expect(trailers.values(for: "x-id") == ["42", "43"])
    }
}
