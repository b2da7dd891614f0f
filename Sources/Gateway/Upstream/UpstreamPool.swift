public import Logging
public import NIOCore
public import NIOPosix
public import ServiceLifecycle
import Synchronization

/// The gateway's gRPC client: HTTP/2 connections to upstream servers, shared by all calls.
///
/// Per target (host, port) and event loop it keeps up to ``Configuration/maximumConnectionsPerTarget`` connections
/// and multiplexes calls on them up to each peer's `SETTINGS_MAX_CONCURRENT_STREAMS`. A call made on one of the
/// group's event loops (the gateway runs each client connection's requests on its channel's loop) uses that loop's
/// connections, so the request, the upstream call and the response never change threads; calls from elsewhere share
/// the connections of the group's first loop. Connections open on demand and
/// close after ``Configuration/idleTimeout``; a broken one is dropped and the next call opens a new one. After a
/// failed connect, calls fail at once with `UNAVAILABLE` until the backoff delay has passed.
///
/// Message bytes are not copied or parsed: request payloads go out as given (plus the 5-byte prefix), response
/// payloads come back as slices of the received buffers.
///
/// Calls work as soon as the pool exists. ``run()`` makes it a `Service`: it waits for graceful shutdown, then
/// refuses new calls, lets running calls finish and closes every connection (or closes at once if the task is
/// cancelled).
public final class UpstreamPool: Service, Sendable {
    public let configuration: Configuration

    private let logger: Logger
    private let allocator = ByteBufferAllocator()
    private let state: Mutex<State>

    /// The group's loops, to tell whether the calling thread is one of them.
    private let loops: [ObjectIdentifier: any EventLoop]
    private let defaultLoop: any EventLoop

    private struct State {
        var targets: [Shard: Target] = [:]
        var isShutDown = false
        var timeoutHeaders = TimeoutHeaderCache()
    }

    /// The connections to one target that run on one event loop.
    private struct Shard: Hashable {
        let target: UpstreamTarget
        let loop: ObjectIdentifier

        init(_ target: UpstreamTarget, on loop: any EventLoop) {
            self.target = target
            self.loop = ObjectIdentifier(loop)
        }
    }

    /// What a call takes from the pool's state: a stream slot, and the headers that depend on the pool.
    private struct Reserved {
        let reservation: UpstreamConnectionSet<UpstreamConnection>.Reservation
        let authority: String
        let timeout: TimeoutHeaderCache.Header?
    }

    /// A class, changed in place through the dictionary's getter (a struct changed through the dictionary's optional
    /// subscript went through three nested `modify` accessors, each allocating its frame, on every call). It is only
    /// touched under the state's lock and never leaves it.
    private final class Target {
        var connections: UpstreamConnectionSet<UpstreamConnection>
        /// `host:port`, computed once.
        let authority: String

        init(connections: UpstreamConnectionSet<UpstreamConnection>, authority: String) {
            self.connections = connections
            self.authority = authority
        }

        /// A stream slot on one of the connections, with this target's part of the call's headers.
        func reserve(
            now: NIODeadline, timeout: TimeoutHeaderCache.Header?, makeConnection: () -> UpstreamConnection
        ) -> Reserved {
            Reserved(
                reservation: self.connections.reserveStream(now: now, makeConnection: makeConnection),
                authority: self.authority, timeout: timeout)
        }
    }

