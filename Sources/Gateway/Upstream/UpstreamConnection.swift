import Logging
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix
import Synchronization

/// One HTTP/2 connection to an upstream, multiplexing gRPC calls as streams.
///
/// It sits right after `NIOHTTP2Handler` (no per-stream child channels: streams are entries in a dictionary, so
/// a call costs no channel or pipeline allocation). All mutable state lives on `eventLoop`; the thread-safe
/// entry points (``enqueue(_:)``, ``cancel(_:status:)``, ``replenishWindow(of:)``, ``close()``) hop there.
///
/// Work that can be batched (flushing writes, waking consumers, releasing stream slots in the pool) is done
/// once at the end of each event-loop entry point, e.g. once per read burst rather than once per frame.
final class UpstreamConnection: @unchecked Sendable {
    let eventLoop: any EventLoop
    let target: UpstreamTarget
    /// Succeeded when the connection has closed (or failed to connect).
    let closeFuture: EventLoopFuture<Void>

    private let pool: UpstreamPool
    private let configuration: UpstreamPool.Configuration
    private let logger: Logger
    private let closePromise: EventLoopPromise<Void>
    /// Calls handed to the event loop and not yet started; the last one to start flushes.
    private let queuedStarts = Atomic<Int>(0)

    // MARK: Event-loop state

    private enum Phase {
        /// Connecting; calls wait in `pending`.
        case connecting
        case active(ChannelHandlerContext)
        case closed
    }

    private var phase = Phase.connecting
    private var pending: [UpstreamStream] = []
    private var streams: [HTTP2StreamID: UpstreamStream] = [:]
    private var nextStreamID: Int32 = 1
    /// No new streams: GOAWAY received, or shutting down. Closes once the last stream ends.
    private var isGoingAway = false
    private var goAwayLastStreamID: HTTP2StreamID?
    /// Set by a local decision to close (idle, keepalive, error), used as the reason given to failed calls.
    private var closeReason: String?
    private var shutdownRequested = false

    private var streamsToWake: [UpstreamStream] = []
    /// Finished by their trailers; reset at the end of the read if the HTTP/2 stream did not close with them.
    private var finishedOpenStreams: [UpstreamStream] = []
    private var releasedStreams = 0
    private var needsFlush = false
    private var isFlushScheduled = false

    /// The calls with a deadline, soonest first, and the one timer that watches them.
    private var deadlines = DeadlineList<UpstreamStream>()
    private var deadlineTimer: (callback: NIOScheduledCallback, due: NIODeadline)?
    private var idleTimer: NIOScheduledCallback?
    /// When the last call ended, while no call runs.
    private var idleSince: NIODeadline?
    private var keepaliveTimer: NIOScheduledCallback?
    private var pingTimeoutTimer: NIOScheduledCallback?

    init(
        eventLoop: any EventLoop,
        target: UpstreamTarget,
        pool: UpstreamPool,
        configuration: UpstreamPool.Configuration,
        logger: Logger
    ) {
        self.eventLoop = eventLoop
        self.target = target
        self.pool = pool
        self.configuration = configuration
        self.logger = logger
        self.closePromise = eventLoop.makePromise()
        self.closeFuture = self.closePromise.futureResult
    }
}

// MARK: - Thread-safe entry points

