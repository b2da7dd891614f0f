import NIOCore

/// Closes an HTTP/2 client connection whose client closed its side (it can send no more frames, and the
/// streams it abandoned should stop upstream too), or on which an error was caught, as Hummingbird's HTTP/2
/// channel does. `NIOHTTP2Handler` has sent a GOAWAY where the protocol asks for one.
final class HTTP2ConnectionCloser: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
