import NIOCore
import NIOHTTPTypes

/// The end of an HTTP/2 stream channel's pipeline: its stream was not claimed by ``HTTP2UnaryFastPath``, so
/// the stream is wrapped in an `NIOAsyncChannel` (only now, to spare the claimed ones that cost) and handed to
/// the connection's task, which serves it with the Hummingbird responder. The stream gets a
/// ``ClientConnection/Observer`` too, so that its upstream call is cancelled if the client goes away.
final class HTTP2StreamHandOff: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let streams: AsyncStream<HTTP2Listener.HTTPStream>.Continuation

    init(streams: AsyncStream<HTTP2Listener.HTTPStream>.Continuation) {
        self.streams = streams
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            // The observer and the async channel's handler go after this one, which then steps aside.
            try context.pipeline.syncOperations.addHandler(ClientConnection.Observer())
            let stream = try HTTP2Listener.HTTPStream(wrappingChannelSynchronously: context.channel)
            guard case .enqueued = self.streams.yield(stream) else {
                context.close(promise: nil)  // the connection is going away
                return
            }
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
        }
    }
}
