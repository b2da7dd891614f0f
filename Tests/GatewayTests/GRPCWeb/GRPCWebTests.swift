import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import SwiftProtobuf
import Testing
import Transcoding

/// A gRPC-Web response, unframed.
struct GRPCWebReply {
    let reply: TestGateway.Reply
    let messages: [[UInt8]]
    let trailers: GRPCWebTrailers?

    /// The final status: from the trailer frame, or from the headers of a trailers-only response.
    var status: Int? { self.trailers?.grpcStatus ?? self.reply.header("grpc-status").flatMap { Int($0) } }
    var statusMessage: String? {
        self.trailers?.grpcMessage ?? self.reply.header("grpc-message").map(GRPCStatusMessage.percentDecode)
    }
}

extension TestGateway {
    /// Sends a gRPC-Web call with already framed (and, for text, base64) bytes.
    func grpcWeb(
        _ path: String,
        body: [UInt8],
        contentType: String = "application/grpc-web+proto",
        headers: [(String, String)] = []
    ) async throws -> GRPCWebReply {
        let reply = try await self.send(
            .POST, path, bytes: body,
            headers: [("content-type", contentType), ("x-grpc-web", "1"), ("x-user-agent", "portico-tests")] + headers)
        var bytes = reply.body
        if contentType.contains("grpc-web-text") {
            var text = GRPCWebTextDecoder()
            var decoded: [UInt8] = []
            try bytes.withUnsafeBytes { try text.decode($0, appendingTo: &decoded) }
            bytes = decoded
        }
        let frames = try bytes.withUnsafeBytes { try GRPCWebFrameDecoder.frames(in: $0) }
        var messages: [[UInt8]] = []
        var trailers: GRPCWebTrailers?
        for frame in frames {
            switch frame {
            case .message(let payload, _): messages.append(payload)
            case .trailers(let parsed): trailers = parsed
            }
        }
        return GRPCWebReply(reply: reply, messages: messages, trailers: trailers)
    }

    func grpcWeb(_ path: String, messages: [some SwiftProtobuf.Message], headers: [(String, String)] = []) async throws
        -> GRPCWebReply
    {
        var body: [UInt8] = []
        for message in messages { body += try GRPCWebFrameEncoder.message(try message.serializedBytes() as [UInt8]) }
        return try await self.grpcWeb(path, body: body, headers: headers)
    }
}

@Suite("gRPC-Web: binary, text and JSON calls against the demo backend")
struct GRPCWebTests {
    static let echo = "/echo.v1.EchoService/Echo"

    static func echoRequest(_ text: String) -> Echo_V1_EchoRequest {
        var request = Echo_V1_EchoRequest()
        request.message = text
        return request
    }

