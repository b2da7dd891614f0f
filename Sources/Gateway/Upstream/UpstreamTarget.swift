/// An upstream gRPC server: the key of a connection set in ``UpstreamPool``.
public struct UpstreamTarget: Hashable, Sendable, CustomStringConvertible {
    /// A host name or IP address literal.
    public var host: String
    /// The TCP port.
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port`, with an IPv6 literal in brackets: the default `:authority` of requests to this target.
    public var authority: String {
        self.host.utf8.contains(UInt8(ascii: ":")) ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    public var description: String { self.authority }
}
