import HTTPTypes
import Hummingbird
import NIOCore

/// A complete answer (status, headers, whole body), built by a protocol without knowing which server writes
/// it: Hummingbird's responder, or the event-loop fast path.
struct PreparedResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: Body

    init(status: HTTPResponse.Status, headers: HTTPFields, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = .buffer(body)
    }

    /// An answer whose body is a transcoder's output, kept as it is: the HTTP/1.1 fast path copies it once,
    /// behind the response head, instead of into a buffer of its own first.
    init(status: HTTPResponse.Status, headers: HTTPFields, bytes: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = .bytes(bytes)
    }

    /// The body as it was produced: a buffer (received bytes passed on, a gRPC-Web frame), or a transcoder's bytes.
    enum Body {
        case buffer(ByteBuffer)
        case bytes([UInt8])

        var count: Int {
            switch self {
            case .buffer(let buffer): buffer.readableBytes
            case .bytes(let bytes): bytes.count
            }
        }

        /// The body as a buffer (a copy for `.bytes`), for the writers that send buffers.
        var buffer: ByteBuffer {
            switch self {
            case .buffer(let buffer): buffer
            case .bytes(let bytes): ByteBuffer(bytes: bytes)
            }
        }
    }

    /// Empty header fields with room for a unary answer's usual ones: its content type and a few metadata
    /// entries, then the content length, date and CORS headers the server adds (grown from empty, they were
    /// allocated again as they grew).
    static func emptyHeaders() -> HTTPFields {
        var headers = HTTPFields()
        headers.reserveCapacity(8)
        return headers
    }

    var response: Response {
        Response(status: self.status, headers: self.headers, body: ResponseBody(byteBuffer: self.body.buffer))
    }
}