extension UpstreamConnection {
    /// Starts connecting. Called once, by the pool, right after creating the connection.
    func connect() {
        let initialSettings = self.initialSettings
        ClientBootstrap(group: self.eventLoop)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    var connection = NIOHTTP2Handler.ConnectionConfiguration()
                    connection.initialSettings = initialSettings
                    // Backends are trusted peers, and busy ones ping often (grpc-go's BDP estimation sends a
                    // PING per burst of data): NIO's default of 200 control frames per 30 s, a guard for servers
                    // facing the internet, would cut a loaded upstream connection.
                    connection.controlFrameRateLimit.maximumCount = 1_000_000
                    connection.controlFrameRateLimit.windowLength = .seconds(1)
                    // Checking every header block a trusted backend sends was about 8% of a small call's CPU. What
                    // reaches a client from these headers is checked where it is forwarded (MetadataPolicy).
                    connection.headerBlockValidation = .disabled
                    connection.contentLengthValidation = .disabled
                    let http2 = NIOHTTP2Handler(mode: .client, connectionConfiguration: connection)
                    try channel.pipeline.syncOperations.addHandler(http2)
                    try channel.pipeline.syncOperations.addHandler(ChannelHandler(connection: self))
                }
            }
            .connect(host: self.target.host, port: self.target.port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    if self.shutdownRequested {
                        channel.close(promise: nil)
                    }
                case .failure(let error):
                    self.connectFailed(error)
                }
            }
    }

    /// Sends the call (or queues it until the connection is up).
    ///
    /// Writes are flushed once per batch: from other threads, by the last of the queued starts; on the event loop
    /// (e.g. callers resumed by a read, each starting its next call), by one task queued behind them.
    func enqueue(_ stream: UpstreamStream) {
        if self.eventLoop.inEventLoop {
            self.start(stream)
            if !self.isFlushScheduled {
                self.isFlushScheduled = true
                self.eventLoop.execute {
                    self.isFlushScheduled = false
                    self.flushPendingWork()
                }
            }
        } else {
            self.queuedStarts.add(1, ordering: .relaxed)
            self.eventLoop.execute {
                self.start(stream)
                self.finishQueuedStart()
            }
        }
    }

    /// Ends the call with `status` and resets its stream, unless it already ended.
    func cancel(_ stream: UpstreamStream, status: UpstreamStatus) {
        self.onEventLoop {
            self.finish(stream, stream.machine.fail(with: status, resetStream: true))
            self.flushPendingWork()
        }
    }

    /// The consumer caught up with a streaming call: reopen its receive window.
    func replenishWindow(of stream: UpstreamStream) {
        self.onEventLoop {
            guard let id = stream.streamID, self.streams[id] === stream, !stream.machine.isFinished,
                case .active(let context) = self.phase
            else { return }
            let increment = self.configuration.http2.targetStreamWindowSize - stream.inboundWindow
            guard increment > 0 else { return }
            stream.inboundWindow += increment
            context.write(
                self.wrap(HTTP2Frame(streamID: id, payload: .windowUpdate(windowSizeIncrement: increment))),
                promise: nil
            )
            self.needsFlush = true
            self.flushPendingWork()
        }
    }

    /// Closes the connection: at once, failing its calls, or (graceful) once its running calls have finished.
    func close(graceful: Bool) {
        self.onEventLoop {
            self.shutdownRequested = true
            switch self.phase {
            case .connecting:
                // The connect completion closes the channel; fail what is waiting now.
                self.closeReason = "the upstream pool is shutting down"
                self.failAll(UpstreamStatus(code: .unavailable, message: "the upstream pool is shutting down"))
                self.flushPendingWork()
            case .active(let context):
                if graceful {
                    self.isGoingAway = true
                    self.closeIfDrained()
                } else {
                    self.closeReason = "the upstream pool is shutting down"
                    context.close(promise: nil)
                }
            case .closed:
                break
            }
        }
    }

    private func onEventLoop(_ work: @escaping @Sendable () -> Void) {
        if self.eventLoop.inEventLoop {
            work()
        } else {
            self.eventLoop.execute(work)
        }
    }

    private func finishQueuedStart() {
        if self.queuedStarts.subtract(1, ordering: .relaxed).newValue == 0 {
            self.flushPendingWork()
        }
    }
}

// MARK: - Calls

