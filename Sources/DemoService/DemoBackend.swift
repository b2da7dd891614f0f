import GRPCCore
import GRPCNIOTransportHTTP2

/// The demo's gRPC backend: ``EchoService`` and ``LibraryService`` on one plaintext HTTP/2 port.
///
/// `swift run portico` starts it as the gateway's default upstream, and the tests start one per test on
/// port 0:
///
/// ```swift
/// try await DemoBackend.withRunningServer { address in
///     // connect to address.host:address.port
/// }
/// ```
///
/// Keep a `DemoBackend` value to look at the services' state, e.g. `backend.echo.events.cancellations`.
public struct DemoBackend: Sendable {
    /// Where a running backend listens.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        /// The bound IP address, e.g. "127.0.0.1" or "::1".
        public var host: String
        /// The bound port; never 0.
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, with IPv6 hosts in brackets.
        public var description: String {
            self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
        }
    }

    /// The `echo.v1.EchoService` the backend serves.
    public let echo: EchoService
    /// The `library.v1.LibraryService` the backend serves.
    public let library: LibraryService

    /// The largest request message the backend accepts: 16 MiB, so Upload takes sizeable files.
    public static let maxRequestPayloadSize = 16 << 20

    public init(echo: EchoService = EchoService(), library: LibraryService = LibraryService()) {
        self.echo = echo
        self.library = library
    }

    /// Starts a backend with fresh services on `host:port` (0 picks a free port), runs `body` with the
    /// bound address, then shuts the server down gracefully, waiting for calls still running.
    public static func withRunningServer<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int = 0,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Address) async throws -> Result
    ) async throws -> Result {
        try await DemoBackend().withRunningServer(host: host, port: port, body)
    }

    /// Serves these services on `host:port` (0 picks a free port), runs `body` with the bound address, then
    /// shuts the server down gracefully, waiting for calls still running.
    public func withRunningServer<Result: Sendable>(
        host: String = "127.0.0.1",
        port: Int = 0,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (Address) async throws -> Result
    ) async throws -> Result {
        try await withGRPCServer(
            transport: Self.transport(host: host, port: port), services: [self.echo, self.library]
        ) {
            server in
            try await body(Self.boundAddress(of: server.transport, host: host))
        }
    }

    /// Serves these services on `host:port` (0 picks a free port) until the task is cancelled, calling
    /// `onListening` once the port is bound.
    public func run(
        host: String = "127.0.0.1",
        port: Int,
        onListening: @Sendable (Address) -> Void = { _ in }
    ) async throws {
        let server = GRPCServer(transport: Self.transport(host: host, port: port), services: [self.echo, self.library])
        do {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                onListening(try await Self.boundAddress(of: server.transport, host: host))
            }
        } catch {
            // Cancellation is how run() is asked to stop, so it is not an error.
            guard Task.isCancelled else { throw error }
        }
    }

    private static func transport(host: String, port: Int) -> HTTP2ServerTransport.Posix {
        let address: GRPCNIOTransportCore.SocketAddress =
            if host.contains(":") {
                .ipv6(host: host, port: port)
            } else {
                .ipv4(host: host == "localhost" ? "127.0.0.1" : host, port: port)
            }
        return .http2NIOPosix(
            address: address,
            transportSecurity: .plaintext,
            config: .defaults { $0.rpc.maxRequestPayloadSize = Self.maxRequestPayloadSize }
        )
    }

    private static func boundAddress(of transport: HTTP2ServerTransport.Posix, host: String) async throws -> Address {
        let bound = try await transport.listeningAddress
        if let ipv4 = bound.ipv4 {
            return Address(host: ipv4.host, port: ipv4.port)
        }
        if let ipv6 = bound.ipv6 {
            return Address(host: ipv6.host, port: ipv6.port)
        }
        throw RPCError(code: .internalError, message: "the demo backend is bound to \(bound), not an IP address")
    }
}
