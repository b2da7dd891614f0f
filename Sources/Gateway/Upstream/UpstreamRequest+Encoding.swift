import NIOCore
import NIOHPACK

extension UpstreamRequest {
    /// The request HEADERS: pseudo-headers, gRPC headers, then the forwarded metadata. `timeout` is this request's
    /// ``timeout`` as the pool's ``TimeoutHeaderCache`` encodes it (nil when it has none).
    func makeHeaders(authority: String, scheme: String, timeout: TimeoutHeaderCache.Header?) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(7 + self.metadata.count)
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: scheme)
        headers.add(name: ":path", value: self.path)
        headers.add(name: ":authority", value: self.authority ?? authority)
        headers.add(name: "content-type", value: "application/grpc")
        headers.add(name: "te", value: "trailers")
        if let timeout {
            headers.add(name: "grpc-timeout", value: timeout.value, indexing: timeout.indexing)
        }
        for header in self.metadata where !Self.isReservedHeader(header.name) {
            headers.add(name: header.name, value: header.value, indexing: header.indexable)
        }
        return headers
    }

    /// The DATA frame payloads: each message with its 5-byte prefix.
    func makeFrames(allocator: ByteBufferAllocator) -> RequestFrames {
        var frames = RequestFrames()
        switch self.body.storage {
        case .framed(let bytes):
            frames.append(bytes)
        case .message(let payload):
            Self.appendFrames(of: payload, to: &frames, allocator: allocator)
        case .messages(let payloads):
            for payload in payloads {
                Self.appendFrames(of: payload, to: &frames, allocator: allocator)
            }
        }
        return frames
    }

    private static func appendFrames(
        of payload: ByteBuffer, to frames: inout RequestFrames, allocator: ByteBufferAllocator
    ) {
        if payload.readableBytes <= Self.largestCopiedPayload {
            // One buffer for prefix and payload: a single DATA frame and no extra frame header.
            var frame = allocator.buffer(capacity: GRPCMessageDeframer.prefixSize + payload.readableBytes)
            Self.writeMessagePrefix(length: payload.readableBytes, into: &frame)
            frame.writeImmutableBuffer(payload)
            frames.append(frame)
        } else {
            // Large payloads are not copied: the prefix goes in its own small frame.
            var prefix = allocator.buffer(capacity: GRPCMessageDeframer.prefixSize)
            Self.writeMessagePrefix(length: payload.readableBytes, into: &prefix)
            frames.append(prefix)
            frames.append(payload)
        }
    }

    /// A gRPC message prefix: the compressed flag (0, not compressed) and the payload's length, big-endian.
    static func writeMessagePrefix(length: Int, into buffer: inout ByteBuffer) {
        buffer.writeMultipleIntegers(UInt8(0), UInt32(truncatingIfNeeded: length))
    }

    /// Payloads up to this size are copied behind their prefix; larger ones are sent as their own frame.
    private static let largestCopiedPayload = 16 * 1024

    /// Headers owned by this client or by HTTP/2 itself, never forwarded from metadata.
    static func isReservedHeader(_ name: String) -> Bool {
        if name.utf8.first == UInt8(ascii: ":") { return true }
        switch name {
        case "te", "content-type", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "host",
            "content-length", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
            return true
        default:
            return false
        }
    }
}

/// The DATA frame payloads of a request, in order. Nearly every request has exactly one, which is kept without an
/// array (an array would be one more allocation per call).
struct RequestFrames: RandomAccessCollection {
    private var first: ByteBuffer?
    private var rest: [ByteBuffer] = []

    init() {}

    mutating func append(_ frame: ByteBuffer) {
        if self.first == nil {
            self.first = frame
        } else {
            self.rest.append(frame)
        }
    }

    var startIndex: Int { 0 }
    var endIndex: Int { self.first == nil ? 0 : 1 + self.rest.count }

    subscript(position: Int) -> ByteBuffer {
        position == 0 ? self.first! : self.rest[position - 1]
    }
}
