public import NIOHPACK

/// How an upstream call ended: the gRPC status code and message, the rich error details, and the trailers.
///
/// Every call ends with exactly one status. Failures detected locally (connection refused, deadline, cancellation,
/// protocol violations by the upstream) are statuses too, with ``origin`` set to ``Origin/local``, so the gateway
/// has a single path from "upstream call" to "client response".
public struct UpstreamStatus: Sendable, Hashable, CustomStringConvertible {
    /// The gRPC status code.
    public var code: Code
    /// The status message, percent-decoded from `grpc-message`; empty when there is none.
    public var message: String
    /// The decoded bytes of `grpc-status-details-bin` (a serialized `google.rpc.Status`), if present and valid
    /// base64. The original header stays in ``trailers``.
    public var details: [UInt8]?
    /// The trailing metadata as received, including `grpc-status`, `grpc-message` and `grpc-status-details-bin`,
    /// without pseudo-headers. For a trailers-only response this is its single header block (minus `:status`).
    /// Empty for a status generated locally.
    public var trailers: HPACKHeaders
    /// Whether the upstream sent this status or this client generated it.
    public var origin: Origin

    public init(
        code: Code,
        message: String = "",
        details: [UInt8]? = nil,
        trailers: HPACKHeaders = [:],
        origin: Origin = .local
    ) {
        self.code = code
        self.message = message
        self.details = details
        self.trailers = trailers
        self.origin = origin
    }

    public var isOK: Bool { self.code == .ok }

    public var description: String {
        self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
    }
}

extension UpstreamStatus {
    /// Who produced a status.
    public struct Origin: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case upstream
            case local
        }

        private let value: Value

        /// The upstream server sent it (`grpc-status`), or it was derived from the upstream's HTTP response.
        public static let upstream = Origin(value: .upstream)
        /// This client generated it (connection failure, deadline, cancellation, invalid response framing).
        public static let local = Origin(value: .local)

        public var description: String {
            switch self.value {
            case .upstream: "upstream"
            case .local: "local"
            }
        }
    }

    /// The gRPC status code type, shared with the rest of the gateway.
    public typealias Code = GRPCStatusCode
}