extension UpstreamConnection {
    private func start(_ stream: UpstreamStream) {
        self.idleSince = nil  // (the idle timer, if set, finds the connection busy and lets it be)
        if let deadline = stream.deadline {
            self.watchDeadline(of: stream, deadline)
        }
        switch self.phase {
        case .connecting:
            if self.shutdownRequested {
                self.failBeforeStart(stream, "the upstream pool is shutting down")
            } else {
                self.pending.append(stream)
            }
        case .active(let context):
            if self.isGoingAway {
                self.failBeforeStart(stream, "the connection to \(self.target) is going away")
            } else {
                self.open(stream, context: context)
            }
        case .closed:
            self.failBeforeStart(stream, self.closeReason ?? "the connection to \(self.target) closed")
        }
    }

    private func failBeforeStart(_ stream: UpstreamStream, _ message: String) {
        self.releasedStreams += 1
        let status = UpstreamStatus(code: .unavailable, message: message)
        self.finish(stream, stream.machine.fail(with: status, resetStream: false))
    }

    /// Writes the request: HEADERS, then the DATA frames, the last one ending the stream.
    private func open(_ stream: UpstreamStream, context: ChannelHandlerContext) {
        guard self.nextStreamID < Int32.max - 1 else {
            // Stream IDs exhausted: this connection takes no more calls; the pool opens another.
            self.isGoingAway = true
            self.pool.connectionGoingAway(self)
            self.failBeforeStart(stream, "the connection to \(self.target) ran out of stream IDs")
            return
        }
        let id = HTTP2StreamID(self.nextStreamID)
        self.nextStreamID += 2
        stream.streamID = id
        self.streams[id] = stream

        let headers = stream.requestHeaders
        let frames = stream.requestFrames
        stream.requestHeaders = [:]
        stream.requestFrames = RequestFrames()

        context.write(
            self.wrap(HTTP2Frame(streamID: id, payload: .headers(.init(headers: headers, endStream: frames.isEmpty)))),
            promise: nil
        )
        let lastIndex = frames.count - 1
        for (index, frame) in frames.enumerated() {
            let data = HTTP2Frame.FramePayload.Data(data: .byteBuffer(frame), endStream: index == lastIndex)
            context.write(self.wrap(HTTP2Frame(streamID: id, payload: .data(data))), promise: nil)
        }
        self.needsFlush = true
    }

    /// Carries out a completion from the stream's state machine: reset the stream if needed, free its slot,
    /// and hand the status to the consumer.
    private func finish(_ stream: UpstreamStream, _ completion: UpstreamStream.StateMachine.Completion?) {
        guard let completion else { return }
        self.deadlines.remove(stream)

        if let id = stream.streamID {
            if self.streams[id] === stream {
                if completion.resetStream, case .active(let context) = self.phase {
                    context.write(self.wrap(HTTP2Frame(streamID: id, payload: .rstStream(.cancel))), promise: nil)
                    self.needsFlush = true
                    self.removeStream(id)
                } else {
                    self.finishedOpenStreams.append(stream)
                }
            }
        } else if let index = self.pending.firstIndex(where: { $0 === stream }) {
            self.pending.remove(at: index)
            self.releasedStreams += 1
        }

        if stream.deliver(.status(completion.status)) {
            self.scheduleWake(stream)
        }
    }

    private func removeStream(_ id: HTTP2StreamID) {
        if self.streams.removeValue(forKey: id) != nil {
            self.releasedStreams += 1
        }
    }

    private func scheduleWake(_ stream: UpstreamStream) {
        guard !stream.isScheduledForWake else { return }
        stream.isScheduledForWake = true
        self.streamsToWake.append(stream)
    }

    /// Fails every call, e.g. when the connection is lost. The pool has already forgotten this connection.
    private func failAll(_ status: UpstreamStatus) {
        let waiting = self.pending
        let running = Array(self.streams.values)
        self.pending.removeAll()
        self.streams.removeAll()
        for stream in waiting + running {
            self.finish(stream, stream.machine.fail(with: status, resetStream: false))
        }
        self.finishedOpenStreams.removeAll()
    }

