public import Hummingbird

/// The per-request context of the gateway's listener.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's connection, to cancel upstream work when the client goes away.
    let connection: ClientConnection?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.connection = ClientConnection.of(source.channel)
    }

    /// Bodies are collected with the gateway's own configured limit (`Limits.maxRequestBodyBytes`), which
    /// answers 413 with a JSON status; this outer bound only stops runaway uploads.
    public var maxUploadSize: Int { Int.max }
}

extension GatewayRequestContext {
    /// Makes a unary call that is cancelled if the client goes away before it completes.
    func unary(_ request: UpstreamRequest, on upstream: UpstreamPool) async -> UpstreamUnaryResponse {
        guard let connection = self.connection else { return await upstream.unary(request) }
        return await connection.cancellingOnClose { await upstream.unary(request) }
    }
}
