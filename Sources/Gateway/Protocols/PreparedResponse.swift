import HTTPTypes
import Hummingbird
import NIOCore
import Transcoding

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

    init(status: HTTPResponse.Status, headers: HTTPFields, body: Body) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as it was produced: a buffer (received bytes passed on), a transcoder's bytes, or a binary gRPC-Web
    /// answer's parts.
    enum Body {
        case buffer(ByteBuffer)
        case bytes([UInt8])
        /// A binary gRPC-Web answer: the message as received (its 5-byte frame header is written with it), then
        /// the trailer frame. Kept apart, the message is copied once, into the response.
        case grpcWebMessage(ByteBuffer, trailer: [UInt8])

        var count: Int {
            switch self {
            case .buffer(let buffer): buffer.readableBytes
            case .bytes(let bytes): bytes.count
            case .grpcWebMessage(let message, let trailer):
                GRPCWebFrame.headerSize + message.readableBytes + trailer.count
            }
        }

        /// The body as a buffer (a copy unless it is one), for the writers that send buffers.
        var buffer: ByteBuffer {
            switch self {
            case .buffer(let buffer): return buffer
            case .bytes(let bytes): return ByteBuffer(bytes: bytes)
            case .grpcWebMessage:
                var buffer = ByteBufferAllocator().buffer(capacity: self.count)
                self.write(into: &buffer)
                return buffer
            }
        }

        /// Appends the body to `buffer`.
        func write(into buffer: inout ByteBuffer) {
            switch self {
            case .buffer(let body):
                buffer.writeImmutableBuffer(body)
            case .bytes(let body):
                buffer.writeBytes(body)
            case .grpcWebMessage(let message, let trailer):
                buffer.writeMultipleIntegers(UInt8(0), UInt32(message.readableBytes))
                buffer.writeImmutableBuffer(message)
                buffer.writeBytes(trailer)
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
