import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import NIOPosix
public import ServiceLifecycle
public import Transcoding

/// Portico's gateway: an HTTP listener that serves the `google.api.http` routes of a descriptor pool by
/// calling gRPC backends over HTTP/2.
///
/// Run it as a `Service` (in a `ServiceGroup`, or with `run()` directly); it stops on graceful shutdown.
public struct Gateway: Service {
    public let pool: DescriptorPool
    public let configuration: GatewayConfiguration
    public let routes: HTTPRouteTable
    private let logger: Logger
    private let onListening: @Sendable (HostAndPort) async -> Void

    /// Compiles the routes of `pool`; fails on a route that cannot be served, naming the method.
    /// - Parameter onListening: called with the bound address once the listener accepts connections.
    public init(
        pool: DescriptorPool,
        configuration: GatewayConfiguration,
        logger: Logger = Logger(label: "portico"),
        onListening: @escaping @Sendable (HostAndPort) async -> Void = { _ in }
    ) throws(TranscodingError) {
        self.pool = pool
        self.configuration = configuration
        self.routes = try HTTPRouteTable(
            pool: pool,
            services: configuration.exposedServices,
            options: configuration.routing
        )
        self.logger = logger
        self.onListening = onListening
    }

    public func run() async throws {
        guard let threads = self.configuration.threads else {
            return try await self.run(on: .singleton)
        }
        guard threads > 0 else {
            throw GatewayError(code: .invalidArgument, message: "threads must be at least 1, got \(threads)")
        }
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            try await self.run(on: eventLoopGroup)
        } catch {
            try? await eventLoopGroup.shutdownGracefully()
            throw error
        }
        try await eventLoopGroup.shutdownGracefully()
    }

    /// Serves with every connection, client and upstream, on `eventLoopGroup`.
    private func run(on eventLoopGroup: MultiThreadedEventLoopGroup) async throws {
        var upstreamConfiguration = UpstreamPool.Configuration.defaults
        upstreamConfiguration.maximumReceiveMessageSize = self.configuration.limits.maxResponseMessageBytes
        let upstream = UpstreamPool(
            configuration: upstreamConfiguration, eventLoopGroup: eventLoopGroup, logger: self.logger)
        let rest = RESTHandler(
            routes: self.routes,
            binder: RequestBinder(options: self.configuration.binding),
            renderer: ResponseRenderer(options: self.configuration.jsonOutput),
            statuses: StatusRenderer(pool: self.pool, options: self.configuration.jsonOutput),
            upstream: upstream,
            backends: BackendDirectory(self.configuration),
            configuration: self.configuration
        )
        let grpcWeb = GRPCWebHandler(
            pool: self.pool,
            upstream: upstream,
            backends: BackendDirectory(self.configuration),
            configuration: self.configuration,
            jsonDecoder: JSONToProtobuf(options: self.configuration.binding.json),
            jsonEncoder: ProtobufToJSON(options: self.configuration.jsonOutput)
        )
        let console = self.configuration.publicDirectory.map { directory in
            ConsoleHandler(
                publicDirectory: directory, pool: self.pool, routes: self.routes,
                configuration: self.configuration, logger: self.logger)
        }
        let onListening = self.onListening
        let listen = self.configuration.listen
        let fastPath = UnaryFastPath.Services(rest: rest, grpcWeb: grpcWeb, cors: self.configuration.cors)
        let limits = self.configuration.limits
        let server =
            self.configuration.listenerProtocol.isHTTP2
            ? HTTPServerBuilder { responder in
                EventLoopBoundChannel(
                    base: HTTP2Listener(
                        responder: responder, fastPath: fastPath, idleTimeout: limits.idleConnectionTimeout,
                        gracePeriod: limits.gracePeriod))
            }
            : HTTPServerBuilder { responder in
                EventLoopBoundChannel(
                    base: HTTP1Listener(
                        responder: responder, fastPath: fastPath, idleTimeout: limits.idleConnectionTimeout))
            }
        let application = Application(
            responder: GatewayResponder(rest: rest, grpcWeb: grpcWeb, cors: self.configuration.cors, console: console),
            server: server,
            configuration: .init(
                address: .hostname(listen.host, port: listen.port),
                serverName: nil
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listen.port
                await onListening(HostAndPort(host: listen.host, port: port))
            },
            eventLoopGroupProvider: .shared(eventLoopGroup),
            logger: self.logger
        )
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await upstream.run() }
            group.addTask { try await application.run() }
        }
    }
}

extension Gateway: CustomStringConvertible {
    /// Short, for service-lifecycle logs (the generated description spelled out every route and option).
    public var description: String {
        "Gateway(listen: \(self.configuration.listen), \(self.configuration.listenerProtocol), "
            + "\(self.routes.routes.count) routes)"
    }
}
