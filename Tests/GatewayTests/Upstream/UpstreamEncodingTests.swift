import NIOCore
import NIOHPACK
import Testing
import Transcoding

@testable import Gateway

@Suite("Upstream header encodings")
struct UpstreamEncodingTests {
    @Test(
        "grpc-timeout uses the finest unit that fits in 8 digits, rounding up",
        arguments: [
            (Duration.nanoseconds(1), "1n"),
            (.nanoseconds(99_999_999), "99999999n"),
            (.nanoseconds(100_000_000), "100000u"),
            (.nanoseconds(100_000_001), "100001u"),
            (.milliseconds(250), "250000u"),
            (.seconds(1), "1000000u"),
            (.seconds(100), "100000m"),
            (.seconds(100_000), "100000S"),
            (.seconds(100_000_000), "1666667M"),
            (.seconds(6_000_000_000), "1666667H"),
            (.seconds(Int64.max), "99999999H"),
            (.zero, "1n"),
            (.seconds(-5), "1n"),
        ]
    )
    func grpcTimeout(timeout: Duration, expected: String) {
        #expect(GRPCTimeout.headerValue(for: timeout) == expected)
    }

    @Test(
        "a grpc-timeout sent recently is reused and indexed; a new one is formatted and not indexed",
        arguments: [
            // The gateway's default deadline on every call.
            ([30.0, 30, 30], [false, true, true]),
            // A client counting down its own deadline: never indexed, so it cannot churn the HPACK table.
            ([4.999, 4.998, 4.997, 4.996], [false, false, false, false]),
            // Two fixed timeouts in turn.
            ([1, 2, 1, 2], [false, false, true, true]),
            // Four are remembered: a fifth value replaces the oldest (1), which is then new again and replaces 2.
            ([1, 2, 3, 4, 5, 1, 3, 2], [false, false, false, false, false, false, true, false]),
        ]
    )
    func timeoutHeaderCache(seconds: [Double], indexed: [Bool]) {
        let timeouts = seconds.map { Duration.milliseconds(Int64(($0 * 1000).rounded())) }
        var cache = TimeoutHeaderCache()
        let headers = timeouts.map { cache.header(for: $0) }
        #expect(headers.map { $0.indexing == .indexable } == indexed)
        #expect(headers.map(\.value) == timeouts.map(GRPCTimeout.headerValue(for:)))
    }

    @Test(
        "grpc-message percent-decoding",
        arguments: [
            ("plain", "plain"), ("a%20b", "a b"), ("%E2%9C%93", "✓"), ("100%", "100%"), ("%4", "%4"),
            ("%zz", "%zz"), ("%%41", "%A"), ("%c3%a9", "é"), ("", ""),
        ]
    )
    func percentDecoding(encoded: String, decoded: String) {
        #expect(UpstreamStatus.percentDecoded(encoded) == decoded)
    }

    @Test(
        "base64 of binary metadata",
        arguments: [
            ("", [] as [UInt8]?), ("AQID", [1, 2, 3]), ("AQI=", [1, 2]), ("AQI", [1, 2]), ("AQ==", [1]), ("AQ", [1]),
            ("-_8=", [0xFB, 0xFF]), ("+/8=", [0xFB, 0xFF]), ("A", nil), ("AQ=I", nil), ("A?==", nil), ("AQID=", nil),
        ]
    )
    func base64(text: String, bytes: [UInt8]?) {
        #expect(Base64.decode(text) == bytes)
    }