    /// The batched work of an event-loop entry point: reset streams left open, free slots in the pool, wake
    /// consumers, flush writes.
    private func flushPendingWork() {
        if !self.finishedOpenStreams.isEmpty {
            for stream in self.finishedOpenStreams {
                // Trailers arrived but our side of the stream is still open (request body not fully sent).
                if let id = stream.streamID, self.streams[id] === stream, case .active(let context) = self.phase {
                    context.write(self.wrap(HTTP2Frame(streamID: id, payload: .rstStream(.cancel))), promise: nil)
                    self.needsFlush = true
                    self.removeStream(id)
                }
            }
            self.finishedOpenStreams.removeAll(keepingCapacity: true)
        }

        if self.releasedStreams > 0 {
            self.pool.releaseStreams(on: self, count: self.releasedStreams)
            self.releasedStreams = 0
            if self.streams.isEmpty, self.pending.isEmpty {
                self.becameIdle()
            }
        }

        if !self.streamsToWake.isEmpty {
            for stream in self.streamsToWake {
                stream.isScheduledForWake = false
                stream.wakeConsumer()
            }
            self.streamsToWake.removeAll(keepingCapacity: true)
        }

        if self.needsFlush, case .active(let context) = self.phase {
            self.needsFlush = false
            context.flush()
        }
    }
}

// MARK: - Deadlines

extension UpstreamConnection {
    /// One timer serves every call's deadline: it is due at the soonest, and moved only for a call due sooner
    /// still. A call that ends leaves it alone (it may then fire early, finding nothing due, and be set again).
    private func watchDeadline(of stream: UpstreamStream, _ deadline: NIODeadline) {
        self.deadlines.insert(stream, deadline: deadline)
        if let timer = self.deadlineTimer {
            guard deadline < timer.due else { return }
            timer.callback.cancel()
        }
        self.scheduleDeadlineTimer(at: deadline)
    }

    private func scheduleDeadlineTimer(at due: NIODeadline) {
        let handler = TimerHandler(connection: self, kind: .deadline)
        guard let callback = try? self.eventLoop.scheduleCallback(at: due, handler: handler) else {
            self.deadlineTimer = nil  // (the event loop is shutting down)
            return
        }
        self.deadlineTimer = (callback, due)
    }

    private func deadlineTimerFired() {
        self.deadlineTimer = nil
        let status = UpstreamStatus(code: .deadlineExceeded, message: "the call exceeded its deadline")
        for stream in self.deadlines.removeExpired(at: .now()) {
            self.finish(stream, stream.machine.fail(with: status, resetStream: true))
        }
        if let next = self.deadlines.firstDeadline {
            self.scheduleDeadlineTimer(at: next)
        }
    }
}

// MARK: - Idle, going away, keepalive

extension UpstreamConnection {
    private func becameIdle() {
        if self.isGoingAway {
            self.closeIfDrained()
            return
        }
        guard let idleTimeout = self.configuration.idleTimeout else { return }
        let now = NIODeadline.now()
        self.idleSince = now
        if self.idleTimer == nil {
            self.scheduleIdleTimer(at: now + TimeAmount(idleTimeout))
        }
    }

    /// The idle timer is not moved as calls come and go (that was a NIO timer scheduled and cancelled per call
    /// on a connection with one call at a time): when it fires, it closes a connection idle for the whole
    /// timeout, and is set again for one idle for less.
    private func scheduleIdleTimer(at due: NIODeadline) {
        self.idleTimer = try? self.eventLoop.scheduleCallback(
            at: due, handler: TimerHandler(connection: self, kind: .idle))
    }

    private func cancelIdleTimer() {
        self.idleTimer?.cancel()
        self.idleTimer = nil
    }

