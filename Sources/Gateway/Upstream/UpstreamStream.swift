import NIOCore
import NIOHPACK
import NIOHTTP2
import Synchronization

/// One gRPC call on an upstream connection.
///
/// Two halves with different owners:
/// - the event-loop half (request to send, response ``StateMachine``, stream ID, place in the deadline list, flow-control
///   window), touched only on `connection.eventLoop`;
/// - the ``Inbox``, behind a mutex, where the event loop leaves response parts and the consumer takes them.
///
/// The consumer waits with one continuation at a time, woken once per batch of reads rather than per part, so a
/// unary call costs one suspension.
final class UpstreamStream: @unchecked Sendable {
    /// The connection carrying the call; `nil` for a call that failed before reaching one.
    let connection: UpstreamConnection?
    /// When the call times out, if it has a deadline.
    let deadline: NIODeadline?

    // MARK: Event-loop half (connection.eventLoop only)

    /// The HEADERS to send; emptied once written.
    var requestHeaders: HPACKHeaders
    /// The DATA frames to send (gRPC-framed messages); emptied once written.
    var requestFrames: RequestFrames
    var machine: StateMachine
    /// Assigned when the request headers are written.
    var streamID: HTTP2StreamID?
    /// Its place among the connection's calls with a deadline.
    var deadlineLinks = DeadlineLinks<UpstreamStream>()
    /// The receive window last reported for this stream.
    var inboundWindow: Int
    /// Whether the connection will wake the consumer at the end of the current read.
    var isScheduledForWake = false

    // MARK: Consumer half (any thread)

    private let inbox: Mutex<Inbox>

    init(
        connection: UpstreamConnection,
        requestHeaders: HPACKHeaders,
        requestFrames: RequestFrames,
        deadline: NIODeadline?,
        maximumMessageSize: Int,
        isUnary: Bool,
        initialWindow: Int
    ) {
        self.connection = connection
        self.deadline = deadline
        self.requestHeaders = requestHeaders
        self.requestFrames = requestFrames
        self.machine = StateMachine(maximumMessageSize: maximumMessageSize, expectsSingleMessage: isUnary)
        self.inboundWindow = initialWindow
        self.inbox = Mutex(Inbox(defersWindowUpdates: !isUnary, bufferLimit: initialWindow))
    }

    /// A call that ends before reaching a connection (pool shut down, backing off, deadline already passed).
    init(failedWith status: UpstreamStatus) {
        self.connection = nil
        self.deadline = nil
        self.requestHeaders = [:]
        self.requestFrames = RequestFrames()
        self.machine = StateMachine(maximumMessageSize: 0, expectsSingleMessage: false)
        _ = self.machine.fail(with: status, resetStream: false)
        self.inboundWindow = 0
        var inbox = Inbox(defersWindowUpdates: false, bufferLimit: 0)
        inbox.status = status
        self.inbox = Mutex(inbox)
    }
}

// MARK: - Consumer side

