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
