import NIOCore
import NIOHTTP2

/// Closes an HTTP/2 client connection that the protocol alone would leave open:
/// - the client closed its side: it can send no more frames, and the calls it abandoned should stop upstream;
/// - an error was caught (as Hummingbird's HTTP/2 channel does; `NIOHTTP2Handler` has sent a GOAWAY where the
///   protocol asks for one);
/// - a GOAWAY went out (idle, or shutting down) and the grace period passed. The connection manager closes once
///   the client acknowledges its PING and the streams end; a client that never answers is closed here.
///
/// It sits between `NIOHTTP2Handler` and the connection manager, so the manager's GOAWAY frames pass through it.
final class HTTP2ConnectionCloser: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundIn = HTTP2Frame

    private let gracePeriod: Duration
    private var graceTimer: Scheduled<Void>?

    init(gracePeriod: Duration) {
        self.gracePeriod = gracePeriod
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.graceTimer?.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent {
            context.close(promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.graceTimer?.cancel()
        context.fireChannelInactive()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if self.graceTimer == nil, case .goAway = self.unwrapOutboundIn(data).payload {
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            self.graceTimer = context.eventLoop.scheduleTask(in: TimeAmount(self.gracePeriod)) {
                loopBound.value.close(promise: nil)
            }
        }
        context.write(data, promise: promise)
    }
}
