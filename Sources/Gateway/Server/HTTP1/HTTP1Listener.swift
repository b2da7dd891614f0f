import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// The HTTP/1.1 listener: one connection's pipeline, served by Hummingbird's request loop.
///
/// The pipeline is Hummingbird's `HTTP1Channel`'s, with the gateway's handlers between the codec and the
/// responder, and with ``HTTP1ServerCodec`` in place of NIOHTTPTypesHTTP1's codec:
/// NIOHTTP1's encoder and decoder, ``HTTP1ServerCodec``, ``HTTP1ConnectionLifecycle`` (first, so that it sees
/// the requests of both paths), ``UnaryFastPath`` (which answers unary calls on the event loop and passes
/// everything else on), `ClientConnection.Observer`, then Hummingbird's connection state handler and async
/// bridge.
struct HTTP1Listener: HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: Responder
    let fastPath: UnaryFastPath.Services
    /// How long a connection with no request in progress stays open; nil for ever.
    let idleTimeout: Duration?

    /// The request head's limits, Hummingbird's defaults: 80 KiB per field, 80 KiB in all, 1,000 fields.
    static let headLimits: NIOHTTPDecoderLimitConfiguration = {
        var limits = NIOHTTPDecoderLimitConfiguration()
        limits.maxHeaderFieldSize = 80 * 1024
        limits.maxHeaderListSize = 80 * 1024
        limits.maxHeaderFieldCount = 1000
        return limits
    }()

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let sync = channel.pipeline.syncOperations
            // No pipelining assistance: UnaryFastPath and Hummingbird's request loop keep pipelined requests in order.
            try sync.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,  // Hummingbird answers malformed requests
                withOutboundHeaderValidation: false,  // HTTPTypes validated the fields already
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: Self.headLimits
            )
            try sync.addHandlers(
                HTTP1ServerCodec(),
                // It takes the shutdown signal: Hummingbird's state handler below, which sees only the
                // responder's requests, never gets it.
                HTTP1ConnectionLifecycle(idleTimeout: self.idleTimeout),
                UnaryFastPath(services: self.fastPath),
                // After the fast path, which cancels its own calls: only the parts passed on go through it.
                ClientConnection.Observer(),
                HTTPConnectionStateHandler(idleTimeout: nil, logger: logger)
            )
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        await self.handleHTTP(asyncChannel: value, logger: logger)
    }
}
