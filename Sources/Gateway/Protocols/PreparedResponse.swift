import HTTPTypes
import Hummingbird
import NIOCore

/// A complete answer (status, headers, whole body), built by a protocol without knowing which server writes
/// it: Hummingbird's responder, or the event-loop fast path.
struct PreparedResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    /// Empty header fields with room for a unary answer's usual ones: its content type and a few metadata
    /// entries, then the content length, date and CORS headers the server adds (grown from empty, they were
    /// allocated again as they grew).
    static func emptyHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(8)
        return headers
    }

    var response: Response {
        Response(status: self.status, headers: self.headers, body: ResponseBody(byteBuffer: self.body))
    }
}