    private func idleTimeoutFired() {
        self.idleTimer = nil
        guard let idleSince = self.idleSince, let idleTimeout = self.configuration.idleTimeout,
            self.streams.isEmpty, self.pending.isEmpty, case .active(let context) = self.phase
        else { return }  // (busy: the end of its last call sets the timer again)
        let due = idleSince + TimeAmount(idleTimeout)
        guard due <= .now() else {
            self.scheduleIdleTimer(at: due)
            return
        }
        // The pool may have just assigned a call to this connection; only close if it agrees we are idle.
        guard self.pool.removeIfIdle(self) else { return }
        self.closeReason = "the connection to \(self.target) was idle"
        self.isGoingAway = true
        context.close(promise: nil)
    }

    private func closeIfDrained() {
        guard self.streams.isEmpty, self.pending.isEmpty, case .active(let context) = self.phase else { return }
        context.close(promise: nil)
    }

    private func scheduleKeepalive() {
        guard let keepalive = self.configuration.keepalive else { return }
        self.keepaliveTimer = try? self.eventLoop.scheduleCallback(
            in: TimeAmount(keepalive.interval),
            handler: TimerHandler(connection: self, kind: .keepalive)
        )
    }

    private func keepaliveFired() {
        self.keepaliveTimer = nil
        guard let keepalive = self.configuration.keepalive, case .active(let context) = self.phase else { return }
        if keepalive.permitWithoutCalls || !self.streams.isEmpty {
            context.writeAndFlush(
                self.wrap(
                    HTTP2Frame(
                        streamID: .rootStream,
                        payload: .ping(HTTP2PingData(withInteger: 0x706f7274), ack: false)
                    )
                ),
                promise: nil
            )
            self.pingTimeoutTimer = try? self.eventLoop.scheduleCallback(
                in: TimeAmount(keepalive.timeout),
                handler: TimerHandler(connection: self, kind: .pingTimeout)
            )
        } else {
            self.scheduleKeepalive()
        }
    }

    private func pingAcknowledged() {
        guard self.pingTimeoutTimer != nil else { return }
        self.pingTimeoutTimer?.cancel()
        self.pingTimeoutTimer = nil
        self.scheduleKeepalive()
    }

    private func pingTimedOut() {
        self.pingTimeoutTimer = nil
        guard case .active(let context) = self.phase else { return }
        self.closeReason = "the connection to \(self.target) did not answer a keepalive PING in time"
        context.close(promise: nil)
    }

    private struct TimerHandler: NIOScheduledCallbackHandler, Sendable {
        enum Kind {
            case deadline
            case idle
            case keepalive
            case pingTimeout
        }

        let connection: UpstreamConnection
        let kind: Kind

        func handleScheduledCallback(eventLoop: some EventLoop) {
            switch self.kind {
            case .deadline: self.connection.deadlineTimerFired()
            case .idle: self.connection.idleTimeoutFired()
            case .keepalive: self.connection.keepaliveFired()
            case .pingTimeout: self.connection.pingTimedOut()
            }
            self.connection.flushPendingWork()
        }
    }
}

// MARK: - HTTP/2 events

