import HTTPTypes
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Answers the unary REST and gRPC-Web calls of an HTTP/2 connection from its frames, with no stream channel,
/// task or HTTP codec per request: it sits between `NIOHTTP2Handler` and the stream multiplexer, claims a
/// stream from its request head (``UnaryFastPath/Services/claim(_:)``), collects its body, calls the backend
/// with a completion handler and writes the answer as a HEADERS and a DATA frame. A stream it does not claim
/// goes on to the multiplexer, frames and all, which gives it a stream channel served by Hummingbird.
///
/// What a stream channel would do for a claimed stream is done here: its flow-control window is kept open while
/// the body arrives, its backend call is cancelled when the client resets it or the connection closes, and a
/// body over its limit is answered 413 and the stream reset (NO_ERROR), so that the client stops sending.
final class HTTP2UnaryFastPath: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let services: UnaryFastPath.Services
    private typealias ConnectionStreams = Streams<UnaryFastPath.Services.Claim, UpstreamUnaryCall>

    private var streams = ConnectionStreams()
    /// The stream multiplexer's context: an event fired from it skips the multiplexer.
    private var multiplexer: ChannelHandlerContext?

    init(services: UnaryFastPath.Services) {
        self.services = services
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = self.unwrapInboundIn(data)
        let stream = frame.streamID
        switch self.streams.owner(of: stream) {
        case .fastPath:
            switch frame.payload {
            case .headers:  // trailers: they end the request, and a unary call has no use for them
                self.perform(self.streams.received(stream, body: nil, endStream: true), stream, context: context)
            case .data(let body):
                guard case .byteBuffer(let chunk) = body.data else { return }  // (inbound data is always a buffer)
                let padding = body.paddingBytes.map { $0 + 1 } ?? 0  // (and the byte that gives its length)
                let action = self.streams.received(
                    stream, body: chunk, flowControlledBytes: chunk.readableBytes + padding, endStream: body.endStream)
                self.perform(action, stream, context: context)
            default:
                break  // WINDOW_UPDATE, RST_STREAM, PRIORITY: NIOHTTP2 has acted on them; a reset's close follows
            }
        case .multiplexer:
            context.fireChannelRead(data)
        case nil:
            // Other frames of a stream that is not open are dropped: the multiplexer would report them as an error
            // (no such stream), which closes the connection.
            if stream == .rootStream {
                context.fireChannelRead(data)  // connection frames: the connection manager's
            } else if case .headers(let headers) = frame.payload {
                self.opened(stream, headers, data: data, context: context)
            } else if case .priority = frame.payload {
                context.fireChannelRead(data)  // (the multiplexer passes these on to the connection too)
            }
        }
    }

    /// A client's HEADERS frame opened `stream`: claim it, or pass it on to the multiplexer.
    private func opened(
        _ stream: HTTP2StreamID, _ headers: HTTP2Frame.FramePayload.Headers, data: NIOAny,
        context: ChannelHandlerContext
    ) {
        guard let head = Self.request(headers.headers), let (claim, limit) = self.services.claim(head) else {
            self.streams.forwarded(stream)
            context.fireChannelRead(data)
            return
        }
        let action = self.streams.claimed(stream, head: head, claim: claim, limit: limit, endStream: headers.endStream)
        self.perform(action, stream, context: context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        let updates = self.streams.windowUpdates()
        for (stream, increment) in updates {
            let update = HTTP2Frame(streamID: stream, payload: .windowUpdate(windowSizeIncrement: increment))
            context.write(self.wrapOutboundOut(update), promise: nil)
        }
        if !updates.isEmpty { context.flush() }
        context.fireChannelReadComplete()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // A claimed stream's opening and closing go past the multiplexer, which has no channel for it and would
        // only look it up; the connection manager after it counts the open streams. Its window changes go no
        // further: the window is this handler's to keep open, and no handler after the multiplexer looks at one.
        switch event {
        case let window as NIOHTTP2WindowUpdatedEvent:
            if self.streams.owner(of: window.streamID) != .fastPath {
                context.fireUserInboundEventTriggered(event)
            }
        case let closed as StreamClosedEvent:
            let owner = self.streams.owner(of: closed.streamID)
            self.streams.closed(closed.streamID)?.cancel()
            self.fire(event, of: owner, context: context)
        case let created as NIOHTTP2StreamCreatedEvent:
            self.fire(event, of: self.streams.owner(of: created.streamID), context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Passes on the event of a stream with this `owner`.
    private func fire(_ event: Any, of owner: ConnectionStreams.Owner?, context: ChannelHandlerContext) {
        if owner == .fastPath, let multiplexer = self.multiplexerContext(context) {
            multiplexer.fireUserInboundEventTriggered(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The multiplexer's context, found the first time it is needed (it is added after this handler).
    private func multiplexerContext(_ context: ChannelHandlerContext) -> ChannelHandlerContext? {
        if self.multiplexer == nil {
            self.multiplexer = try? context.pipeline.syncOperations.context(handlerType: HTTP2StreamMultiplexer.self)
        }
        return self.multiplexer
    }

    func channelInactive(context: ChannelHandlerContext) {
        for call in self.streams.closedAll() { call.cancel() }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.multiplexer = nil
    }

    // MARK: Calling

    private func perform(
        _ action: ConnectionStreams.Action, _ stream: HTTP2StreamID,
        context: ChannelHandlerContext
    ) {
        switch action {
        case .none:
            break
        case .call(let head, let claim, let body):
            self.call(head, claim, body: body, stream: stream, context: context)
        case .rejectTooLarge(let head, let claim):
            // The reset goes once the answer has: NIOHTTP2 would drop the answer's frames still buffered.
            let written = context.eventLoop.makePromise(of: Void.self)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            written.futureResult.whenSuccess {
                let (handler, context) = loopBound.value
                guard handler.streams.owner(of: stream) == .fastPath else { return }  // the request ended meanwhile
                let reset = HTTP2Frame(streamID: stream, payload: .rstStream(.noError))
                context.writeAndFlush(handler.wrapOutboundOut(reset), promise: nil)
            }
            self.write(self.services.tooLarge(claim, for: head), stream: stream, context: context, promise: written)
        }
    }

    private func call(
        _ head: HTTPRequest, _ claim: UnaryFastPath.Services.Claim, body: ByteBuffer, stream: HTTP2StreamID,
        context: ChannelHandlerContext
    ) {
        let call = self.services.start(head, claim, body: body, on: context.eventLoop) { answer in
            self.finish(answer, stream: stream, context: context)
        }
        if let call { self.streams.started(stream, call: call) }
    }

    private func finish(_ answer: PreparedResponse, stream: HTTP2StreamID, context: ChannelHandlerContext) {
        guard self.streams.answer(stream) else { return }  // the client reset the stream, or left
        self.write(answer, stream: stream, context: context)
    }

    // MARK: Answering

    /// Writes the answer as a HEADERS frame and a DATA frame (none for an empty body); `promise` is the last one's.
    private func write(
        _ answer: PreparedResponse, stream: HTTP2StreamID, context: ChannelHandlerContext,
        promise: EventLoopPromise<Void>? = nil
    ) {
        let framing = FramingFields(contentLength: answer.body.count)
        var headers = HPACKHeaders()
        headers.reserveCapacity(answer.headers.count + 3)
        headers.add(name: ":status", value: String(answer.status.code))
        for field in answer.headers { headers.add(name: field.name.canonicalName, value: field.value) }
        headers.add(name: "content-length", value: String(framing.contentLength))
        headers.add(name: "date", value: framing.date)
        let hasBody = answer.body.count > 0
        let head = HTTP2Frame(streamID: stream, payload: .headers(.init(headers: headers, endStream: !hasBody)))
        context.write(self.wrapOutboundOut(head), promise: hasBody ? nil : promise)
        if hasBody {
            let body = HTTP2Frame(
                streamID: stream, payload: .data(.init(data: .byteBuffer(answer.body.buffer), endStream: true)))
            context.write(self.wrapOutboundOut(body), promise: promise)
        }
        context.flush()
    }

    /// The request a HEADERS frame opens a stream with; nil if it is not one HTTPTypes can hold (the multiplexer's
    /// codec then answers it). NIOHTTP2 has validated the block: pseudo-header fields first, names lowercase.
    static func request(_ headers: HPACKHeaders) -> HTTPRequest? {
        var method: HTTPRequest.Method?
        var scheme: String?
        var authority: String?
        var path: String?
        var fields = HTTPFields()
        fields.reserveCapacity(headers.count)
        for (name, value, _) in headers {
            if name.utf8.first == UInt8(ascii: ":") {
                switch name {
                case ":method": method = HTTPRequest.Method(value)
                case ":scheme": scheme = value
                case ":authority": authority = value
                case ":path": path = value
                default: return nil  // e.g. `:protocol` of an extended CONNECT
                }
            } else {
                guard let name = HTTPField.Name(name) else { return nil }
                fields.append(HTTPField(name: name, value: value))
            }
        }
        guard let method else { return nil }
        return HTTPRequest(method: method, scheme: scheme, authority: authority, path: path, headerFields: fields)
    }
}
