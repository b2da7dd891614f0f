/// An upstream gRPC server: the key of a connection set in ``UpstreamPool``.
public typealias UpstreamTarget = HostAndPort

extension HostAndPort {
    /// `host:port`, with an IPv6 literal in brackets: the default `:authority` of requests to this target.
    public var authority: String { self.description }
}
