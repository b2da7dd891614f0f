/// A gRPC status code, with the HTTP status a REST client sees for it.
public struct GRPCStatusCode: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    public static let ok = Self(rawValue: 0)
    public static let cancelled = Self(rawValue: 1)
    public static let unknown = Self(rawValue: 2)
    public static let invalidArgument = Self(rawValue: 3)
    public static let deadlineExceeded = Self(rawValue: 4)
    public static let notFound = Self(rawValue: 5)
    public static let alreadyExists = Self(rawValue: 6)
    public static let permissionDenied = Self(rawValue: 7)
    public static let resourceExhausted = Self(rawValue: 8)
    public static let failedPrecondition = Self(rawValue: 9)
    public static let aborted = Self(rawValue: 10)
    public static let outOfRange = Self(rawValue: 11)
    public static let unimplemented = Self(rawValue: 12)
    public static let `internal` = Self(rawValue: 13)
    public static let unavailable = Self(rawValue: 14)
    public static let dataLoss = Self(rawValue: 15)
    public static let unauthenticated = Self(rawValue: 16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]
    // HTTP status per code, index = code (the table google.rpc.Code documents).
    private static let httpStatuses = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401]

    /// The canonical name (`NOT_FOUND`), or the number for codes outside the standard range.
    public var description: String {
        Self.names.indices.contains(self.rawValue) ? Self.names[self.rawValue] : "CODE_\(self.rawValue)"
    }

    /// The HTTP status a REST client gets for this code; codes outside the standard range are 500.
    public var httpStatus: Int {
        Self.httpStatuses.indices.contains(self.rawValue) ? Self.httpStatuses[self.rawValue] : 500
    }

    /// The gRPC code for an HTTP status received from an upstream that did not send `grpc-status`
    /// (the mapping of the gRPC HTTP/2 protocol spec).
    public init(upstreamHTTPStatus status: Int) {
        switch status {
        case 400: self = .internal
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }
}
