import Foundation
import Gateway
import NIOHTTP1
import Testing

/// The event-loop fast path answers unary calls itself and leaves everything else to Hummingbird; on one
/// HTTP/1.1 connection the two must still answer pipelined requests in order.
@Suite("Unary fast path: pipelining and limits on one connection")
struct UnaryFastPathTests {
    /// The position of each needle in `text`, in the order given; nil for a needle not found after the previous one.
    static func positions(of needles: [String], in text: String) -> [String.Index?] {
        var from = text.startIndex
        return needles.map { needle in
            guard let range = text.range(of: needle, range: from..<text.endIndex) else { return nil }
            from = range.upperBound
            return range.lowerBound
        }
    }

    @Test("head limits: over 1,000 fields refused, metadata over the default 8 KiB a 431; the gateway keeps serving")
    func headLimits() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            func request(fields: Int) -> String {
                let extra = (1..<fields).map { "X-Field-\($0): v\r\n" }.joined()
                return "GET /v1/echo/hi HTTP/1.1\r\nHost: x\r\n\(extra)Connection: close\r\n\r\n"
            }
            // 100 fields, about 4.4 KiB of metadata: forwarded.
            let small = try await RawHTTP.exchange(port: port, request: request(fields: 100))
            #expect(small.hasPrefix("HTTP/1.1 200"), "\(small.prefix(300))")
            // 999 fields, about 45 KiB of metadata: refused before the call, which would cost the upstream
            // connection (the backend closes it on a header block that large).
            let large = try await RawHTTP.exchange(port: port, request: request(fields: 999))
            #expect(large.hasPrefix("HTTP/1.1 431"), "\(large.prefix(300))")
            #expect(large.contains(#""code":8"#) && large.contains("more than the limit of 8192"))
            let over = try await RawHTTP.exchange(port: port, request: request(fields: 1001))
            #expect(!over.contains("200 OK"), "\(over.prefix(300))")
            #expect(try await gateway.get("/v1/echo/after").status == 200)
        }
    }

    @Test("a configured metadata limit holds for REST and gRPC-Web calls, counted as HTTP/2 counts it")
    func configuredMetadataLimit() async throws {
        try await TestGateway.withDemo(configure: { $0.metadata.maxForwardedBytes = 1024 }) { gateway, _ in
            // "x-big" (5) + value + 32 bytes of overhead: 987 bytes of value is exactly the limit.
            for (valueBytes, allowed) in [(987, true), (988, false)] {
                let header = [("x-big", String(repeating: "v", count: valueBytes))]
                let rest = try await gateway.get("/v1/echo/hi", headers: header)
                let web = try await gateway.grpcWeb(
                    GRPCWebTests.echo, messages: [GRPCWebTests.echoRequest("hi")], headers: header)
                if allowed {
                    #expect(rest.status == 200, "\(valueBytes): \(rest.text)")
                    #expect(web.status == 0, "\(valueBytes): \(web.statusMessage ?? "")")
                } else {
                    #expect(rest.status == 431, "\(valueBytes): \(rest.text)")
                    #expect(rest.text.contains(#""code":8"#) && rest.text.contains("more than the limit of 1024"))
                    #expect(web.status == 8, "\(valueBytes): \(web.statusMessage ?? "")")
                }
            }
        }
    }

    @Test("a fast-path answer carries its length and the date once each, after its own fields")
    func framingFields() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            // The fast path leaves `Connection: close` to Hummingbird: the request under test keeps the connection,
            // and a second one closes it.
            let reply = try await RawHTTP.exchange(
                port: port,
                request: "GET /v1/echo/framed HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /v1/echo/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let parts = reply.components(separatedBy: "\r\n\r\n")
            let fields = parts[0].split(separator: "\r\n").dropFirst().map { $0.lowercased() }
            let body = parts[1].components(separatedBy: "HTTP/1.1 ")[0]
            #expect(body.hasPrefix(#"{"message":"framed""#) && body.hasSuffix("}"), "\(body)")
            #expect(fields.filter { $0.hasPrefix("content-length:") } == ["content-length: \(body.utf8.count)"])
            #expect(fields.filter { $0.hasPrefix("date:") }.count == 1, "\(parts[0])")
            #expect(fields.first?.hasPrefix("content-type:") == true, "\(parts[0])")
        }
    }

    /// Message sizes whose answers fall on either side of the 16 KiB up to which the fast path copies a body
    /// behind the response head (larger bodies are written after it).
    static let answerSizes = [10, 8_000, 17_000, 300_000]

    @Test(
        "a REST answer comes back whole with its exact length, on either side of the copy threshold",
        arguments: answerSizes)
    func restAnswerSizes(size: Int) async throws {
        try await TestGateway.withDemo { gateway, _ in
            let message = String(repeating: "x", count: size)
            let reply = try await gateway.post("/v1/echo", #"{"message": "\#(message)"}"#)
            #expect(reply.status == 200)
            #expect(reply.header("content-length") == String(reply.body.count))
            #expect(try reply.json()["message"] as? String == message)
        }
    }

    @Test(
        "a binary gRPC-Web answer comes back whole with its exact length, on either side of the copy threshold",
        arguments: answerSizes)
    func grpcWebAnswerSizes(size: Int) async throws {
        try await TestGateway.withDemo { gateway, _ in
            // echo.v1.EchoRequest{message}: field 1 (0x0A), a varint length, the bytes; framed with flag 0.
            var payload: [UInt8] = [0x0A]
            var length = UInt64(size)
            while length >= 0x80 {
                payload.append(UInt8(truncatingIfNeeded: length) | 0x80)
                length >>= 7
            }
            payload.append(UInt8(length))
            payload += Array(repeating: UInt8(ascii: "x"), count: size)
            let frame = [0] + withUnsafeBytes(of: UInt32(payload.count).bigEndian, Array.init) + payload
            let reply = try await gateway.send(
                .POST, "/echo.v1.EchoService/Echo", bytes: frame,
                headers: [("content-type", "application/grpc-web+proto")])
            #expect(reply.status == 200)
            #expect(reply.header("content-length") == String(reply.body.count))
            // The message frame, then the trailer frame (flag 0x80) with grpc-status 0, and nothing after it.
            let body = reply.body
            try #require(body.count >= 5 && body[0] == 0)
            let messageLength = body[1..<5].reduce(0) { $0 << 8 | Int($1) }
            try #require(body.count >= 5 + messageLength + 5)
            #expect(body[5..<(5 + messageLength)].starts(with: payload))
            let trailerStart = 5 + messageLength
            #expect(body[trailerStart] == 0x80)
            let trailerLength = body[(trailerStart + 1)..<(trailerStart + 5)].reduce(0) { $0 << 8 | Int($1) }
            #expect(body.count == trailerStart + 5 + trailerLength)
            #expect(String(decoding: body[(trailerStart + 5)...], as: UTF8.self).contains("grpc-status: 0\r\n"))
        }
    }

    @Test("pipelined requests answered by the fast path and by Hummingbird come back in order")
    func pipelinedMix() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let post = #"{"message": "three"}"#
            let requests = [
                "GET /v1/echo/one HTTP/1.1\r\nHost: x\r\n\r\n",  // unary: fast path
                "GET /v1/echo/two:expand?count=2 HTTP/1.1\r\nHost: x\r\n\r\n",  // server stream: Hummingbird
                "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: \(post.utf8.count)\r\n\r\n\(post)",  // unary with a body: fast path
                "GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n\r\n",  // no route: Hummingbird's 404
                "GET /v1/echo/four HTTP/1.1\r\nHost: x\r\n\r\n",  // fast path again
                "GET /v1/echo/five HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",  // closing: Hummingbird
            ]
            let response = try await RawHTTP.exchange(port: port, request: requests.joined())
            let statusLines = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(statusLines == ["200", "200", "200", "404", "200", "200"], "\(response)")
            let order = Self.positions(
                of: [
                    #""message":"one""#, #""message":"two""#, #""message":"three""#, "no route", #""message":"four""#,
                    #""message":"five""#,
                ],
                in: response)
            #expect(order.allSatisfy { $0 != nil }, "\(response)")
        }
    }

    @Test("a body over the limit is answered 413 at once, its rest is dropped, and the connection goes on")
    func bodyOverLimit() async throws {
        try await TestGateway.withDemo { configuration in
            configuration.limits.maxRequestBodyBytes = 100
        } _: { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let big = #"{"message": "\#(String(repeating: "x", count: 300))"}"#
            let request =
                "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: \(big.utf8.count)\r\n\r\n\(big)"
                + "GET /v1/echo/after HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let response = try await RawHTTP.exchange(port: port, request: request)
            let statusLines = response.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(statusLines == ["413", "200"], "\(response)")
            #expect(response.contains("larger than the limit of 100 bytes"), "\(response)")
            #expect(response.contains(#""message":"after""#), "\(response)")
        }
    }

    @Test("a gRPC-Web call and a REST call pipelined behind a stream keep their order")
    func grpcWebBehindStream() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            // echo.v1.EchoRequest{message: "web"}, framed: flag 0, length 5, field 1 (0x0A) of 3 bytes.
            let frame = "\u{0}\u{0}\u{0}\u{0}\u{5}\u{A}\u{3}web"
            let request =
                "GET /v1/echo/first:expand?count=3 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo.v1.EchoService/Echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/grpc-web+proto\r\n"
                + "Content-Length: \(frame.utf8.count)\r\n\r\n\(frame)"
                + "GET /v1/echo/last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let response = try await RawHTTP.exchange(port: port, request: request)
            let order = Self.positions(
                of: [#""message":"first""#, "grpc-status: 0", #""message":"last""#], in: response)
            #expect(order.allSatisfy { $0 != nil }, "\(response)")
        }
    }
}
