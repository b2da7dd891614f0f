import NIOCore
import NIOHTTP2

/// Closes an HTTP/2 client connection that the protocol alone would leave open:
/// - the client closed its side: it can send no more frames, and the calls it abandoned should stop upstream;
/// - an error was caught (as Hummingbird's HTTP/2 channel does; `NIOHTTP2Handler` has sent a GOAWAY where the
///   protocol asks for one);
/// - no stream was open for `idleTimeout`: it asks the connection manager for a graceful shutdown (GOAWAY), as a
///   `ChannelShouldQuiesceEvent`;
/// - a GOAWAY went out (idle, or shutting down) and the grace period passed. The connection manager closes once
///   the client acknowledges its PING and the streams end; a client that never answers is closed here.
///
/// The idle timer is armed once per idle period and checks again when it fires. NIOHTTP2's connection manager
/// can keep the idle timeout too, but it cancels and re-arms its timer for every stream, which was about 3% of a
/// small HTTP/2 call's CPU.
///
/// It sits between `NIOHTTP2Handler` and the connection manager, so the manager's GOAWAY frames pass through it
/// and its quiesce event reaches the manager.
final class HTTP2ConnectionCloser: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundIn = HTTP2Frame

    private let gracePeriod: Duration
    private var graceTimer: Scheduled<Void>?
    private var idle: IdleState
    private var idleTimer: Scheduled<Void>?

    /// - Parameter idleTimeout: nil keeps idle connections open.
    init(idleTimeout: Duration?, gracePeriod: Duration) {
        self.idle = IdleState(idleTimeout: idleTimeout.map(TimeAmount.init))
        self.gracePeriod = gracePeriod
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.perform(self.idle.becameActive(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.graceTimer?.cancel()
        self.idleTimer?.cancel()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.perform(self.idle.becameActive(now: .now()), context: context)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case is NIOHTTP2StreamCreatedEvent:
            self.idle.streamOpened()
        case is StreamClosedEvent:
            self.perform(self.idle.streamClosed(now: .now()), context: context)
        case let event as ChannelEvent where event == .inputClosed:
            context.close(promise: nil)
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.graceTimer?.cancel()
        self.idleTimer?.cancel()
        self.idle.becameInactive()
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

    private func perform(_ action: IdleState.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .quiesce:
            context.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        case .scheduleTimer(let deadline):
            guard self.idleTimer == nil else { return }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            self.idleTimer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = loopBound.value
                handler.idleTimer = nil
                handler.perform(handler.idle.timerFired(now: .now()), context: context)
            }
        }
    }
}

extension HTTP2ConnectionCloser {
    /// Whether the connection has been without open streams for the idle timeout. Pure.
    struct IdleState {
        enum Action: Equatable {
            case none
            /// Start the graceful shutdown.
            case quiesce
            /// Arm the idle timer for `deadline`, unless it is armed already (it checks again when it fires).
            case scheduleTimer(NIODeadline)
        }

        let idleTimeout: TimeAmount?
        private(set) var openStreams = 0
        /// When the last stream closed (or the connection opened).
        private var idleSince = NIODeadline.uptimeNanoseconds(0)
        private var isActive = false
        private var hasQuiesced = false

        init(idleTimeout: TimeAmount?) {
            self.idleTimeout = idleTimeout
        }

        mutating func becameActive(now: NIODeadline) -> Action {
            guard !self.isActive else { return .none }  // (handlerAdded and channelActive may both report it)
            self.isActive = true
            self.idleSince = now
            return self.idleTimeout.map { .scheduleTimer(now + $0) } ?? .none
        }

        mutating func becameInactive() {
            self.isActive = false
        }

        mutating func streamOpened() {
            self.openStreams += 1
        }

        mutating func streamClosed(now: NIODeadline) -> Action {
            self.openStreams = max(0, self.openStreams - 1)
            guard self.openStreams == 0 else { return .none }
            self.idleSince = now
            guard let idleTimeout = self.idleTimeout, self.isActive, !self.hasQuiesced else { return .none }
            return .scheduleTimer(now + idleTimeout)
        }

        mutating func timerFired(now: NIODeadline) -> Action {
            guard let idleTimeout = self.idleTimeout, self.isActive, !self.hasQuiesced else { return .none }
            // An open stream keeps the connection, however long it lasts; its close arms the timer again.
            guard self.openStreams == 0 else { return .none }
            let deadline = self.idleSince + idleTimeout
            guard now >= deadline else { return .scheduleTimer(deadline) }
            self.hasQuiesced = true
            return .quiesce
        }
    }
}
