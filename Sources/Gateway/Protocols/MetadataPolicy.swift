/// Which HTTP headers travel between the client and the backend, and under which names.
///
/// Requests: every header becomes gRPC metadata except the ones that describe the HTTP connection or
/// message framing (hop-by-hop headers, `host`, `content-*`, `te`...), HTTP/2 pseudo-headers, and names
/// reserved by gRPC (`grpc-*`; the deadline travels as `grpc-timeout`, set by the gateway). `authorization`
/// is forwarded. With `forwardedRequestHeaders` set, only those names are forwarded (an allow-list).
///
/// Responses: the backend's initial metadata comes back as `grpc-metadata-<name>` headers and its trailing
/// metadata as `grpc-trailer-<name>` headers (as grpc-gateway names them), `-bin` values still base64.
/// No value containing CR, LF or NUL is ever forwarded in either direction.
public struct MetadataPolicy: Sendable, Hashable {
    /// When set, only these request headers (lower-case names) are forwarded.
    public var forwardedRequestHeaders: Set<String>?
    public var responseHeaderPrefix: String
    public var responseTrailerPrefix: String
    /// The most forwarded metadata a call may carry, counted as HTTP/2 counts a header list (each entry's name
    /// and value plus 32 bytes); a request over it is answered 431 before any call is made. Default 8 KiB,
    /// gRPC's usual limit for received metadata: a backend refuses a larger header block by closing its
    /// connection, which would fail every other call on it.
    public var maxForwardedBytes: Int

    public init(
        forwardedRequestHeaders: Set<String>? = nil,
        responseHeaderPrefix: String = "grpc-metadata-",
        responseTrailerPrefix: String = "grpc-trailer-",
        maxForwardedBytes: Int = 8 << 10
    ) {
        self.forwardedRequestHeaders = forwardedRequestHeaders.map { Set($0.map { $0.lowercased() }) }
        self.responseHeaderPrefix = responseHeaderPrefix
        self.responseTrailerPrefix = responseTrailerPrefix
        self.maxForwardedBytes = maxForwardedBytes
    }

    public static var defaults: MetadataPolicy { .init() }

    /// Headers that never become metadata: they belong to one HTTP hop or to the message framing.
    static let neverForwarded: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authorization", "proxy-authenticate", "te",
        "trailer", "transfer-encoding", "upgrade", "host", "content-length", "content-type", "content-encoding",
        "accept-encoding", "expect", "http2-settings", "x-server-timeout", "x-grpc-web", "x-user-agent",
    ]

    /// Whether a request header (lower-case name) is forwarded to the backend as metadata.
    public func forwardsRequestHeader(_ name: String) -> Bool {
        if Self.isReserved(name) || Self.neverForwarded.contains(name) { return false }
        if let allowed = self.forwardedRequestHeaders { return allowed.contains(name) }
        return true
    }

    /// Whether a backend metadata entry is passed on to the client (reserved and framing names are not).
    public func returnsMetadata(_ name: String) -> Bool {
        !(Self.isReserved(name) || Self.neverForwarded.contains(name) || name == "date" || name == "server")
    }

    /// Pseudo-headers and gRPC's own headers. (Compared as bytes: this runs for every header of every call, and
    /// String's `hasPrefix` is Unicode's.)
    private static func isReserved(_ name: String) -> Bool {
        name.utf8.first == UInt8(ascii: ":") || name.utf8.starts(with: "grpc-".utf8)
    }

    /// Whether a header value is safe to forward: no CR, LF or NUL (no header injection).
    public static func isSafeValue(_ value: some StringProtocol) -> Bool {
        !value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }
}
