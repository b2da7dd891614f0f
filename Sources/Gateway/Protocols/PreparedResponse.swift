import HTTPTypes
import Hummingbird
import NIOCore

/// A complete answer (status, headers, whole body), built by a protocol without knowing which server writes
/// it: Hummingbird's responder, or the event-loop fast path.
struct PreparedResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    var response: Response {
        Response(status: self.status, headers: self.headers, body: ResponseBody(byteBuffer: self.body))
    }
}
