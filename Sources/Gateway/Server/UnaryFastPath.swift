import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Answers unary REST and gRPC-Web calls of an HTTP/1.1 connection on its event loop, with no task per request:
/// the request is routed from its head, its body collected, the upstream call started with a completion handler,
/// and the answer written straight back to the channel. (HTTP/2 connections have ``HTTP2UnaryFastPath``.)
///
/// It sits in each connection's pipeline just before Hummingbird's async bridge, and claims only the requests
/// it can answer whole (``Services/claim(_:)``). Everything else is passed on untouched to the Hummingbird
/// responder, which serves the full protocol. The work per request is the same either way (the steps are shared
/// with ``RESTHandler`` and ``GRPCWebHandler``); what this path saves is the async machinery around it, most of
/// a small request's cost.
///
/// Pipelining keeps its order: requests that arrive while a claimed one is answered wait here, and while
/// Hummingbird answers a request, the following ones go to it as well until its response has ended.
///
/// An answer is written as bytes, head and body in one buffer, straight past the HTTP codec handlers to the
/// socket (they have nothing to do between two whole responses), and ``HTTP1ConnectionLifecycle`` is told it
/// ended.
final class UnaryFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let services: Services
    private var machine = StateMachine<Services.Claim>()
    /// The backend call of the claimed request while it runs (nil otherwise), to cancel if the client goes away.
    private var call: UpstreamUnaryCall?
    /// The context of the response encoder: a write through it goes straight to the socket.
    private var socketContext: ChannelHandlerContext?
    /// Whether a part went on to Hummingbird since the last read burst ended. Its async bridge needs the end of
    /// a burst only to hand such parts to its task; a burst of claimed requests ends here.
    private var forwardedInBurst = false

    init(services: Services) {
        self.services = services
    }

    func handlerAdded(context: ChannelHandlerContext) {
        do {
            self.socketContext = try context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
        } catch {
            preconditionFailure("UnaryFastPath goes after NIOHTTP1's response encoder: \(error)")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.socketContext = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.receive(self.unwrapInboundIn(data), context: context)
    }

    private func receive(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch self.machine.read(part, claim: self.services.claim) {
        case .none:
            break
        case .forward(let part):
            self.forwardedInBurst = true
            context.fireChannelRead(self.wrapInboundOut(part))
        case .call(let head, let claim, let body):
            self.call(head, claim, body: body, context: context)
        case .rejectTooLarge(let head, let claim):
            self.write(self.services.tooLarge(claim, for: head), context: context)
        case .rejectedBodyEnded:
            self.answered(context: context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.endBurst(context: context)
    }

    private func endBurst(context: ChannelHandlerContext) {
        guard self.forwardedInBurst else { return }
        self.forwardedInBurst = false
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .some(.inputClosed) = event as? ChannelEvent {
            self.call?.cancel()  // the client gave up on the request
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.call?.cancel()
        context.fireChannelInactive()
    }

    // MARK: Outbound (Hummingbird's responses)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = self.unwrapOutboundIn(data) { self.machine.forwardedResponseEnded() }
        context.write(data, promise: promise)
    }

    // MARK: Calling

    private func call(
        _ head: HTTPRequest, _ claim: Services.Claim, body: ByteBuffer, context: ChannelHandlerContext
    ) {
        let call = self.services.start(head, claim, body: body, on: context.eventLoop) { answer in
            self.finish(answer, context: context)
        }
        if self.machine.isCalling { self.call = call }  // (a call that failed at once has been answered already)
    }

    private func finish(_ answer: PreparedResponse, context: ChannelHandlerContext) {
        self.call = nil
        self.write(answer, context: context)
        self.answered(context: context)
    }

    // MARK: Answering

    private func write(_ answer: PreparedResponse, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        guard let socketContext = self.socketContext else { return }  // (removed from the pipeline)
        Self.writeBytes(status: answer.status, headers: answer.headers, body: answer.body, to: socketContext)
        context.triggerUserOutboundEvent(HTTP1ConnectionLifecycle.SerializedResponseWritten(), promise: nil)
    }

    /// An HTTP/1.1 response as bytes: one buffer for the head and a small body; a large body is written after the
    /// head in a buffer of its own (a buffer as it is, other bodies copied into one of their size).
    private static func writeBytes(
        status: HTTPResponse.Status, headers: HTTPFields, body: PreparedResponse.Body,
        to socketContext: ChannelHandlerContext
    ) {
        let framing = FramingFields(contentLength: body.count)
        if body.count > Self.largestCopiedBody {
            var head = socketContext.channel.allocator.buffer(capacity: 512)
            HTTP1ResponseHead.write(status: status, headers: headers, framing: framing, into: &head)
            socketContext.write(NIOAny(IOData.byteBuffer(head)), promise: nil)
            socketContext.writeAndFlush(NIOAny(IOData.byteBuffer(body.buffer)), promise: nil)
            return
        }
        var bytes = socketContext.channel.allocator.buffer(capacity: 512 + body.count)
        HTTP1ResponseHead.write(status: status, headers: headers, framing: framing, into: &bytes)
        body.write(into: &bytes)
        socketContext.writeAndFlush(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
    }

    /// Bodies up to this size are copied behind the head, so that the response leaves in one buffer.
    private static let largestCopiedBody = 16 * 1024

    /// The claimed request is answered: take the requests that waited.
    private func answered(context: ChannelHandlerContext) {
        self.machine.answered()
        while let part = self.machine.nextWaitingPart() {
            self.receive(part, context: context)
        }
        self.endBurst(context: context)  // the replay is a burst of its own
    }
}
