import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import Gateway

/// Raw bytes in and out, so the test service needs no generated code.
struct BytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
        Bytes(message)
    }
}

struct BytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// What the test service observed, for assertions on the server side.
final class ServerProbe: Sendable {
    private struct State {
        var cancelledHandlers = 0
        var timeoutHeaders: [String] = []
        var calls = 0
        var peers: Set<String> = []
    }

    private let state = Mutex(State())

    var cancelledHandlers: Int { self.state.withLock { $0.cancelledHandlers } }
    var timeoutHeaders: [String] { self.state.withLock { $0.timeoutHeaders } }
    var calls: Int { self.state.withLock { $0.calls } }
    /// The client addresses `Echo` was called from: one per connection.
    var peers: Set<String> { self.state.withLock { $0.peers } }

    func recordCancellation() { self.state.withLock { $0.cancelledHandlers += 1 } }
    func recordTimeoutHeader(_ value: String) { self.state.withLock { $0.timeoutHeaders.append(value) } }
    func recordCall() { self.state.withLock { $0.calls += 1 } }
    func recordPeer(_ peer: String) { self.state.withLock { _ = $0.peers.insert(peer) } }

    /// Polls until `condition` holds or `timeout` passes.
    func wait(for timeout: Duration = .seconds(5), until condition: (ServerProbe) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}

/// The methods the upstream tests call, all on service `test.Upstream`.
struct UpstreamTestService: RegistrableRPCService {
    static let service = "test.Upstream"
    let probe: ServerProbe

    static func path(_ method: String) -> String { "/\(Self.service)/\(method)" }

    static let detailsBytes: [UInt8] = [0x08, 0x05, 0x12, 0x03, 0x62, 0x61, 0x64, 0x00, 0xFF]

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        let probe = self.probe
        func register(
            _ method: String,
            _ handler:
                @Sendable @escaping (StreamingServerRequest<[UInt8]>, ServerContext) async throws ->
                StreamingServerResponse<[UInt8]>
        ) {
            router.registerHandler(
                forMethod: MethodDescriptor(fullyQualifiedService: Self.service, method: method),
                deserializer: BytesDeserializer(),
                serializer: BytesSerializer(),
                handler: handler
            )
        }

        // Echoes the single request message; copies `x-echo` metadata to initial and trailing metadata. Records the
        // grpc-timeout it saw.
        register("Echo") { request, context in
            probe.recordCall()
            probe.recordPeer(context.remotePeer)
            Self.recordTimeout(of: request, to: probe)
            var messages: [[UInt8]] = []
            for try await message in request.messages { messages.append(message) }
            var initial: Metadata = [:]
            var trailing: Metadata = [:]
            for value in request.metadata[stringValues: "x-echo"] {
                initial.addString(value, forKey: "x-initial")
                trailing.addString(value, forKey: "x-trailing")
            }
            for value in request.metadata[binaryValues: "x-echo-bin"] {
                trailing.addBinary(value, forKey: "x-trailing-bin")
            }
            let reply = messages.first ?? []
            let trailers = trailing
            return StreamingServerResponse(metadata: initial) { writer in
                try await writer.write(reply)
                return trailers
            }
        }

        // Request: 4-byte count, 4-byte size. Replies with `count` messages of `size` bytes, message i filled with i.
        register("Stream") { request, _ in
            var messages: [[UInt8]] = []
            for try await message in request.messages { messages.append(message) }
            let spec = messages.first ?? []
            guard spec.count == 8 else {
                throw RPCError(code: .invalidArgument, message: "expected 8 bytes")
            }
            let count = spec[0..<4].reduce(0) { $0 << 8 | Int($1) }
            let size = spec[4..<8].reduce(0) { $0 << 8 | Int($1) }
            return StreamingServerResponse { writer in
                for index in 0..<count {
                    try await writer.write(Array(repeating: UInt8(truncatingIfNeeded: index), count: size))
                }
                return [:]
            }
        }

        // Client streaming: replies with all request messages concatenated.
        register("Collect") { request, _ in
            var joined: [UInt8] = []
            for try await message in request.messages { joined += message }
            return StreamingServerResponse(single: ServerResponse(message: joined))
        }

