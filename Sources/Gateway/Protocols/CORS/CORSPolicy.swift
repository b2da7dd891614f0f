import HTTPTypes

/// Which browser origins may call the gateway, and what they may send and read (CORS).
///
/// The gateway answers preflight requests itself. Every response to a cross-origin request lists in
/// `Access-Control-Expose-Headers` the gRPC status headers (`grpc-status`, `grpc-message`,
/// `grpc-status-details-bin`) and the configured `exposedHeaders`, so gRPC-Web clients can read them.
public struct CORSPolicy: Sendable, Hashable {
    /// Origins allowed to call (`https://app.example.com`); `["*"]` allows any origin. Empty disables CORS.
    public var allowedOrigins: [String]
    /// Whether browsers may send credentials (cookies, HTTP auth). Never combined with `*`: the origin is
    /// then echoed only when it is listed.
    public var allowCredentials: Bool
    public var allowedMethods: [String]
    /// Request headers a browser may send, in addition to the gRPC-Web and REST ones Portico reads.
    public var allowedHeaders: [String]
    /// Response headers a browser may read, in addition to the gRPC status headers.
    public var exposedHeaders: [String]
    /// How long a browser may cache a preflight answer, in seconds.
    public var maxAgeSeconds: Int

    public init(
        allowedOrigins: [String] = ["*"],
        allowCredentials: Bool = false,
        allowedMethods: [String] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        allowedHeaders: [String] = [],
        exposedHeaders: [String] = [],
        maxAgeSeconds: Int = 600
    ) {
        self.allowedOrigins = allowedOrigins
        self.allowCredentials = allowCredentials
        self.allowedMethods = allowedMethods
        self.allowedHeaders = allowedHeaders
        self.exposedHeaders = exposedHeaders
        self.maxAgeSeconds = maxAgeSeconds
    }

    /// Any origin, no credentials: safe for public APIs and what browsers calling a gateway need.
    public static var defaults: CORSPolicy { .init() }
    /// No CORS headers at all (same-origin callers only).
    public static var disabled: CORSPolicy { .init(allowedOrigins: []) }

    static let builtInAllowedHeaders = [
        "content-type", "authorization", "x-grpc-web", "x-user-agent", "grpc-timeout", "x-server-timeout",
        "accept", "cache-control",
    ]
    static let builtInExposedHeaders = ["grpc-status", "grpc-message", "grpc-status-details-bin"]

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, or nil when it is not allowed.
    func allowOriginValue(for origin: String) -> String? {
        if self.allowedOrigins.contains(origin) { return origin }
        if self.allowedOrigins.contains("*") { return self.allowCredentials ? nil : "*" }
        return nil
    }

    /// Whether a request is a CORS preflight (an OPTIONS with `Origin` and `Access-Control-Request-Method`).
    static func isPreflight(_ request: HTTPRequest) -> Bool {
        request.method == .options && request.headerFields[.origin] != nil
            && request.headerFields[.accessControlRequestMethod] != nil
    }

    /// The headers of the answer to a preflight; nil when the origin is not allowed (answered 403).
    func preflightHeaders(for request: HTTPRequest) -> HTTPFields? {
        guard let origin = request.headerFields[.origin], let allowed = self.allowOriginValue(for: origin) else {
            return nil
        }
        var headers = HTTPFields()
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlAllowMethods] = self.allowedMethods.joined(separator: ", ")
        // Echo what the browser asks for when it is allowed; the list otherwise.
        let allowedHeaders = Set((Self.builtInAllowedHeaders + self.allowedHeaders).map { $0.lowercased() })
        let requested = (request.headerFields[.accessControlRequestHeaders] ?? "")
            .split(separator: ",").map { $0.filter { $0 != " " }.lowercased() }.filter { !$0.isEmpty }
        let granted =
            requested.isEmpty
            ? Array(allowedHeaders).sorted() : requested.filter { allowedHeaders.contains($0) || $0.hasPrefix("x-") }
        headers[.accessControlAllowHeaders] = granted.joined(separator: ", ")
        headers[.accessControlMaxAge] = String(self.maxAgeSeconds)
        if self.allowCredentials && allowed != "*" { headers[.accessControlAllowCredentials] = "true" }
        if allowed != "*" { headers[.vary] = "Origin" }
        return headers
    }

    /// Adds the CORS headers of an actual (non-preflight) response to a request with these headers, when it is a
    /// cross-origin request and CORS is on.
    func addResponseHeaders(forRequest request: HTTPFields, to headers: inout HTTPFields) {
        guard !self.allowedOrigins.isEmpty, let origin = request[.origin] else { return }
        self.addResponseHeaders(origin: origin, to: &headers)
    }

    /// Adds the CORS headers of an actual (non-preflight) response to a request from `origin`.
    func addResponseHeaders(origin: String, to headers: inout HTTPFields) {
        guard let allowed = self.allowOriginValue(for: origin) else { return }
        headers[.accessControlAllowOrigin] = allowed
        headers[.accessControlExposeHeaders] =
            (Self.builtInExposedHeaders + self.exposedHeaders
            + headers.map(\.name.canonicalName).filter(Self.isExposable)).uniqued().joined(separator: ", ")
        if self.allowCredentials && allowed != "*" { headers[.accessControlAllowCredentials] = "true" }
        if allowed != "*" { headers[values: .vary].append("Origin") }
    }

    /// Metadata a response carries (custom headers), exposed automatically; CORS-safelisted and framing
    /// headers need no exposing.
    private static func isExposable(_ name: String) -> Bool {
        ![
            "content-type", "content-length", "date", "server", "connection", "transfer-encoding", "vary", "etag",
            "cache-control", "allow",
        ].contains(name) && !name.hasPrefix("access-control-")
    }
}

extension Array where Element: Hashable {
    fileprivate func uniqued() -> [Element] {
        var seen = Set<Element>()
        return self.filter { seen.insert($0).inserted }
    }
}
