import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// The life of one HTTP/1.1 client connection: closed after `idleTimeout` with no request in progress (or no
/// byte of a request body arriving), and on graceful shutdown once the requests in progress are answered.
///
/// It stands first after the HTTP codec, so it sees the requests of both paths. A response ends either as an
/// `.end` part written through it (Hummingbird's responder) or, for an answer ``UnaryFastPath`` wrote as bytes
/// straight to the socket, as a ``SerializedResponseWritten`` outbound event.
final class HTTP1ConnectionLifecycle: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// Sent down the pipeline by a handler that wrote a whole response without passing through this one.
    struct SerializedResponseWritten: Sendable {}

    private var machine: StateMachine
    private var idleTimer: Scheduled<Void>?

    /// - Parameter idleTimeout: nil keeps idle connections open.
    init(idleTimeout: Duration?) {
        self.machine = StateMachine(idleTimeout: idleTimeout.map(TimeAmount.init))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.perform(self.machine.becameActive(now: .now()), context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.perform(self.machine.becameActive(now: .now()), context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.machine.becameInactive()
        self.idleTimer?.cancel()
        self.idleTimer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        self.machine.read(self.unwrapInboundIn(data), now: .now())
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = self.unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        let action = self.machine.responseEnded(now: .now())
        context.write(data, promise: promise)
        self.perform(action, context: context)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is SerializedResponseWritten else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        self.perform(self.machine.responseEnded(now: .now()), context: context)
        promise?.succeed(())
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        self.perform(self.machine.quiesce(), context: context)
    }

    private func perform(_ action: StateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .close:
            context.flush()
            context.close(promise: nil)
        case .scheduleTimer(let deadline):
            guard self.idleTimer == nil else { return }
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            self.idleTimer = context.eventLoop.scheduleTask(deadline: deadline) {
                let (handler, context) = loopBound.value
                handler.idleTimer = nil
                handler.perform(handler.machine.timerFired(now: .now()), context: context)
            }
        }
    }
}

extension HTTP1ConnectionLifecycle {
    /// When to close: requests in progress, the last read or answer, and whether a shutdown is waiting. Pure.
    struct StateMachine {
        enum Action: Equatable {
            case none
            case close
            /// Arm the idle timer for `deadline`, unless it is armed already (it re-checks when it fires).
            case scheduleTimer(NIODeadline)
        }

        let idleTimeout: TimeAmount?
        private(set) var requestsInProgress = 0
        private var isReadingRequest = false
        private var lastActivity = NIODeadline.uptimeNanoseconds(0)
        private var isActive = false
        private var closeWhenAnswered = false

        init(idleTimeout: TimeAmount?) {
            self.idleTimeout = idleTimeout
        }

        mutating func becameActive(now: NIODeadline) -> Action {
            self.isActive = true
            self.lastActivity = now
            return self.idleTimeout.map { .scheduleTimer(now + $0) } ?? .none
        }

        mutating func becameInactive() {
            self.isActive = false
        }

        mutating func read(_ part: HTTPRequestPart, now: NIODeadline) {
            self.lastActivity = now
            switch part {
            case .head:
                self.requestsInProgress += 1
                self.isReadingRequest = true
            case .body:
                break
            case .end:
                self.isReadingRequest = false
            }
        }

        mutating func responseEnded(now: NIODeadline) -> Action {
            self.requestsInProgress = max(0, self.requestsInProgress - 1)
            guard self.requestsInProgress == 0 else { return .none }
            if self.closeWhenAnswered { return .close }
            self.lastActivity = now
            guard let idleTimeout = self.idleTimeout, self.isActive else { return .none }
            return .scheduleTimer(now + idleTimeout)
        }

        /// Graceful shutdown: close now if nothing is in progress, else once the last answer is written.
        mutating func quiesce() -> Action {
            guard self.requestsInProgress > 0 else { return .close }
            self.closeWhenAnswered = true
            return .none
        }

        mutating func timerFired(now: NIODeadline) -> Action {
            guard let idleTimeout = self.idleTimeout, self.isActive else { return .none }
            // A request that has been read and waits for its answer keeps the connection, however long it takes;
            // the answer re-arms the timer.
            if !self.isReadingRequest, self.requestsInProgress > 0 { return .none }
            let deadline = self.lastActivity + idleTimeout
            return now >= deadline ? .close : .scheduleTimer(deadline)
        }
    }
}
