/// A gRPC status code, with the HTTP status a REST client sees for it.
public struct GRPCStatusCode: Hashable, Sendable, CustomStringConvertible {
    /// The numeric value sent in `grpc-status`.
    public let rawValue: Int

    /// The code for a numeric value, or nil when it is not one of the 17 gRPC codes.
    public init?(rawValue: Int) {
        guard (0...16).contains(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(_ rawValue: Int) { self.rawValue = rawValue }

    public static let ok = Self(0)
    public static let cancelled = Self(1)
    public static let unknown = Self(2)
    public static let invalidArgument = Self(3)
    public static let deadlineExceeded = Self(4)
    public static let notFound = Self(5)
    public static let alreadyExists = Self(6)
    public static let permissionDenied = Self(7)
    public static let resourceExhausted = Self(8)
    public static let failedPrecondition = Self(9)
    public static let aborted = Self(10)
    public static let outOfRange = Self(11)
    public static let unimplemented = Self(12)
    public static let `internal` = Self(13)
    public static let unavailable = Self(14)
    public static let dataLoss = Self(15)
    public static let unauthenticated = Self(16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]
    // HTTP status per code, index = code (the table google.rpc.Code documents).
    private static let httpStatuses = [
        200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401,
    ]

    /// The canonical name, e.g. `NOT_FOUND`.
    public var description: String { Self.names[self.rawValue] }

    /// The HTTP status a REST client gets for this code.
    public var httpStatus: Int { Self.httpStatuses[self.rawValue] }
}
