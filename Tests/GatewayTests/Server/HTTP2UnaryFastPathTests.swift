import DemoService
import Foundation
import HTTPTypes
import NIOCore
import NIOHPACK
import NIOHTTP2
import Testing

@testable import Gateway

@Suite("HTTP2UnaryFastPath.Streams")
struct HTTP2UnaryFastPathStreamsTests {
    typealias Streams = HTTP2UnaryFastPath.Streams<String, Int>

    /// What a test does to the table, and what the table says back.
    enum Step {
        case head(endStream: Bool)
        case data(String, endStream: Bool)
        case trailers
        case started(call: Int)
        case answer(expected: Bool)
        case closed(expectedCall: Int?)
    }

    enum Outcome: Equatable {
        case none
        case call(body: String)
        case rejectTooLarge
    }

    static let head = HTTPRequest(method: .post, scheme: "http", authority: "x", path: "/v1/echo")
    static let stream = HTTP2StreamID(1)

    /// Runs the steps on one stream with a body limit of 8 bytes; returns the actions of the head and body steps.
    static func run(_ steps: [Step]) -> (outcomes: [Outcome], claimed: Bool) {
        var streams = Streams()
        var outcomes: [Outcome] = []
        func outcome(_ action: Streams.Action) -> Outcome {
            switch action {
            case .none: .none
            case .call(let head, let claim, let body):
                head == Self.head && claim == "claim" ? .call(body: String(buffer: body)) : .none
            case .rejectTooLarge(let head, let claim):
                head == Self.head && claim == "claim" ? .rejectTooLarge : .none
            }
        }
        for step in steps {
            switch step {
            case .head(let endStream):
                outcomes.append(
                    outcome(
                        streams.claimed(Self.stream, head: Self.head, claim: "claim", limit: 8, endStream: endStream)))
            case .data(let text, let endStream):
                outcomes.append(
                    outcome(streams.received(Self.stream, body: ByteBuffer(string: text), endStream: endStream)))
            case .trailers:
                outcomes.append(outcome(streams.received(Self.stream, body: nil, endStream: true)))
            case .started(let call):
                streams.started(Self.stream, call: call)
            case .answer(let expected):
                let answered = streams.answer(Self.stream)
                #expect(answered == expected)
            case .closed(let expectedCall):
                let call = streams.closed(Self.stream)
                #expect(call == expectedCall)
            }
        }
        return (outcomes, streams.owner(of: Self.stream) == .fastPath)
    }

    @Test(
        "a claimed stream from head to close",
        arguments: [
            // A GET: the head ends the stream, the call starts at once.
            (
                [.head(endStream: true), .started(call: 7), .answer(expected: true), .closed(expectedCall: nil)],
                [.call(body: "")]
            ),
            // A body in parts, collected whole.
            (
                [
                    .head(endStream: false), .data("abc", endStream: false), .data("def", endStream: true),
                    .started(call: 7), .answer(expected: true), .closed(expectedCall: nil),
                ],
                [.none, .none, .call(body: "abcdef")]
            ),
            // Trailers end the request.
            ([.head(endStream: false), .data("ab", endStream: false), .trailers], [.none, .none, .call(body: "ab")]),
            // Over the limit of 8 bytes: rejected once, the rest dropped.
            (
                [
                    .head(endStream: false), .data("abcdef", endStream: false), .data("ghi", endStream: false),
                    .data("j", endStream: true), .answer(expected: false), .closed(expectedCall: nil),
                ],
                [.none, .none, .rejectTooLarge, .none]
            ),
            // Reset by the client while the backend works: the call to cancel, and no answer written.
            (
                [.head(endStream: true), .started(call: 7), .closed(expectedCall: 7), .answer(expected: false)],
                [.call(body: "")]
            ),
            // A call that failed at once was answered before it was reported started: nothing left to cancel.
            (
                [.head(endStream: true), .answer(expected: true), .started(call: 7), .closed(expectedCall: nil)],
                [.call(body: "")]
            ),
        ] as [([Step], [Outcome])])
    func lifecycle(steps: [Step], expected: [Outcome]) {
        let (outcomes, claimed) = Self.run(steps)
        #expect(outcomes == expected)
        let closes = steps.contains { if case .closed = $0 { true } else { false } }
        #expect(claimed == !closes, "a stream stays claimed until NIOHTTP2 closes it")
    }