extension UpstreamConnection {
    private var initialSettings: HTTP2Settings {
        let http2 = self.configuration.http2
        return [
            HTTP2Setting(parameter: .enablePush, value: 0),
            HTTP2Setting(parameter: .initialWindowSize, value: Self.clampWindow(http2.targetStreamWindowSize)),
            HTTP2Setting(parameter: .maxFrameSize, value: min(max(http2.maximumFrameSize, 1 << 14), (1 << 24) - 1)),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 16 * 1024),
        ]
    }

    private static func clampWindow(_ size: Int) -> Int {
        min(max(size, 65_535), Int(Int32.max))
    }

    private func wrap(_ frame: HTTP2Frame) -> NIOAny {
        NIOAny(frame)
    }

    fileprivate func channelActive(context: ChannelHandlerContext) {
        self.phase = .active(context)
        if self.shutdownRequested {
            context.close(promise: nil)
            return
        }
        self.pool.connectionReady(self)
        self.logger.debug("upstream connection ready", metadata: ["target": "\(self.target)"])

        // The connection window starts at 65,535 bytes whatever the settings say; open it up front.
        let increment = Self.clampWindow(self.configuration.http2.targetConnectionWindowSize) - 65_535
        if increment > 0 {
            context.write(
                self.wrap(HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment))),
                promise: nil
            )
            self.needsFlush = true
        }
        self.scheduleKeepalive()

        let waiting = self.pending
        self.pending.removeAll()
        for stream in waiting {
            self.open(stream, context: context)
        }
        self.flushPendingWork()
    }

    fileprivate func channelInactive() {
        let reason = self.closeReason ?? "the connection to \(self.target) closed"
        self.phase = .closed
        self.pool.connectionClosed(self)
        self.cancelIdleTimer()
        self.keepaliveTimer?.cancel()
        self.keepaliveTimer = nil
        self.pingTimeoutTimer?.cancel()
        self.pingTimeoutTimer = nil
        self.deadlineTimer?.callback.cancel()
        self.deadlineTimer = nil
        self.failAll(UpstreamStatus(code: .unavailable, message: reason))
        self.releasedStreams = 0
        self.flushPendingWork()
        self.logger.debug("upstream connection closed", metadata: ["target": "\(self.target)", "reason": "\(reason)"])
        self.closePromise.succeed(())
    }

    private func connectFailed(_ error: any Error) {
        self.onEventLoop {
            guard case .connecting = self.phase else { return }
            self.phase = .closed
            let message = "connecting to \(self.target) failed: \(error)"
            self.closeReason = message
            self.pool.connectFailed(self, error: message)
            self.deadlineTimer?.callback.cancel()
            self.deadlineTimer = nil
            self.failAll(UpstreamStatus(code: .unavailable, message: message))
            self.releasedStreams = 0
            self.flushPendingWork()
            self.logger.debug("upstream connect failed", metadata: ["target": "\(self.target)", "error": "\(error)"])
            self.closePromise.succeed(())
        }
    }

    fileprivate func channelRead(_ frame: HTTP2Frame) {
        switch frame.payload {
        case .headers(let headers):
            guard let stream = self.streams[frame.streamID] else { return }
            switch stream.machine.receivedHeaders(headers.headers, endStream: headers.endStream) {
            case .deliverInitialMetadata(let metadata):
                if stream.deliver(.initialMetadata(metadata)) { self.scheduleWake(stream) }
            case .ignore:
                break
            case .finish(let completion):
                self.finish(stream, completion)
            }

        case .data(let data):
            guard let stream = self.streams[frame.streamID], case .byteBuffer(let bytes) = data.data else { return }
            switch stream.machine.receivedData(bytes, endStream: data.endStream) {
            case .readMessages:
                self.readMessages(of: stream)
            case .ignore:
                break
            case .finish(let completion):
                self.finish(stream, completion)
            }

        case .rstStream(let code):
            guard let stream = self.streams[frame.streamID] else { return }
            self.finish(stream, stream.machine.receivedReset(code))

        case .settings(.settings(let settings)):
            for setting in settings where setting.parameter == .maxConcurrentStreams {
                self.pool.maximumStreamsChanged(on: self, to: setting.value)
            }

        case .goAway(let lastStreamID, let errorCode, _):
            self.goAwayLastStreamID = lastStreamID
            if !self.isGoingAway {
                self.isGoingAway = true
                self.pool.connectionGoingAway(self)
            }
            self.logger.debug(
                "upstream sent GOAWAY",
                metadata: ["target": "\(self.target)", "code": "\(errorCode)", "lastStreamID": "\(lastStreamID)"]
            )

        case .ping(_, ack: true):
            self.pingAcknowledged()

        default:
            break
        }
    }

    private func readMessages(of stream: UpstreamStream) {
        var wake = false
        loop: while true {
            switch stream.machine.nextMessage() {
            case .deliver(let message):
                wake = stream.deliver(.message(message)) || wake
            case .needMoreData:
                break loop
            case .finish(let completion):
                self.finish(stream, completion)
                break loop
            }
        }
        if wake { self.scheduleWake(stream) }
    }

    fileprivate func channelReadComplete() {
        self.flushPendingWork()
    }

    fileprivate func userInboundEventTriggered(_ event: Any) -> Bool {
        if let event = event as? NIOHTTP2WindowUpdatedEvent {
            self.windowUpdated(event)
        } else if let event = event as? StreamClosedEvent {
            self.streamClosed(event)
        } else if event is NIOHTTP2StreamCreatedEvent {
            // Nothing to do: streams are tracked from the moment their headers are written.
        } else {
            return false
        }
        return true
    }

    private func streamClosed(_ event: StreamClosedEvent) {
        guard let stream = self.streams[event.streamID] else { return }
        self.removeStream(event.streamID)
        if let lastStreamID = self.goAwayLastStreamID, event.streamID > lastStreamID {
            // The upstream never processed this call.
            let status = UpstreamStatus(
                code: .unavailable,
                message: "the upstream closed the connection (GOAWAY) before processing the call"
            )
            self.finish(stream, stream.machine.fail(with: status, resetStream: false))
        } else {
            self.finish(stream, stream.machine.streamClosed(reason: event.reason))
        }
        if self.isGoingAway {
            self.closeIfDrained()
        }
    }

    /// Keeps receive windows open: the connection's always, a stream's unless its reader has fallen behind.
    private func windowUpdated(_ event: NIOHTTP2WindowUpdatedEvent) {
        guard let inbound = event.inboundWindowSize, case .active(let context) = self.phase else { return }
        if event.streamID == .rootStream {
            let target = Self.clampWindow(self.configuration.http2.targetConnectionWindowSize)
            guard inbound <= target / 2 else { return }
            context.write(
                self.wrap(
                    HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: target - inbound))
                ),
                promise: nil
            )
            self.needsFlush = true
            return
        }

        guard let stream = self.streams[event.streamID], !stream.machine.isFinished else { return }
        stream.inboundWindow = inbound
        let target = Self.clampWindow(self.configuration.http2.targetStreamWindowSize)
        guard inbound <= target / 2, !stream.shouldDeferWindowUpdate() else { return }
        stream.inboundWindow = target
        context.write(
            self.wrap(
                HTTP2Frame(streamID: event.streamID, payload: .windowUpdate(windowSizeIncrement: target - inbound))
            ),
            promise: nil
        )
        self.needsFlush = true
    }

    fileprivate func errorCaught(_ error: any Error, context: ChannelHandlerContext) {
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            if let stream = self.streams[streamError.streamID] {
                self.removeStream(streamError.streamID)
                let status = UpstreamStatus(
                    code: .internal,
                    message: "HTTP/2 stream error with \(self.target): \(streamError.baseError)"
                )
                self.finish(stream, stream.machine.fail(with: status, resetStream: false))
            }
            self.flushPendingWork()
            return
        }
        if self.closeReason == nil {
            self.closeReason = "the connection to \(self.target) failed: \(error)"
        }
        context.close(promise: nil)
    }
}

// MARK: - Channel handler

extension UpstreamConnection {
    /// The pipeline's view of the connection. A separate object so the connection (created before its
    /// channel exists) does not have to be a `ChannelHandler` itself.
    private final class ChannelHandler: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame
        typealias OutboundOut = HTTP2Frame

        let connection: UpstreamConnection

        init(connection: UpstreamConnection) {
            self.connection = connection
        }

        func channelActive(context: ChannelHandlerContext) {
            self.connection.channelActive(context: context)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.connection.channelInactive()
            context.fireChannelInactive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.connection.channelRead(self.unwrapInboundIn(data))
        }

        func channelReadComplete(context: ChannelHandlerContext) {
            self.connection.channelReadComplete()
            context.fireChannelReadComplete()
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if !self.connection.userInboundEventTriggered(event) {
                context.fireUserInboundEventTriggered(event)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.connection.errorCaught(error, context: context)
        }
    }
}
