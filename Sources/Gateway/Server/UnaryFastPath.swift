import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import Transcoding

/// Answers unary REST and gRPC-Web calls on the connection's event loop, with no task per request: the request
/// is routed from its head, its body collected, the upstream call started with a completion handler, and the
/// answer written straight back to the channel.
///
/// It sits in each connection's (or HTTP/2 stream's) pipeline just before Hummingbird's async bridge, and
/// claims only the requests it can answer whole: a route or gRPC-Web method that is unary, from a request whose
/// head passes every check. Everything else (streams, the console, CORS preflights, errors found in the head,
/// `Connection: close`) is passed on untouched to the Hummingbird responder, which serves the full protocol.
/// The work per request is the same either way (the steps are shared with ``RESTHandler`` and
/// ``GRPCWebHandler``); what this path saves is the async machinery around it, most of a small request's cost.
///
/// HTTP/1.1 pipelining keeps its order: requests that arrive while a claimed one is answered wait here, and
/// while Hummingbird answers a request, the following ones go to it as well until its response has ended.
///
/// On HTTP/1.1 an answer is written as bytes, head and body in one buffer, straight past the HTTP codec handlers
/// to the socket (they have nothing to do between two whole responses), and ``HTTP1ConnectionLifecycle`` is told
/// it ended. In an HTTP/2 stream it is written as parts, through the stream's codec.
final class UnaryFastPath: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the fast path needs of the gateway; one instance shared by every connection (a class, so that a
    /// request retains it once instead of copying the handlers' fields).
    final class Services: Sendable {
        let rest: RESTHandler
        let grpcWeb: GRPCWebHandler
        let cors: CORSPolicy

        init(rest: RESTHandler, grpcWeb: GRPCWebHandler, cors: CORSPolicy) {
            self.rest = rest
            self.grpcWeb = grpcWeb
            self.cors = cors
        }
    }

    private enum Claim {
        case rest(RESTHandler.Match)
        case grpcWeb(MethodDescriptor, GRPCWebFormat)
    }

    private let services: Services
    private var machine = StateMachine<Claim>()
    /// The backend call of the claimed request while it runs (nil otherwise), to cancel if the client goes away.
    private var call: UpstreamUnaryCall?
    /// On HTTP/1.1, the context of the response encoder: a write through it goes straight to the socket.
    private var socketContext: ChannelHandlerContext?

    init(services: Services) {
        self.services = services
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.socketContext = try? context.pipeline.syncOperations.context(handlerType: HTTPResponseEncoder.self)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.socketContext = nil
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.receive(self.unwrapInboundIn(data), context: context)
    }

    private func receive(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch self.machine.read(part, claim: self.claim) {
        case .none:
            break
        case .forward(let part):
            context.fireChannelRead(self.wrapInboundOut(part))
        case .call(let head, let claim, let body):
            self.call(head, claim, body: body, context: context)
        case .rejectTooLarge(let head, let claim):
            self.write(self.tooLarge(claim), for: head, context: context)
        case .rejectedBodyEnded:
            self.answered(context: context)
        }
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

    // MARK: Claiming

    /// The claim on a request this path can answer whole, with its body limit; nil leaves it to Hummingbird.
    private func claim(_ head: HTTPRequest) -> (Claim, limit: Int)? {
        guard let claim = self.claimedRequest(head) else { return nil }
        switch claim {
        case .rest: return (claim, self.services.rest.configuration.limits.maxRequestBodyBytes)
        case .grpcWeb(_, let format): return (claim, self.services.grpcWeb.wireLimit(format))
        }
    }

    private func claimedRequest(_ head: HTTPRequest) -> Claim? {
        guard let rawPath = head.path, head.method != .head, head.method != .options,
            head.headerFields[.connection]?.lowercased() != "close", head.headerFields[.expect] == nil
        else { return nil }
        let headers = head.headerFields
        if let format = GRPCWebFormat(headers: headers) {
            guard let method = try? self.services.grpcWeb.method(head.method, rawPath: rawPath),
                !method.serverStreaming
            else { return nil }
            return .grpcWeb(method, format)
        }
        guard let match = try? self.services.rest.match(method: head.method.rawValue, rawPath: rawPath),
            !match.route.method.serverStreaming, !match.route.method.clientStreaming,
            (try? self.services.rest.checkContentType(of: match, headers: headers)) != nil
        else { return nil }
        return .rest(match)
    }

    // MARK: Calling

    private func call(_ head: HTTPRequest, _ claim: Claim, body: ByteBuffer, context: ChannelHandlerContext) {
        let request: UpstreamRequest
        do {
            switch claim {
            case .rest(let match):
                request = try body.withUnsafeReadableBytes { bytes throws(GatewayError) in
                    try self.services.rest.upstreamRequest(for: match, headers: head.headerFields, body: bytes)
                }
            case .grpcWeb(let method, let format):
                request = try self.services.grpcWeb.upstreamRequest(
                    for: method, format: format, headers: head.headerFields, body: body)
            }
        } catch {
            self.write(self.failure(error, claim), for: head, context: context)
            self.answered(context: context)
            return
        }
        let eventLoop = context.eventLoop
        let loopBound = NIOLoopBound((self, context), eventLoop: eventLoop)
        let services = self.services
        let call = self.services.rest.upstream.unary(request) { response in
            let answer: PreparedResponse
            switch claim {
            case .rest(let match): answer = services.rest.answer(response, route: match.route)
            case .grpcWeb(let method, let format):
                answer = services.grpcWeb.answer(response, method: method, format: format)
            }
            if eventLoop.inEventLoop {
                let (handler, context) = loopBound.value
                handler.finish(answer, for: head, context: context)
            } else {
                eventLoop.execute {
                    let (handler, context) = loopBound.value
                    handler.finish(answer, for: head, context: context)
                }
            }
        }
        if self.machine.isCalling { self.call = call }  // (a call that failed at once has been answered already)
    }

    private func finish(_ answer: PreparedResponse, for head: HTTPRequest, context: ChannelHandlerContext) {
        self.call = nil
        self.write(answer, for: head, context: context)
        self.answered(context: context)
    }

    private func failure(_ error: GatewayError, _ claim: Claim) -> PreparedResponse {
        switch claim {
        case .rest: self.services.rest.errorAnswer(error)
        case .grpcWeb(_, let format):
            GRPCWebHandler.trailersOnlyAnswer(code: error.code, message: error.message, format: format)
        }
    }

    private func tooLarge(_ claim: Claim) -> PreparedResponse {
        let limit = self.services.rest.configuration.limits.maxRequestBodyBytes
        switch claim {
        case .rest: return self.failure(GatewayError.bodyTooLarge(limit: limit), claim)
        case .grpcWeb: return self.failure(GRPCWebHandler.bodyTooLarge(limit: limit), claim)
        }
    }

    // MARK: Answering

    private func write(_ answer: PreparedResponse, for head: HTTPRequest, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        var headers = answer.headers
        headers[.contentLength] = String(answer.body.readableBytes)
        headers[.date] = HTTPDate.now
        self.services.cors.addResponseHeaders(forRequest: head.headerFields, to: &headers)
        if let socketContext = self.socketContext {
            Self.writeBytes(status: answer.status, headers: headers, body: answer.body, to: socketContext)
            context.triggerUserOutboundEvent(HTTP1ConnectionLifecycle.SerializedResponseWritten(), promise: nil)
            return
        }
        context.write(
            self.wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: headers))), promise: nil)
        if answer.body.readableBytes > 0 {
            context.write(self.wrapOutboundOut(.body(answer.body)), promise: nil)
        }
        context.writeAndFlush(self.wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// An HTTP/1.1 response as bytes: one buffer for the head and a small body, a second write for a large body
    /// (not copied).
    private static func writeBytes(
        status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer, to socketContext: ChannelHandlerContext
    ) {
        let copiesBody = body.readableBytes <= Self.largestCopiedBody
        var bytes = socketContext.channel.allocator.buffer(capacity: 512 + (copiesBody ? body.readableBytes : 0))
        HTTP1ResponseHead.write(status: status, headers: headers, into: &bytes)
        if copiesBody {
            bytes.writeImmutableBuffer(body)
            socketContext.writeAndFlush(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
        } else {
            socketContext.write(NIOAny(IOData.byteBuffer(bytes)), promise: nil)
            socketContext.writeAndFlush(NIOAny(IOData.byteBuffer(body)), promise: nil)
        }
    }

    /// Bodies up to this size are copied behind the head, so that the response leaves in one buffer.
    private static let largestCopiedBody = 16 * 1024

    /// The claimed request is answered: take the requests that waited.
    private func answered(context: ChannelHandlerContext) {
        self.machine.answered()
        var replayed = false
        while let part = self.machine.nextWaitingPart() {
            replayed = true
            self.receive(part, context: context)
        }
        // Hummingbird's async bridge hands reads to its task at the end of a read burst; this replay is one.
        if replayed { context.fireChannelReadComplete() }
    }
}
