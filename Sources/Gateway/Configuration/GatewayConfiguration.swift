public import Transcoding

/// Everything that shapes how the gateway serves: where it listens, where each service's backend is,
/// the limits it enforces, and how it maps HTTP to gRPC. Every limit has a name and a default here.
public struct GatewayConfiguration: Sendable {
    /// The address the HTTP listener binds (`127.0.0.1:8080`); port 0 picks a free port.
    public var listen: HostAndPort
    /// The backend of every service without an entry in `serviceBackends`.
    public var defaultBackend: HostAndPort?
    /// Backends by full service name (`library.v1.LibraryService`).
    public var serviceBackends: [String: HostAndPort]
    /// Only these services are exposed (full names); nil exposes every service of the descriptor sets.
    public var exposedServices: Set<String>?
    public var limits: Limits
    public var deadlines: Deadlines
    public var binding: BindingOptions
    /// How responses are printed (unpopulated fields, enum numbers, proto names, indentation).
    public var jsonOutput: JSONEncodingOptions
    public var metadata: MetadataPolicy
    public var routing: RouterOptions
    /// Which browser origins may call (CORS); any origin without credentials by default.
    public var cors: CORSPolicy
    /// HTTP/1.1 (default), or HTTP/2 over cleartext with prior knowledge (h2c).
    public var listenerProtocol: ListenerProtocol
    /// The browser console: the static files of this directory are served at `/` (`/` is `index.html`) and
    /// the service catalog at `/_portico/api/services`. nil (the default) turns the console off.
    public var publicDirectory: String?
    /// Event-loop threads serving client connections and upstream calls; nil (the default) uses one per core.
    /// Each client connection, its requests and the upstream calls they make stay on one thread.
    public var threads: Int?

    public init(
        listen: HostAndPort = HostAndPort(host: "127.0.0.1", port: 8080),
        defaultBackend: HostAndPort? = nil,
        serviceBackends: [String: HostAndPort] = [:],
        exposedServices: Set<String>? = nil,
        limits: Limits = .defaults,
        deadlines: Deadlines = .defaults,
        binding: BindingOptions = .defaults,
        jsonOutput: JSONEncodingOptions = .init(),
        metadata: MetadataPolicy = .defaults,
        routing: RouterOptions = .init(),
        cors: CORSPolicy = .defaults,
        listenerProtocol: ListenerProtocol = .http1,
        publicDirectory: String? = nil,
        threads: Int? = nil
    ) {
        self.listen = listen
        self.defaultBackend = defaultBackend
        self.serviceBackends = serviceBackends
        self.exposedServices = exposedServices
        self.limits = limits
        self.deadlines = deadlines
        self.binding = binding
        self.jsonOutput = jsonOutput
        self.metadata = metadata
        self.routing = routing
        self.cors = cors
        self.listenerProtocol = listenerProtocol
        self.publicDirectory = publicDirectory
        self.threads = threads
    }

    public static var defaults: GatewayConfiguration { .init() }

    /// Size and time limits.
    public struct Limits: Sendable, Hashable {
        /// The largest request body accepted (413 beyond it). Default 4 MiB.
        public var maxRequestBodyBytes: Int
        /// The largest single response message accepted from a backend (the call fails beyond it). Default 4 MiB.
        public var maxResponseMessageBytes: Int
        /// How long a client connection may stay open with no request in progress (HTTP/1.1) or no open stream
        /// (HTTP/2) before the gateway closes it. Nil keeps idle connections open. Default 60 s.
        public var idleConnectionTimeout: Duration?
        /// How long an HTTP/2 client connection has to finish its streams once the gateway sent it GOAWAY (idle,
        /// or shutting down) before it is closed anyway, even if the client never answers. `portico` also bounds
        /// a graceful shutdown by it. Default 30 s.
        public var gracePeriod: Duration

        public init(
            maxRequestBodyBytes: Int = 4 << 20,
            maxResponseMessageBytes: Int = 4 << 20,
            idleConnectionTimeout: Duration? = .seconds(60),
            gracePeriod: Duration = .seconds(30)
        ) {
            self.maxRequestBodyBytes = maxRequestBodyBytes
            self.maxResponseMessageBytes = maxResponseMessageBytes
            self.idleConnectionTimeout = idleConnectionTimeout
            self.gracePeriod = gracePeriod
        }

        public static var defaults: Limits { .init() }
    }

    /// How long a call may take. A client asks with `grpc-timeout` (gRPC syntax, e.g. `500m`) or
    /// `X-Server-Timeout` (seconds, e.g. `2.5`); the gateway clamps it to the route's maximum, uses
    /// `defaultTimeout` when the client gives none, and forwards the result as `grpc-timeout`.
    public struct Deadlines: Sendable, Hashable {
        /// Used when the client sends no deadline. Default 30 s.
        public var defaultTimeout: Duration
        /// The longest deadline any call gets. Default 5 min.
        public var maxTimeout: Duration
        /// Per-method maxima (full method name `pkg.Service.Method`, or a full service name for all its methods).
        public var maxTimeoutByMethod: [String: Duration]

        public init(
            defaultTimeout: Duration = .seconds(30),
            maxTimeout: Duration = .seconds(300),
            maxTimeoutByMethod: [String: Duration] = [:]
        ) {
            self.defaultTimeout = defaultTimeout
            self.maxTimeout = maxTimeout
            self.maxTimeoutByMethod = maxTimeoutByMethod
        }

        public static var defaults: Deadlines { .init() }

        /// The deadline a call to `method` gets when the client asks for `requested`.
        public func timeout(for method: MethodDescriptor, requested: Duration?) -> Duration {
            let maximum =
                self.maxTimeoutByMethod[method.fullName] ?? self.maxTimeoutByMethod[method.service.fullName]
                ?? self.maxTimeout
            return min(requested ?? self.defaultTimeout, maximum)
        }
    }
}

/// The HTTP version the listener speaks.
public struct ListenerProtocol: Sendable, Hashable, CustomStringConvertible {
    private enum Wrapped: Hashable { case http1, h2c }
    private let wrapped: Wrapped

    /// HTTP/1.1 with keep-alive.
    public static let http1 = ListenerProtocol(wrapped: .http1)
    /// HTTP/2 over cleartext TCP, with prior knowledge (`curl --http2-prior-knowledge`).
    public static let h2c = ListenerProtocol(wrapped: .h2c)

    public var description: String { self.wrapped == .http1 ? "HTTP/1.1" : "HTTP/2 (h2c)" }
    var isHTTP2: Bool { self.wrapped == .h2c }
}

/// A host and port, parsed from `HOST:PORT` (`[::1]:8080` for IPv6).
public struct HostAndPort: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when the port is missing or not in 0...65535.
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }
}