extension UpstreamStream {
    /// The next response part, or `nil` after the status. One consumer at a time.
    nonisolated(nonsending) func nextEvent() async -> UpstreamCall.Event? {
        let (ready, releaseWindow) = self.inbox.withLock { $0.takeNextEvent() }
        if releaseWindow { self.connection?.replenishWindow(of: self) }
        switch ready {
        case .event(let event): return event
        case .end: return nil
        case .empty: break
        }

        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<UpstreamCall.Event?, Never>) in
                let (ready, releaseWindow) = self.inbox.withLock { inbox in
                    let taken = inbox.takeNextEvent()
                    if case .empty = taken.0 {
                        precondition(inbox.waiter == nil, "an UpstreamCall must be read by one task at a time")
                        inbox.waiter = .nextEvent(continuation)
                    }
                    return taken
                }
                if releaseWindow { self.connection?.replenishWindow(of: self) }
                switch ready {
                case .event(let event): continuation.resume(returning: event)
                case .end: continuation.resume(returning: nil)
                case .empty: break
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// The next response part if it has already arrived, without waiting; nil when none has (or after the status).
    func takeArrivedEvent() -> UpstreamCall.Event? {
        let (ready, releaseWindow) = self.inbox.withLock { $0.takeNextEvent() }
        if releaseWindow { self.connection?.replenishWindow(of: self) }
        guard case .event(let event) = ready else { return nil }
        return event
    }

    /// Waits for the whole response of a unary call.
    nonisolated(nonsending) func unaryResponse() async -> UpstreamUnaryResponse {
        if let response = self.inbox.withLock({ $0.takeUnaryResponse() }) {
            return response
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<UpstreamUnaryResponse, Never>) in
                let response = self.inbox.withLock { inbox in
                    let response = inbox.takeUnaryResponse()
                    if response == nil {
                        precondition(inbox.waiter == nil, "an upstream call must be awaited by one task at a time")
                        inbox.waiter = .unaryResponse(continuation)
                    }
                    return response
                }
                if let response {
                    continuation.resume(returning: response)
                }
            }
        } onCancel: {
            self.cancel()
        }
    }

    /// Calls `completion` with the whole response once it is complete: at once if it already is, else on the
    /// connection's event loop when it arrives.
    func onUnaryResponse(_ completion: @escaping @Sendable (UpstreamUnaryResponse) -> Void) {
        let response = self.inbox.withLock { inbox in
            let response = inbox.takeUnaryResponse()
            if response == nil {
                precondition(inbox.waiter == nil, "an upstream call must be awaited by one task at a time")
                inbox.waiter = .unaryCallback(completion)
            }
            return response
        }
        if let response { completion(response) }
    }

    /// Ends the call with CANCELLED and resets the stream, unless it has already ended.
    func cancel() {
        self.connection?.cancel(
            self,
            status: UpstreamStatus(code: .cancelled, message: "the call was cancelled before it completed")
        )
    }

    /// Whether the status has been received (or generated) already.
    var hasStatus: Bool {
        self.inbox.withLock { $0.hasStatus }
    }
}

// MARK: - Event-loop side

extension UpstreamStream {
    /// Leaves a response part in the inbox. Returns whether a consumer is waiting and must be woken.
    func deliver(_ part: Inbox.Part) -> Bool {
        self.inbox.withLock { inbox in
            switch part {
            case .initialMetadata(let headers):
                inbox.initialMetadata = headers
            case .message(let message):
                inbox.messages.append(message)
                inbox.bufferedBytes += message.readableBytes
            case .status(let status):
                inbox.status = status
            }
            return inbox.waiter != nil
        }
    }

    /// Whether the consumer has fallen behind, in which case the window update is held back until it catches up.
    func shouldDeferWindowUpdate() -> Bool {
        self.inbox.withLock { inbox in
            guard inbox.defersWindowUpdates, inbox.bufferedBytes >= inbox.bufferLimit else { return false }
            inbox.windowUpdateDeferred = true
            return true
        }
    }