    @Test("binary unary call: a message frame, then the trailer frame with grpc-status 0")
    func binaryUnary() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(Self.echo, messages: [Self.echoRequest("hello web")])
            #expect(reply.reply.status == 200)
            #expect(reply.reply.header("content-type") == "application/grpc-web+proto")
            #expect(reply.status == 0)
            let response = try Echo_V1_EchoResponse(serializedBytes: try #require(reply.messages.first))
            #expect(response.message == "hello web")
        }
    }

    @Test("text (base64) call whose body is several separately padded chunks")
    func textChunks() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let frame = try GRPCWebFrameEncoder.message(try Self.echoRequest("chunky").serializedBytes() as [UInt8])
            // Split so that each part is base64-encoded (and padded) on its own.
            let body = GRPCWebTextEncoder.encode(Array(frame[..<4])) + GRPCWebTextEncoder.encode(Array(frame[4...]))
            #expect(body.contains(UInt8(ascii: "=")))
            let reply = try await gateway.grpcWeb(Self.echo, body: body, contentType: "application/grpc-web-text")
            #expect(reply.reply.header("content-type") == "application/grpc-web-text+proto")
            #expect(reply.status == 0, "\(reply.reply.text)")
            #expect(try Echo_V1_EchoResponse(serializedBytes: try #require(reply.messages.first)).message == "chunky")
        }
    }

    @Test(
        "a binary request with Accept: application/grpc-web-text is read as binary and answered as text",
        arguments: ["/echo.v1.EchoService/Echo", "/echo.v1.EchoService/Expand"])
    func binaryRequestTextAnswer(path: String) async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = Echo_V1_ExpandRequest()
            request.message = "accept-text"
            request.count = 2
            let body =
                path.hasSuffix("Echo")
                ? try GRPCWebFrameEncoder.message(try Self.echoRequest("accept-text").serializedBytes() as [UInt8])
                : try GRPCWebFrameEncoder.message(try request.serializedBytes() as [UInt8])
            let reply = try await gateway.send(
                .POST, path, bytes: body,
                headers: [
                    ("content-type", "application/grpc-web+proto"), ("accept", "application/grpc-web-text"),
                    ("x-grpc-web", "1"),
                ])
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/grpc-web-text+proto")
            var text = GRPCWebTextDecoder()
            var decoded: [UInt8] = []
            try reply.body.withUnsafeBytes { try text.decode($0, appendingTo: &decoded) }
            let frames = try decoded.withUnsafeBytes { try GRPCWebFrameDecoder.frames(in: $0) }
            var messages: [String] = []
            var status: Int?
            for frame in frames {
                switch frame {
                case .message(let payload, _):
                    messages.append(try Echo_V1_EchoResponse(serializedBytes: payload).message)
                case .trailers(let trailers): status = trailers.grpcStatus
                }
            }
            #expect(status == 0, "\(reply.text)")
            #expect(
                messages.count == (path.hasSuffix("Echo") ? 1 : 2) && messages.allSatisfy { $0.contains("accept-text") }
            )
        }
    }

    @Test(
        "JSON messages (application/grpc-web+json), transcoded through the descriptors",
        arguments: [
            "application/grpc-web+json", "application/grpc-web-text+json",
        ])
    func json(contentType: String) async throws {
        try await TestGateway.withDemo { gateway, _ in
            var body = try GRPCWebFrameEncoder.message(Array(#"{"message": "json web", "labels": {"k": "v"}}"#.utf8))
            if contentType.contains("text") { body = GRPCWebTextEncoder.encode(body) }
            let reply = try await gateway.grpcWeb(Self.echo, body: body, contentType: contentType)
            #expect(reply.status == 0, "\(reply.reply.text)")
            let payload = try #require(reply.messages.first)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any])
            #expect(json["message"] as? String == "json web")
            #expect((json["request"] as? [String: Any])?["labels"] as? [String: String] == ["k": "v"])
        }
    }

    @Test("server streaming: each message in its own frame, then trailers")
    func serverStreaming() async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = Echo_V1_ExpandRequest()
            request.message = "s"
            request.count = 5
            let reply = try await gateway.grpcWeb("/echo.v1.EchoService/Expand", messages: [request])
            #expect(reply.status == 0)
            let indices = try reply.messages.map { try Echo_V1_EchoResponse(serializedBytes: $0).index }
            #expect(indices == [0, 1, 2, 3, 4])
        }
    }

    @Test("an error after messages arrives in the trailer frame")
    func midStreamError() async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = Echo_V1_ExpandRequest()
            request.count = 5
            request.failAfter = 2
            request.failCode = .aborted
            request.failMessage = "stopped: 100% done?"
            let reply = try await gateway.grpcWeb("/echo.v1.EchoService/Expand", messages: [request])
            #expect(reply.messages.count == 2)
            #expect(reply.status == 10)
            #expect(reply.statusMessage == "stopped: 100% done?")
        }
    }

    @Test("an error with details before any message is trailers-only, details in grpc-status-details-bin")
    func trailersOnlyError() async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = Echo_V1_FailRequest()
            request.code = .invalidArgument
            request.message = "bad ünïcode"
            request.invalidFields = ["title"]
            let reply = try await gateway.grpcWeb("/echo.v1.EchoService/Fail", messages: [request])
            #expect(reply.reply.body.isEmpty)
            #expect(reply.status == 3)
            #expect(reply.statusMessage == "bad ünïcode")
            let details = try #require(reply.reply.header("grpc-status-details-bin"))
            var decoded: [UInt8] = []
            var text = GRPCWebTextDecoder()
            let padded = details + String(repeating: "=", count: (4 - details.utf8.count % 4) % 4)
            try Array(padded.utf8).withUnsafeBytes { try text.decode($0, appendingTo: &decoded) }
            let status = try Google_Rpc_Status(serializedBytes: decoded)
            #expect(status.details.contains { $0.typeURL.hasSuffix("google.rpc.BadRequest") })
        }
    }

    @Test("client streaming: several messages in one request body")
    func clientStreaming() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(
                "/echo.v1.EchoService/Collect", messages: ["a", "b", "c"].map(Self.echoRequest))
            #expect(reply.status == 0, "\(reply.statusMessage ?? "")")
            let response = try Echo_V1_CollectResponse(serializedBytes: try #require(reply.messages.first))
            #expect(response.messages == ["a", "b", "c"])
        }
    }

    @Test("bidirectional streaming whose messages all arrive in the request body")
    func bidiInOneBody() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(
                "/echo.v1.EchoService/Chat", messages: ["x", "y"].map(Self.echoRequest))
            #expect(reply.status == 0, "\(reply.statusMessage ?? "")")
            let messages = try reply.messages.map { try Echo_V1_EchoResponse(serializedBytes: $0).message }
            #expect(messages == ["x", "y"])
        }
    }

    @Test("deadline from grpc-timeout: DEADLINE_EXCEEDED")
    func deadline() async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = Echo_V1_SleepRequest()
            request.duration = Google_Protobuf_Duration(seconds: 5)
            let reply = try await gateway.grpcWeb(
                "/echo.v1.EchoService/Sleep", messages: [request], headers: [("grpc-timeout", "300m")])
            #expect(reply.status == 4)
        }
    }

    @Test("metadata both ways: custom and -bin headers in, initial metadata as headers, trailers in the trailer frame")
    func metadata() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(
                "/echo.v1.EchoService/Headers", messages: [Echo_V1_HeadersRequest()],
                headers: [("x-team", "web"), ("x-blob-bin", "AAEC")])
            #expect(reply.status == 0)
            let response = try Echo_V1_HeadersResponse(serializedBytes: try #require(reply.messages.first))
            #expect(response.metadata["x-team"] == "web")
            #expect(response.metadata["x-blob-bin"] != nil)
            #expect(response.metadata["x-grpc-web"] == nil)
            #expect(reply.reply.header("x-demo-initial") == "yes")
            #expect(reply.trailers?["x-demo-trailing"] == "yes")
            #expect(reply.trailers?["x-demo-trailing-bin"] != nil)
        }
    }

    struct Malformed: Sendable, CustomTestStringConvertible {
        let name: String
        let body: [UInt8]
        var contentType = "application/grpc-web+proto"
        var path = GRPCWebTests.echo
        let status: Int
        var testDescription: String { self.name }
    }

    static let malformed: [Malformed] = [
        Malformed(name: "length prefix past the end", body: [0, 0, 0, 0, 50, 1, 2], status: 3),
        Malformed(name: "huge declared length", body: [0, 0xFF, 0xFF, 0xFF, 0xFF, 1], status: 8),
        Malformed(name: "bad flags", body: [0x42, 0, 0, 0, 0], status: 3),
        Malformed(name: "truncated header", body: [0, 0, 0], status: 3),
        Malformed(name: "a trailer frame in a request", body: [0x80, 0, 0, 0, 0], status: 3),
        Malformed(
            name: "bad base64", body: Array("AAAA*AAA".utf8), contentType: "application/grpc-web-text", status: 3),
        Malformed(name: "two messages for a unary method", body: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], status: 3),
        Malformed(name: "no message for a unary method", body: [], status: 3),
        Malformed(
            name: "bad JSON", body: [0, 0, 0, 0, 1, UInt8(ascii: "{")], contentType: "application/grpc-web+json",
            status: 3),
        Malformed(name: "unknown method", body: [0, 0, 0, 0, 0], path: "/echo.v1.EchoService/Nope", status: 12),
        Malformed(name: "compressed message", body: [1, 0, 0, 0, 0], status: 12),
    ]

    @Test("malformed requests get a clean gRPC error, and the gateway keeps serving", arguments: malformed)
    func malformedRequests(bad: Malformed) async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(bad.path, body: bad.body, contentType: bad.contentType)
            #expect(reply.reply.status == 200)
            #expect(reply.status == bad.status, "\(reply.statusMessage ?? "")")
            #expect(reply.statusMessage?.isEmpty == false)
            #expect(try await gateway.grpcWeb(Self.echo, messages: [Self.echoRequest("ok")]).status == 0)
        }
    }
}