    @Test("the connection's close gives every running call, and only those, to cancel")
    func closedAll() {
        var streams = Streams()
        for id in [1, 3, 5] {
            _ = streams.claimed(HTTP2StreamID(id), head: Self.head, claim: "claim", limit: 8, endStream: id != 5)
        }
        streams.started(HTTP2StreamID(1), call: 1)
        streams.started(HTTP2StreamID(3), call: 3)
        let answered = streams.answer(HTTP2StreamID(3))
        #expect(answered)
        streams.forwarded(HTTP2StreamID(7))
        #expect(streams.owner(of: HTTP2StreamID(5)) == .fastPath)
        #expect(streams.owner(of: HTTP2StreamID(7)) == .multiplexer)
        #expect(streams.owner(of: HTTP2StreamID(9)) == nil)
        let running = streams.closedAll()
        #expect(running == [1])
        #expect(streams.isEmpty)
    }

    @Test("a stream's window is topped up after a read burst, only while its body is still arriving")
    func windowUpdates() {
        var streams = Streams()
        let (first, second) = (HTTP2StreamID(1), HTTP2StreamID(3))
        for stream in [first, second] {
            _ = streams.claimed(stream, head: Self.head, claim: "claim", limit: 1 << 20, endStream: false)
        }
        let half = Streams.streamWindow / 2
        func receive(_ stream: HTTP2StreamID, _ bytes: Int, endStream: Bool = false) {
            let chunk = ByteBuffer(repeating: 0x78, count: bytes)
            _ = streams.received(stream, body: chunk, flowControlledBytes: bytes, endStream: endStream)
        }
        receive(first, half)  // not yet half used
        receive(second, half + 1)
        var updates = streams.windowUpdates()
        #expect(updates.map(\.0) == [second])
        #expect(updates.map(\.increment) == [half + 1])
        // Both cross half in one burst, but the second stream's body ends in it: no WINDOW_UPDATE may follow.
        receive(first, 10)
        receive(second, half + 1)
        _ = streams.received(second, body: nil, endStream: true)
        updates = streams.windowUpdates()
        #expect(updates.map(\.0) == [first])
        #expect(updates.map(\.increment) == [half + 10])
        #expect(streams.windowUpdates().isEmpty, "topped up once")
    }

    @Test("a request head from HPACK fields, and the heads HTTPTypes cannot hold")
    func requestFromHPACK() throws {
        let head = try #require(
            HTTP2UnaryFastPath.request(
                HPACKHeaders([
                    (":method", "POST"), (":scheme", "http"), (":authority", "x:1"), (":path", "/v1/echo?a=1"),
                    ("content-type", "application/json"), ("cookie", "a=1"), ("cookie", "b=2"),
                ])))
        #expect(head.method == .post)
        #expect(head.scheme == "http")
        #expect(head.authority == "x:1")
        #expect(head.path == "/v1/echo?a=1")
        #expect(head.headerFields[.contentType] == "application/json")
        #expect(head.headerFields[.cookie] == "a=1; b=2")
        #expect(HTTP2UnaryFastPath.request(HPACKHeaders([("grpc-status", "0")])) == nil, "trailers")
        #expect(
            HTTP2UnaryFastPath.request(
                HPACKHeaders([(":method", "CONNECT"), (":protocol", "websocket"), (":path", "/")])) == nil)
    }
}

/// Unary calls over h2c that the fast path answers from the connection's frames, driven by curl and raw frames.
@Suite(
    "HTTP/2 unary fast path",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
)
struct HTTP2UnaryFastPathTests {
    static func h2c(limit: Int) -> @Sendable (inout GatewayConfiguration) -> Void {
        { configuration in
            configuration.listenerProtocol = .h2c
            configuration.limits.maxRequestBodyBytes = limit
        }
    }