    /// Resumes the waiting consumer if there is something for it.
    func wakeConsumer() {
        enum Wake {
            case none
            case nextEvent(UnsafeContinuation<UpstreamCall.Event?, Never>, UpstreamCall.Event?, releaseWindow: Bool)
            case unaryResponse(UnsafeContinuation<UpstreamUnaryResponse, Never>, UpstreamUnaryResponse)
            case unaryCallback(@Sendable (UpstreamUnaryResponse) -> Void, UpstreamUnaryResponse)
        }
        let wake = self.inbox.withLock { inbox -> Wake in
            switch inbox.waiter {
            case .none:
                return .none
            case .nextEvent(let continuation):
                let (taken, releaseWindow) = inbox.takeNextEvent()
                switch taken {
                case .empty:
                    return .none
                case .event(let event):
                    inbox.waiter = nil
                    return .nextEvent(continuation, event, releaseWindow: releaseWindow)
                case .end:
                    inbox.waiter = nil
                    return .nextEvent(continuation, nil, releaseWindow: releaseWindow)
                }
            case .unaryResponse(let continuation):
                guard let response = inbox.takeUnaryResponse() else { return .none }
                inbox.waiter = nil
                return .unaryResponse(continuation, response)
            case .unaryCallback(let callback):
                guard let response = inbox.takeUnaryResponse() else { return .none }
                inbox.waiter = nil
                return .unaryCallback(callback, response)
            }
        }
        switch wake {
        case .none:
            break
        case .nextEvent(let continuation, let event, let releaseWindow):
            if releaseWindow { self.connection?.replenishWindow(of: self) }
            continuation.resume(returning: event)
        case .unaryResponse(let continuation, let response):
            continuation.resume(returning: response)
        case .unaryCallback(let callback, let response):
            callback(response)
        }
    }
}

extension UpstreamStream: DeadlineListElement {}

// MARK: - Inbox

extension UpstreamStream {
    /// Response parts waiting for the consumer, and the consumer waiting for them.
    struct Inbox {
        enum Part {
            case initialMetadata(HPACKHeaders)
            case message(ByteBuffer)
            case status(UpstreamStatus)
        }

        enum Waiter {
            case nextEvent(UnsafeContinuation<UpstreamCall.Event?, Never>)
            case unaryResponse(UnsafeContinuation<UpstreamUnaryResponse, Never>)
            case unaryCallback(@Sendable (UpstreamUnaryResponse) -> Void)
        }

        enum Taken {
            case event(UpstreamCall.Event)
            case end
            case empty
        }

        // Each part stays here until the consumer takes it, which moves it out.
        var initialMetadata: HPACKHeaders?
        var messages = MessageQueue<ByteBuffer>()
        var status: UpstreamStatus?
        var statusTaken = false
        var waiter: Waiter?

        /// Bytes of messages not yet taken (streaming calls only hold back window updates).
        var bufferedBytes = 0
        let defersWindowUpdates: Bool
        /// Above this many buffered bytes, window updates wait for the consumer.
        let bufferLimit: Int
        var windowUpdateDeferred = false

        init(defersWindowUpdates: Bool, bufferLimit: Int) {
            self.defersWindowUpdates = defersWindowUpdates
            self.bufferLimit = bufferLimit
        }

        /// Whether the status has arrived, taken or not.
        var hasStatus: Bool { self.status != nil || self.statusTaken }

        /// Takes the next part in order (initial metadata, messages, status). The flag says a held-back window
        /// update can now be sent.
        mutating func takeNextEvent() -> (Taken, releaseWindow: Bool) {
            if let metadata = self.initialMetadata.take() {
                return (.event(.initialMetadata(metadata)), false)
            }
            if let message = self.messages.popFirst() {
                self.bufferedBytes -= message.readableBytes
                var releaseWindow = false
                if self.windowUpdateDeferred, self.bufferedBytes <= self.bufferLimit / 2 {
                    self.windowUpdateDeferred = false
                    releaseWindow = true
                }
                return (.event(.message(message)), releaseWindow)
            }
            if self.statusTaken { return (.end, false) }
            if let status = self.status.take() {
                self.statusTaken = true
                return (.event(.status(status)), false)
            }
            return (.empty, false)
        }

        /// Takes everything once the status is known.
        mutating func takeUnaryResponse() -> UpstreamUnaryResponse? {
            guard !self.statusTaken, let status = self.status.take() else { return nil }
            self.statusTaken = true
            let message = self.messages.popFirst()
            self.messages = MessageQueue<ByteBuffer>()
            // Moved out (`take`), not copied: the response is what is left of the inbox.
            return UpstreamUnaryResponse(initialMetadata: self.initialMetadata.take(), message: message, status: status)
        }
    }
}