@Suite("gRPC-Web: CORS")
struct GRPCWebCORSTests {
    @Test("a preflight is answered by the gateway with the allowed methods and headers")
    func preflight() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.send(
                .OPTIONS, GRPCWebTests.echo,
                headers: [
                    ("origin", "https://app.example"), ("access-control-request-method", "POST"),
                    ("access-control-request-headers", "content-type,x-grpc-web,x-user-agent,grpc-timeout"),
                ])
            #expect(reply.status == 204)
            #expect(reply.header("access-control-allow-origin") == "*")
            let allowed = try #require(reply.header("access-control-allow-headers"))
            for name in ["content-type", "x-grpc-web", "x-user-agent", "grpc-timeout"] {
                #expect(allowed.contains(name))
            }
            #expect(reply.header("access-control-allow-methods")?.contains("POST") == true)
            #expect(reply.header("access-control-max-age") == "600")
        }
    }

    @Test("responses expose the gRPC status headers and the call's metadata")
    func exposeHeaders() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.grpcWeb(
                "/echo.v1.EchoService/Headers", messages: [Echo_V1_HeadersRequest()],
                headers: [("origin", "https://app.example")])
            #expect(reply.reply.header("access-control-allow-origin") == "*")
            let exposed = try #require(reply.reply.header("access-control-expose-headers"))
            for name in ["grpc-status", "grpc-message", "grpc-status-details-bin", "x-demo-initial"] {
                #expect(exposed.contains(name), "\(exposed)")
            }
        }
    }

    @Test("an origin outside the allow-list gets no CORS headers and a 403 preflight; credentials never with *")
    func allowList() async throws {
        try await TestGateway.withDemo(configure: {
            $0.cors = CORSPolicy(allowedOrigins: ["https://good.example"], allowCredentials: true)
        }) { gateway, _ in
            let good = try await gateway.send(
                .OPTIONS, GRPCWebTests.echo,
                headers: [("origin", "https://good.example"), ("access-control-request-method", "POST")])
            #expect(good.status == 204)
            #expect(good.header("access-control-allow-origin") == "https://good.example")
            #expect(good.header("access-control-allow-credentials") == "true")
            #expect(good.header("vary") == "Origin")
            let bad = try await gateway.send(
                .OPTIONS, GRPCWebTests.echo,
                headers: [("origin", "https://evil.example"), ("access-control-request-method", "POST")])
            #expect(bad.status == 403)
            #expect(bad.header("access-control-allow-origin") == nil)
        }
    }
}