        // Fails before any response: a trailers-only response.
        register("FailImmediately") { request, _ in
            for try await _ in request.messages {}
            var metadata: Metadata = [:]
            metadata.addBinary(Self.detailsBytes, forKey: "grpc-status-details-bin")
            metadata.addString("yes", forKey: "x-failed")
            throw RPCError(code: .notFound, message: "no such thing: ü 100%", metadata: metadata)
        }

        // Sends one message, then fails with details in the trailers.
        register("FailAfterMessage") { request, _ in
            for try await _ in request.messages {}
            return StreamingServerResponse { writer in
                try await writer.write([1, 2, 3])
                var metadata: Metadata = [:]
                metadata.addBinary(Self.detailsBytes, forKey: "grpc-status-details-bin")
                throw RPCError(code: .failedPrecondition, message: "after one message", metadata: metadata)
            }
        }

        // Sleeps up to 30 s, recording the grpc-timeout it saw and whether the RPC was cancelled.
        register("Sleep") { request, context in
            probe.recordCall()
            for try await _ in request.messages {}
            Self.recordTimeout(of: request, to: probe)
            return StreamingServerResponse { writer in
                try await Self.sleepUnlessCancelled(context: context, probe: probe)
                try await writer.write([])
                return [:]
            }
        }

        // Streams one message, then sleeps (cancellation of a stream in progress).
        register("StreamThenSleep") { request, context in
            for try await _ in request.messages {}
            return StreamingServerResponse { writer in
                try await writer.write([7])
                try await Self.sleepUnlessCancelled(context: context, probe: probe)
                return [:]
            }
        }
    }

    static func recordTimeout(of request: StreamingServerRequest<[UInt8]>, to probe: ServerProbe) {
        if let timeout = request.metadata[stringValues: "grpc-timeout"].first(where: { _ in true }) {
            probe.recordTimeoutHeader(String(timeout))
        }
    }

    /// Sleeps 30 s, or until the RPC is cancelled (client reset, deadline), which it records and throws.
    static func sleepUnlessCancelled(context: ServerContext, probe: ServerProbe) async throws {
        let cancelled = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return false
            }
            group.addTask {
                try await context.cancellation.cancelled
                return true
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
        if cancelled {
            probe.recordCancellation()
            throw RPCError(code: .cancelled, message: "cancelled")
        }
    }
}

/// Runs a grpc-swift-2 server on 127.0.0.1 for the duration of `body`.
func withUpstreamTestServer<Result: Sendable>(
    port: Int = 0,
    maximumConcurrentStreams: Int? = nil,
    probe: ServerProbe = ServerProbe(),
    eventLoopGroup: MultiThreadedEventLoopGroup = .singletonMultiThreadedEventLoopGroup,
    _ body: @Sendable (_ target: UpstreamTarget, _ probe: ServerProbe) async throws -> Result
) async throws -> Result {
    let transport = HTTP2ServerTransport.Posix(
        address: .ipv4(host: "127.0.0.1", port: port),
        transportSecurity: .plaintext,
        config: .defaults { config in
            config.rpc.maxRequestPayloadSize = 16 * 1024 * 1024
            if let maximumConcurrentStreams {
                config.http2.maxConcurrentStreams = maximumConcurrentStreams
            }
        },
        eventLoopGroup: eventLoopGroup
    )
    let server = GRPCServer(transport: transport, services: [UpstreamTestService(probe: probe)])
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.serve() }
        do {
            let address = try await transport.listeningAddress
            let port = try #require(address.ipv4?.port)
            let result = try await body(UpstreamTarget(host: "127.0.0.1", port: port), probe)
            server.beginGracefulShutdown()
            try await group.waitForAll()
            return result
        } catch {
            server.beginGracefulShutdown()
            group.cancelAll()
            throw error
        }
    }
}

/// Runs an upstream pool (its `run()` in a child task) for the duration of `body`, then shuts it down.
func withUpstreamPool<Result: Sendable>(
    configuration: UpstreamPool.Configuration = .defaults,
    eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
    _ body: @Sendable (UpstreamPool) async throws -> Result
) async throws -> Result {
    let pool = UpstreamPool(configuration: configuration, eventLoopGroup: eventLoopGroup)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await pool.run() }
        defer { group.cancelAll() }
        return try await body(pool)
    }
}