    /// - Parameters:
    ///   - configuration: connection, limits and HTTP/2 settings.
    ///   - eventLoopGroup: where connections run; the shared NIO singleton by default (as Hummingbird's).
    ///   - logger: connection events at debug level.
    public init(
        configuration: Configuration = .defaults,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "portico.upstream")
    ) {
        self.configuration = configuration
        let loops = Array(eventLoopGroup.makeIterator())
        self.loops = Dictionary(loops.map { (ObjectIdentifier($0), $0) }, uniquingKeysWith: { first, _ in first })
        self.defaultLoop = loops.first ?? eventLoopGroup.next()
        self.logger = logger
        self.state = Mutex(State())
    }

    /// The calling thread's event loop when it belongs to the group, else the group's first loop.
    private var callerLoop: any EventLoop {
        if let current = MultiThreadedEventLoopGroup.currentEventLoop, let loop = self.loops[ObjectIdentifier(current)]
        {
            return loop
        }
        return self.defaultLoop
    }

    /// Starts a call and returns at once; read the response parts from the returned ``UpstreamCall``.
    ///
    /// Use it for server-streaming methods, and for any method whose response should be streamed.
    public func call(_ request: UpstreamRequest) -> UpstreamCall {
        UpstreamCall(stream: self.startStream(request, isUnary: false))
    }

    /// Makes a unary call and waits for the whole response: one suspension, no per-part overhead.
    ///
    /// More than one response message, or an OK status without one, ends the call with `INTERNAL`. Cancelling
    /// the calling task resets the stream and returns `CANCELLED`.
    nonisolated(nonsending) public func unary(_ request: UpstreamRequest) async -> UpstreamUnaryResponse {
        await self.startStream(request, isUnary: true).unaryResponse()
    }

    /// Makes a unary call without a task: `completion` gets the whole response, on the connection's event loop
    /// (the caller's, when called from one of the pool's loops), or at once for a call that fails before it
    /// starts. For callers that live on an event loop, such as a channel handler.
    public func unary(
        _ request: UpstreamRequest,
        completion: @escaping @Sendable (UpstreamUnaryResponse) -> Void
    ) -> UpstreamUnaryCall {
        let stream = self.startStream(request, isUnary: true)
        stream.onUnaryResponse(completion)
        return UpstreamUnaryCall(stream: stream)
    }

    /// Runs until graceful shutdown (or cancellation), then closes every connection. Running calls may finish
    /// during a graceful shutdown; cancelling the task closes connections at once, failing their calls.
    public func run() async throws {
        do {
            try await gracefulShutdown()
        } catch {
            // Cancelled: close at once below.
        }
        let graceful = !Task.isCancelled
        let connections = self.state.withLock { state in
            state.isShutDown = true
            var connections: [UpstreamConnection] = []
            for key in state.targets.keys {
                connections += state.targets[key]?.connections.removeAll() ?? []
            }
            state.targets.removeAll()
            return connections
        }
        self.logger.debug("upstream pool shutting down", metadata: ["connections": "\(connections.count)"])
        for connection in connections {
            connection.close(graceful: graceful)
        }
        await withTaskCancellationHandler {
            for connection in connections {
                try? await connection.closeFuture.get()
            }
        } onCancel: {
            for connection in connections {
                connection.close(graceful: false)
            }
        }
    }

    private func startStream(_ request: UpstreamRequest, isUnary: Bool) -> UpstreamStream {
        let now = NIODeadline.now()
        var deadline: NIODeadline?
        if let timeout = request.timeout {
            guard timeout > .zero else {
                return UpstreamStream(
                    failedWith: UpstreamStatus(code: .deadlineExceeded, message: "the call's timeout is not positive")
                )
            }
            deadline = now + TimeAmount(timeout)
        }

        let loop = self.callerLoop
        let reserved: Reserved? =
            self.state.withLock { state -> Reserved? in
                guard !state.isShutDown else { return nil }
                let timeout = request.timeout.map { state.timeoutHeaders.header(for: $0) }
                let target = request.target
                let shard = Shard(target, on: loop)
                let entry: Target
                if let existing = state.targets[shard] {
                    entry = existing
                } else {
                    entry = Target(
                        connections: UpstreamConnectionSet(
                            maximumConnections: self.configuration.maximumConnectionsPerTarget,
                            assumedMaximumStreams: self.configuration.http2.assumedMaximumConcurrentStreams
                        ),
                        authority: target.authority
                    )
                    state.targets[shard] = entry
                }
                return entry.reserve(now: now, timeout: timeout) {
                    UpstreamConnection(
                        eventLoop: loop,
                        target: target,
                        pool: self,
                        configuration: self.configuration,
                        logger: self.logger
                    )
                }
            }

        guard let reserved else {
            return UpstreamStream(
                failedWith: UpstreamStatus(code: .unavailable, message: "the upstream pool is shut down")
            )
        }

        let connection: UpstreamConnection
        let isNew: Bool
        switch reserved.reservation {
        case .existing(let existing):
            connection = existing
            isNew = false
        case .new(let new):
            connection = new
            isNew = true
        case .backingOff(let lastError, let retryAt):
            let milliseconds = max(0, (retryAt - now).nanoseconds / 1_000_000)
            return UpstreamStream(
                failedWith: UpstreamStatus(
                    code: .unavailable,
                    message: "\(lastError); next connection attempt in \(milliseconds) ms"
                )
            )
        }

        let stream = UpstreamStream(
            connection: connection,
            requestHeaders: request.makeHeaders(
                authority: reserved.authority,
                scheme: self.configuration.transportSecurity.scheme,
                timeout: reserved.timeout
            ),
            requestFrames: request.makeFrames(allocator: self.allocator),
            deadline: deadline,
            maximumMessageSize: self.configuration.maximumReceiveMessageSize,
            isUnary: isUnary,
            initialWindow: self.configuration.http2.targetStreamWindowSize
        )
        connection.enqueue(stream)
        if isNew {
            self.logger.debug("opening upstream connection", metadata: ["target": "\(request.target)"])
            connection.connect()
        }
        return stream
    }
}

// MARK: - Connection bookkeeping (called by connections, from their event loops)

extension UpstreamPool {
    func releaseStreams(on connection: UpstreamConnection, count: Int) {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.releaseStreams(
                on: connection, count: count)
        }
    }

    func connectionReady(_ connection: UpstreamConnection) {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.connectionReady(connection)
        }
    }

    func maximumStreamsChanged(on connection: UpstreamConnection, to maximum: Int) {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.maximumStreamsChanged(
                on: connection, to: maximum)
        }
    }

    func connectionGoingAway(_ connection: UpstreamConnection) {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.connectionGoingAway(connection)
        }
    }

    func connectionClosed(_ connection: UpstreamConnection) {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.remove(connection)
        }
    }

    func connectFailed(_ connection: UpstreamConnection, error: String) {
        let random = Double.random(in: 0...1)
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.connectFailed(
                connection,
                error: error,
                now: .now(),
                backoff: self.configuration.backoff,
                random: random
            )
        }
    }

    func removeIfIdle(_ connection: UpstreamConnection) -> Bool {
        self.state.withLock {
            $0.targets[Shard(connection.target, on: connection.eventLoop)]?.connections.removeIfIdle(connection) ?? true
        }
    }

    /// The number of connections (connecting, ready or going away) to `target`; for tests and metrics.
    func connectionCount(to target: UpstreamTarget) -> Int {
        self.state.withLock { state in
            state.targets.reduce(0) { count, element in
                count + (element.key.target == target ? element.value.connections.entries.count : 0)
            }
        }
    }
}