    @Test("request headers: pseudo-headers first, gRPC headers, then forwarded metadata without reserved names")
    func requestHeaders() {
        let request = UpstreamRequest(
            target: UpstreamTarget(host: "example", port: 50051),
            path: "/pkg.Svc/Method",
            metadata: [
                "x-user": "u", "te": "gzip", "content-type": "text/plain", ":path": "/evil", "grpc-timeout": "1S",
                "connection": "close", "authorization": "Bearer t", "grpc-encoding": "gzip",
            ],
            timeout: .milliseconds(1500),
            message: ByteBuffer()
        )
        let headers = request.makeHeaders(
            authority: "example:50051", scheme: "http", timeout: .init(value: "1500000u", indexing: .nonIndexable))
        let names = headers.map(\.name)
        #expect(
            names == [
                ":method", ":scheme", ":path", ":authority", "content-type", "te", "grpc-timeout", "x-user",
                "authorization",
            ]
        )
        #expect(headers.first(name: ":path") == "/pkg.Svc/Method")
        #expect(headers.first(name: ":authority") == "example:50051")
        #expect(headers.first(name: ":scheme") == "http")
        #expect(headers.first(name: "te") == "trailers")
        #expect(headers.first(name: "content-type") == "application/grpc")
        #expect(headers.first(name: "grpc-timeout") == "1500000u")
    }

    @Test("an explicit authority replaces the target's")
    func authority() {
        var request = UpstreamRequest(target: .init(host: "::1", port: 1), path: "/a/b", message: ByteBuffer())
        #expect(
            request.makeHeaders(authority: request.target.authority, scheme: "http", timeout: nil).first(
                name: ":authority")
                == "[::1]:1"
        )
        request.authority = "api.example.com"
        #expect(
            request.makeHeaders(authority: "x", scheme: "http", timeout: nil).first(name: ":authority")
                == "api.example.com")
    }

    @Test(
        "message bodies get a prefix; framed bodies are sent as is",
        arguments: [0, 1, 100, 16 * 1024, 16 * 1024 + 1, 100_000]
    )
    func framing(size: Int) throws {
        let payload = ByteBuffer(bytes: (0..<size).map { UInt8(truncatingIfNeeded: $0) })
        let request = UpstreamRequest(
            target: .init(host: "h", port: 1),
            path: "/a/b",
            body: .messages([payload, ByteBuffer(bytes: [42])])
        )
        let frames = request.makeFrames(allocator: ByteBufferAllocator())
        var joined = ByteBuffer()
        for var frame in frames { joined.writeBuffer(&frame) }

        var deframer = GRPCMessageDeframer(maximumMessageSize: 1 << 20)
        deframer.append(joined)
        #expect(try deframer.nextMessage() == payload)
        #expect(try deframer.nextMessage() == ByteBuffer(bytes: [42]))
        #expect(try deframer.nextMessage() == nil)

        let framedBody = UpstreamRequest(target: .init(host: "h", port: 1), path: "/a/b", body: .framed(joined))
        #expect(Array(framedBody.makeFrames(allocator: ByteBufferAllocator())) == [joined])

        // A payload given as bytes is framed up front, in one buffer, whatever its size.
        let bytes = Array(payload.readableBytesView)
        let fromBytes = UpstreamRequest(target: .init(host: "h", port: 1), path: "/a/b", body: .message(bytes))
        let fromBuffer = UpstreamRequest(target: .init(host: "h", port: 1), path: "/a/b", message: payload)
        let framed = Array(fromBytes.makeFrames(allocator: ByteBufferAllocator()))
        #expect(framed.count == 1)
        #expect(framed.first?.readableBytes == 5 + size)
        var joinedFromBuffer = ByteBuffer()
        for var frame in fromBuffer.makeFrames(allocator: ByteBufferAllocator()) {
            joinedFromBuffer.writeBuffer(&frame)
        }
        #expect(framed.first == joinedFromBuffer)
    }

    @Test("backoff grows by the multiplier up to the maximum, spread by the jitter")
    func backoff() {
        let backoff = UpstreamPool.Backoff(
            initial: .milliseconds(100),
            maximum: .seconds(1),
            multiplier: 2,
            jitter: 0.2
        )
        #expect(backoff.delay(afterFailures: 1, random: 0.5) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2, random: 0.5) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4, random: 0.5) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 5, random: 0.5) == .seconds(1))
        #expect(backoff.delay(afterFailures: 50, random: 0.5) == .seconds(1))
        #expect(backoff.delay(afterFailures: 1, random: 0) == .milliseconds(80))
        #expect(backoff.delay(afterFailures: 1, random: 1) == .milliseconds(120))
    }

    @Test("pseudo-headers are removed from forwarded metadata, other headers keep their order")
    func pseudoHeaders() {
        var headers: HPACKHeaders = [":status": "200", "b": "1", "a": "2"]
        headers.removePseudoHeaders()
        #expect(headers.map(\.name) == ["b", "a"])
        var odd: HPACKHeaders = [":status": "200", "x": "1", ":weird": "y", "z": "2"]
        odd.removePseudoHeaders()
        #expect(odd.map(\.name) == ["x", "z"])
    }

    @Test("status codes have their canonical names and reject unknown values")
    func codes() {
        #expect(UpstreamStatus.Code.unavailable.description == "UNAVAILABLE")
        #expect(UpstreamStatus.Code(rawValue: 4) == .deadlineExceeded)
        #expect(UpstreamStatus.Code(rawValue: 17) == nil)
        #expect(UpstreamStatus.Code(rawValue: -1) == nil)
    }
}