    @Test("a body four times the stream's flow-control window arrives whole (the window is kept open)")
    func bodyOverStreamWindow() async throws {
        try await TestGateway.withDemo(configure: Self.h2c(limit: 1 << 20)) { gateway, _ in
            let text = String(repeating: "x", count: 4 * 65_535)
            let (headers, body) = try await HTTP2Tests.curl(
                ["-X", "POST", "-H", "content-type: application/json", gateway.baseURL + "/v1/echo"],
                input: Array(#"{"message": "\#(text)"}"#.utf8))
            #expect(headers.hasPrefix("HTTP/2 200"), "\(headers)")
            let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            #expect((object?["message"] as? String)?.count == text.count)
        }
    }

    /// h2load sends a body's last DATA frame right behind the one before, often in the same read: that frame's
    /// WINDOW_UPDATE must then not be sent, as the stream has ended (an earlier version did, and the connection
    /// was lost within a few dozen requests).
    @Test(
        "h2load's concurrent bodies of several stream windows on one connection are all answered",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/h2load")))
    func concurrentLargeBodies() async throws {
        try await TestGateway.withDemo(configure: Self.h2c(limit: 1 << 20)) { gateway, _ in
            let body = FileManager.default.temporaryDirectory.appendingPathComponent("h2load-\(UUID().uuidString)")
            try Data(#"{"message": "\#(String(repeating: "y", count: 200_000))"}"#.utf8).write(to: body)
            defer { try? FileManager.default.removeItem(at: body) }
            let run = try await CurlProcess.run(
                [
                    "-c1", "-m5", "-n", "200", "-d", body.path, "-H", "content-type: application/json",
                    gateway.baseURL + "/v1/echo",
                ], executable: "/usr/bin/h2load")
            #expect(run.output.contains("200 succeeded, 0 failed, 0 errored"), "\(run.output)")
            #expect(run.output.contains("status codes: 200 2xx"), "\(run.output)")
        }
    }

    @Test("a request that cannot be made into a call is answered at once with the error, as JSON")
    func requestRejectedBeforeTheCall() async throws {
        try await TestGateway.withDemo(configure: Self.h2c(limit: 1 << 20)) { gateway, _ in
            let (headers, body) = try await HTTP2Tests.curl(
                ["-X", "POST", "-H", "content-type: application/json", gateway.baseURL + "/v1/echo"],
                input: Array(#"{"message": 7"#.utf8))
            #expect(headers.hasPrefix("HTTP/2 400"), "\(headers)")
            let object = try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            #expect(object?["code"] as? Int == 3, "INVALID_ARGUMENT: \(String(decoding: body, as: UTF8.self))")
        }
    }

    @Test("a body over the limit is answered 413 at once, and the connection serves the next request")
    func bodyOverLimit() async throws {
        try await TestGateway.withDemo(configure: Self.h2c(limit: 100_000)) { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let big = ByteBuffer(string: #"{"message": "\#(String(repeating: "x", count: 300_000))"}"#)
            try await H2CClient.withConnection(port: port) { multiplexer in
                var post = HTTPRequest(method: .post, scheme: "http", authority: "127.0.0.1", path: "/v1/echo")
                post.headerFields[.contentType] = "application/json"
                let rejected = try await H2CClient.send(post, body: big, on: multiplexer)
                #expect(rejected.status == .contentTooLarge)
                let message = String(decoding: rejected.body, as: UTF8.self)
                #expect(message.contains("larger than the limit of 100000 bytes"), "\(message)")
                let get = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: "/v1/echo/after")
                let after = try await H2CClient.send(get, on: multiplexer)
                #expect(after.status == .ok)
                #expect(String(decoding: after.body, as: UTF8.self).contains(#""message":"after""#))
            }
        }
    }

    /// With `expect: 100-continue` the stream goes to the multiplexer and Hummingbird: a reset ends the call there too.
    @Test(
        "a client that resets its stream cancels the call upstream, and the connection goes on",
        arguments: [[], [("expect", "100-continue")]])
    func resetStreamCancels(extraHeaders: [(String, String)]) async throws {
        try await TestGateway.withDemo(configure: {
            $0.listenerProtocol = .h2c
            TestGateway.farDeadline(&$0)
        }) { gateway, demo in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let channel = try await RawHTTP.connect(
                port: port, sending: HTTP2Tests.sleepCall(extraHeaders: extraHeaders))
            #expect(await demo.echo.events.waitForSleepStarted())
            var reset = ByteBuffer()
            HTTP2Tests.appendFrame(type: 0x3, flags: 0, stream: 1, payload: [0, 0, 0, 0x8], to: &reset)  // CANCEL
            try await channel.writeAndFlush(reset).get()
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
            #expect(channel.isActive, "the reset ends the stream, not the connection")
            try? await channel.close().get()
        }
    }
}
