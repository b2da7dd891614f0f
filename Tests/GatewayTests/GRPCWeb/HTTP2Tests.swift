import DemoService
import Foundation
import Gateway
import NIOCore
import SwiftProtobuf
import Testing
import Transcoding

/// The listener speaking HTTP/2 (h2c, prior knowledge), driven by curl, a client nobody here wrote.
@Suite(
    "HTTP/2: REST and gRPC-Web over h2c with curl",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
)
struct HTTP2Tests {
    /// Runs curl over HTTP/2 with prior knowledge; returns the response headers and body.
    static func curl(_ arguments: [String], input: [UInt8]? = nil) async throws -> (headers: String, body: [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headers = directory.appendingPathComponent("headers")
        let body = directory.appendingPathComponent("body")
        var arguments =
            ["-s", "--http2-prior-knowledge", "--max-time", "10", "-D", headers.path, "-o", body.path] + arguments
        if let input {
            let file = directory.appendingPathComponent("input")
            try Data(input).write(to: file)
            arguments += ["--data-binary", "@\(file.path)"]
        }
        let curl = try await CurlProcess.run(arguments)
        #expect(curl.status == 0, "curl exited with \(curl.status)")
        return (
            (try? String(contentsOf: headers, encoding: .utf8)) ?? "",
            [UInt8]((try? Data(contentsOf: body)) ?? Data())
        )
    }

    @Test("REST and gRPC-Web text over HTTP/2")
    func h2c() async throws {
        try await TestGateway.withDemo(configure: { $0.listenerProtocol = .h2c }) { gateway, _ in
            let rest = try await Self.curl([gateway.baseURL + "/v1/echo/over-h2"])
            #expect(rest.headers.hasPrefix("HTTP/2 200"), "\(rest.headers)")
            #expect(String(decoding: rest.body, as: UTF8.self).contains(#""message":"over-h2""#))
            // The fast path's framing fields, once each, the length that of the body.
            let fields = rest.headers.split(separator: "\r\n").map { $0.lowercased() }
            #expect(fields.filter { $0.hasPrefix("content-length:") } == ["content-length: \(rest.body.count)"])
            #expect(fields.filter { $0.hasPrefix("date:") }.count == 1, "\(rest.headers)")

            var request = Echo_V1_ExpandRequest()
            request.message = "h2"
            request.count = 3
            let frame = try GRPCWebFrameEncoder.message(try request.serializedBytes() as [UInt8])
            let web = try await Self.curl(
                [
                    "-X", "POST", "-H", "content-type: application/grpc-web-text", "-H", "x-grpc-web: 1",
                    gateway.baseURL + "/echo.v1.EchoService/Expand",
                ],
                input: GRPCWebTextEncoder.encode(frame))
            #expect(web.headers.hasPrefix("HTTP/2 200"), "\(web.headers)")
            var decoded: [UInt8] = []
            var text = GRPCWebTextDecoder()
            try web.body.withUnsafeBytes { try text.decode($0, appendingTo: &decoded) }
            let frames = try decoded.withUnsafeBytes { try GRPCWebFrameDecoder.frames(in: $0) }
            #expect(frames.count == 4)
            guard case .trailers(let trailers) = frames.last else {
                Issue.record("no trailer frame")
                return
            }
            #expect(trailers.grpcStatus == 0)
        }
    }

    @Test("a binary gRPC-Web unary call over HTTP/2: the message frame as received, then the trailer frame")
    func binaryUnary() async throws {
        try await TestGateway.withDemo(configure: { $0.listenerProtocol = .h2c }) { gateway, _ in
            var request = Echo_V1_EchoRequest()
            request.message = String(repeating: "b", count: 3_000)
            let web = try await Self.curl(
                [
                    "-X", "POST", "-H", "content-type: application/grpc-web+proto", "-H", "x-grpc-web: 1",
                    gateway.baseURL + "/echo.v1.EchoService/Echo",
                ],
                input: try GRPCWebFrameEncoder.message(try request.serializedBytes() as [UInt8]))
            #expect(web.headers.hasPrefix("HTTP/2 200"), "\(web.headers)")
            let frames = try web.body.withUnsafeBytes { try GRPCWebFrameDecoder.frames(in: $0) }
            #expect(frames.count == 2)
            guard case .message(let payload, compressed: false) = frames.first,
                case .trailers(let trailers) = frames.last
            else {
                Issue.record("expected a message frame and a trailer frame, got \(frames)")
                return
            }
            #expect(try Echo_V1_EchoResponse(serializedBytes: payload).message == request.message)
            #expect(trailers.grpcStatus == 0)
        }
    }

    @Test("a client that gives up on an HTTP/2 unary call and closes the connection cancels the call upstream")
    func h2cDisconnect() async throws {
        try await TestGateway.withDemo(configure: {
            $0.listenerProtocol = .h2c
            TestGateway.farDeadline(&$0)
        }) { gateway, demo in
            // curl is killed once the call has reached the backend (a timer of its own could beat the call there
            // on a busy test run); the kernel then closes its connection, with no RST_STREAM or GOAWAY sent. It
            // takes SIGKILL: the test process ignores SIGTERM (service-lifecycle's signal handling), and curl
            // inherits that.
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
            curl.arguments = [
                "-s", "--http2-prior-knowledge", "--max-time", "60", "-o", "/dev/null", "-X", "POST",
                "-H", "content-type: application/json", "-d", #"{"duration": "300s"}"#,
                gateway.baseURL + "/v1/echo:sleep",
            ]
            try curl.run()
            defer { kill(curl.processIdentifier, SIGKILL) }
            #expect(await demo.echo.events.waitForSleepStarted())
            kill(curl.processIdentifier, SIGKILL)
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
        }
    }

    /// With `expect: 100-continue` the request is one the fast path passes on to the Hummingbird responder.
    @Test(
        "a client that closes its HTTP/2 connection without resetting its stream cancels the call upstream",
        arguments: [[], [("expect", "100-continue")]])
    func h2cConnectionClosed(extraHeaders: [(String, String)]) async throws {
        try await TestGateway.withDemo(configure: {
            $0.listenerProtocol = .h2c
            TestGateway.farDeadline(&$0)
        }) { gateway, demo in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let request = Self.sleepCall(extraHeaders: extraHeaders)
            let channel = try await RawHTTP.connect(port: port, sending: request)
            #expect(await demo.echo.events.waitForSleepStarted())
            try await channel.close(mode: .output).get()  // a FIN, with no RST_STREAM or GOAWAY before it
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
            try? await channel.close().get()
        }
    }

    /// The bytes of a new h2c connection that makes one call: a 300 s `Sleep`, as stream 1, in whole (HEADERS,
    /// then DATA with END_STREAM).
    static func sleepCall(extraHeaders: [(String, String)] = []) -> ByteBuffer {
        var request = ByteBuffer(string: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        Self.appendFrame(type: 0x4, flags: 0, stream: 0, payload: [], to: &request)  // SETTINGS
        var headers: [UInt8] = []
        for (name, value) in [
            (":method", "POST"), (":scheme", "http"), (":path", "/v1/echo:sleep"), (":authority", "x"),
            ("content-type", "application/json"),
        ] + extraHeaders {
            // HPACK: a literal header field without indexing, new name, no Huffman coding.
            headers +=
                [0x00, UInt8(name.utf8.count)] + Array(name.utf8) + [UInt8(value.utf8.count)] + Array(value.utf8)
        }
        Self.appendFrame(type: 0x1, flags: 0x4, stream: 1, payload: headers, to: &request)  // HEADERS, END_HEADERS
        let body = Array(#"{"duration": "300s"}"#.utf8)
        Self.appendFrame(type: 0x0, flags: 0x1, stream: 1, payload: body, to: &request)  // DATA, END_STREAM
        return request
    }

    static func appendFrame(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8], to buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(payload.count >> 16))
        buffer.writeInteger(UInt16(payload.count & 0xFFFF))
        buffer.writeInteger(type)
        buffer.writeInteger(flags)
        buffer.writeInteger(stream)
        buffer.writeBytes(payload)
    }
}
