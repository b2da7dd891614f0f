import DemoService
import Foundation
import Gateway
import HTTPTypes
import Logging
import NIOCore
import NIOEmbedded
import NIOHTTP2
import NIOHTTPTypes
import NIOHTTPTypesHTTP2
import NIOPosix
import ServiceLifecycle
import Testing
import Transcoding

@testable import Gateway

/// The HTTP/2 listener's own parts: streams on one connection split between the fast path and Hummingbird, and
/// the flush coalescing of a connection's answers.
@Suite(
    "HTTP/2 listener",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
)
struct HTTP2ListenerTests {
    @Test("unary calls and server streams multiplexed on one connection are each answered in full")
    func multiplexedStreams() async throws {
        try await TestGateway.withDemo(configure: { $0.listenerProtocol = .h2c }) { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            // Unary GETs (claimed by the fast path) between streams (served by Hummingbird), sent at once.
            let paths =
                ["/v1/echo/s1:expand?count=50"] + (0..<8).map { "/v1/echo/u\($0)" } + ["/v1/echo/s2:expand?count=50"]
            let replies = try await H2CClient.get(paths, port: port)
            for (path, reply) in zip(paths, replies) {
                #expect(reply.status == .ok, "\(path)")
                let body = String(decoding: reply.body, as: UTF8.self)
                if path.hasSuffix("expand?count=50") {
                    let object = try JSONSerialization.jsonObject(with: Data(reply.body))
                    #expect((object as? [Any])?.count == 50, "\(path): \(body.prefix(200))")
                } else {
                    #expect(body.contains(#""message":"\#(path.dropFirst("/v1/echo/".count))""#), "\(path): \(body)")
                }
            }
        }
    }

    @Test("flushes of one event-loop tick leave as one, and a close sends what was written first")
    func flushCoalescing() throws {
        let loop = EmbeddedEventLoop()
        let channel = EmbeddedChannel(loop: loop)
        let counter = FlushCounter()
        try channel.pipeline.syncOperations.addHandlers(counter, FlushCoalescer())
        for text in ["a", "b", "c"] {
            channel.write(ByteBuffer(string: text), promise: nil)
            channel.flush()
        }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        loop.run()
        #expect(counter.flushes == 1)
        var written = ""
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { written += String(buffer: buffer) }
        #expect(written == "abc")

        channel.write(ByteBuffer(string: "last"), promise: nil)
        channel.flush()
        _ = try? channel.close().wait()
        #expect(counter.flushes == 2)
        #expect(try channel.readOutbound(as: ByteBuffer.self) == ByteBuffer(string: "last"))
    }
}

/// Counts the flushes that reach the socket side of a pipeline.
private final class FlushCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private(set) var flushes = 0

    func flush(context: ChannelHandlerContext) {
        self.flushes += 1
        context.flush()
    }
}

/// An h2c client that sends its requests as streams of one connection.
enum H2CClient {
    struct Reply: Sendable {
        let status: HTTPResponse.Status
        let body: [UInt8]
    }

    typealias Multiplexer = NIOHTTP2Handler.AsyncStreamMultiplexer<Void>

    /// Runs `body` with a new connection's stream multiplexer; the connection is closed after.
    static func withConnection<T>(port: Int, _ body: (Multiplexer) async throws -> T) async throws -> T {
        let (channel, multiplexer) = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let multiplexer = try channel.pipeline.syncOperations.configureAsyncHTTP2Pipeline(
                        mode: .client
                    ) { stream in stream.eventLoop.makeSucceededVoidFuture() }
                    return (channel, multiplexer)
                }
            }
        defer { channel.close(promise: nil) }
        return try await body(multiplexer)
    }

    /// The GETs sent at once, as concurrent streams; the replies in the order of `paths`.
    static func get(_ paths: [String], port: Int) async throws -> [Reply] {
        try await Self.withConnection(port: port) { multiplexer in
            try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
                for (index, path) in paths.enumerated() {
                    let head = HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1", path: path)
                    group.addTask { (index, try await Self.send(head, on: multiplexer)) }
                }
                var replies = [Reply?](repeating: nil, count: paths.count)
                for try await (index, reply) in group { replies[index] = reply }
                return replies.compactMap { $0 }
            }
        }
    }

    /// One request on a new stream. The body's writes may fail once the server has answered and reset the
    /// stream; what the server sent before is the reply.
    static func send(_ head: HTTPRequest, body: ByteBuffer? = nil, on multiplexer: Multiplexer) async throws -> Reply {
        let stream = try await multiplexer.openStream { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTPClientCodec())
                return try NIOAsyncChannel<HTTPResponsePart, HTTPRequestPart>(wrappingChannelSynchronously: stream)
            }
        }
        return try await stream.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head))
            if let body { try? await outbound.write(.body(body)) }
            try? await outbound.write(.end(nil))
            var status: HTTPResponse.Status?
            var bytes: [UInt8] = []
            do {
                for try await part in inbound {
                    switch part {
                    case .head(let response): status = response.status
                    case .body(let chunk): bytes += chunk.readableBytesView
                    case .end: break
                    }
                }
            } catch  where status != nil {}  // the reset that followed a whole answer
            return Reply(status: status ?? .internalServerError, body: bytes)
        }
    }
}
