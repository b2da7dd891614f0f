public import Transcoding

/// An error the gateway answers with: a gRPC status (from the backend, or raised by the gateway itself) and
/// the HTTP status a REST client sees for it.
///
/// Every error body is a JSON `google.rpc.Status`: `{"code": 5, "message": "...", "details": [...]}`.
public struct GatewayError: Error, Sendable, CustomStringConvertible {
    public var code: GRPCStatusCode
    public var message: String
    /// The HTTP status; the code's standard mapping unless the error is about HTTP itself (405, 413, 415).
    public var httpStatus: Int
    /// A serialized `google.rpc.Status` whose `details` are rendered in the body (from `grpc-status-details-bin`).
    public var details: [UInt8]?
    /// Extra response headers, e.g. `Allow` on a 405.
    public var headers: [(name: String, value: String)]

    public init(
        code: GRPCStatusCode,
        message: String,
        httpStatus: Int? = nil,
        details: [UInt8]? = nil,
        headers: [(name: String, value: String)] = []
    ) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus ?? code.httpStatus
        self.details = details
        self.headers = headers
    }

    public var description: String { "\(self.code) (HTTP \(self.httpStatus)): \(self.message)" }

    /// A request the engine could not transcode or bind: 400, or 413 when it is too large.
    public init(_ error: TranscodingError) {
        if error.code == .tooLarge {
            self.init(code: .resourceExhausted, message: error.description, httpStatus: 413)
        } else {
            self.init(code: .invalidArgument, message: error.description)
        }
    }

    static func notFound(method: String, path: String) -> GatewayError {
        GatewayError(code: .notFound, message: "no route for \(method) \(path)")
    }

    static func methodNotAllowed(method: String, path: String, allowed: [String]) -> GatewayError {
        GatewayError(
            code: .unimplemented,
            message: "\(method) is not allowed for \(path); allowed: \(allowed.joined(separator: ", "))",
            httpStatus: 405,
            headers: [("allow", allowed.joined(separator: ", "))]
        )
    }
}

extension GatewayError {
    /// A backend's (or the upstream client's) final status.
    init(_ status: UpstreamStatus) {
        self.init(code: status.code, message: status.message, details: status.details)
    }

    static func bodyTooLarge(limit: Int) -> GatewayError {
        GatewayError(
            code: .resourceExhausted,
            message: "the request body is larger than the limit of \(limit) bytes",
            httpStatus: 413
        )
    }
}
