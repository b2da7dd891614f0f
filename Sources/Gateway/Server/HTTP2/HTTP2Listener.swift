import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP2
import NIOHTTPTypes
import NIOHTTPTypesHTTP2

/// The HTTP/2 (h2c) listener: one connection's pipeline and the tasks that serve its streams.
///
/// It differs from Hummingbird's `HTTP2Channel` in what a stream costs. A unary call, the common case, is
/// answered from the connection's frames by ``HTTP2UnaryFastPath``: no stream channel, task, async bridge or
/// HTTP codec. Only the streams it passes on reach the multiplexer, whose stream channels get the HTTP/2 to HTTP
/// codec and are handed to a task running Hummingbird's request loop (``HTTP2StreamHandOff``). The connection
/// also writes the answers of a burst of streams with one syscall (``FlushCoalescer``) instead of one per stream.
struct HTTP2Listener: HTTPChannelHandler {
    typealias HTTPStream = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    struct Value: ServerChildChannelValue {
        let channel: any Channel
        /// The streams handed to Hummingbird, in the order their heads arrived.
        let handedOffStreams: AsyncStream<HTTPStream>
    }

    let responder: Responder
    let fastPath: UnaryFastPath.Services
    /// How long a connection with no open stream stays open; nil for ever.
    let idleTimeout: Duration?
    /// How long a connection sent GOAWAY has to finish before it is closed anyway.
    let gracePeriod: Duration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let (streams, handOff) = AsyncStream<HTTPStream>.makeStream()
            // Graceful shutdown (GOAWAY, then close once the open streams have ended) is NIOHTTP2's; it counts the
            // open streams from the stream events NIOHTTP2Handler sends down the pipeline. The idle timeout is
            // HTTP2ConnectionCloser's, which starts that shutdown.
            let lifecycle = NIOHTTP2ServerConnectionManagementHandler(
                eventLoop: channel.eventLoop,
                configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: nil, keepalive: nil)
            )
            let sync = channel.pipeline.syncOperations
            try sync.addHandlers(
                FlushCoalescer(),
                NIOHTTP2Handler(mode: .server, connectionConfiguration: .init(), streamConfiguration: .init()),
                HTTP2UnaryFastPath(services: self.fastPath),
                HTTP2StreamMultiplexer(
                    mode: .server, channel: channel,
                    inboundStreamInitializer: { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandlers(
                                HTTP2FramePayloadToHTTPServerCodec(), HTTP2StreamHandOff(streams: handOff))
                        }
                    })
            )
            try sync.addHandlers(
                HTTP2ConnectionCloser(idleTimeout: self.idleTimeout, gracePeriod: self.gracePeriod), lifecycle)
            channel.closeFuture.whenComplete { _ in handOff.finish() }
            return Value(channel: channel, handedOffStreams: streams)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await withDiscardingTaskGroup { group in
            for await stream in value.handedOffStreams {
                group.addTask { await self.handleHTTP(asyncChannel: stream, logger: logger) }
            }
        }
    }
}
