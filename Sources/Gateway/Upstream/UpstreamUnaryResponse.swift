public import NIOCore
public import NIOHPACK

/// The whole response of a unary call, from ``UpstreamPool/unary(_:)``.
public struct UpstreamUnaryResponse: Sendable {
    /// The response headers as received (`:status` included, which ``MetadataPolicy/returnsMetadata(_:)`` skips);
    /// `nil` for a trailers-only response or a local failure.
    public var initialMetadata: HPACKHeaders?
    /// The response payload without its gRPC prefix. Always present when ``status`` is OK (a missing message is
    /// turned into an `INTERNAL` status); may also be present with an error status if the upstream sent one.
    public var message: ByteBuffer?
    /// How the call ended; its ``UpstreamStatus/trailers`` hold the trailing metadata.
    public var status: UpstreamStatus

    public init(initialMetadata: HPACKHeaders?, message: ByteBuffer?, status: UpstreamStatus) {
        self.initialMetadata = initialMetadata
        self.message = message
        self.status = status
    }
}
