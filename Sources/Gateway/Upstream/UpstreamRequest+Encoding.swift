import NIOCore
import NIOHPACK

extension UpstreamRequest {
    /// The request HEADERS: pseudo-headers, gRPC headers, then the forwarded metadata.
    func makeHeaders(authority: String, scheme: String) -> HPACKHeaders {
        var headers = HPACKHeaders()
        headers.reserveCapacity(7 + self.metadata.count)
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: scheme)
        headers.add(name: ":path", value: self.path)
        headers.add(name: ":authority", value: self.authority ?? authority)
        headers.add(name: "content-type", value: "application/grpc")
        headers.add(name: "te", value: "trailers")
        if let timeout = self.timeout {
            headers.add(name: "grpc-timeout", value: GRPCTimeout.headerValue(for: timeout), indexing: .nonIndexable)
        }
        for header in self.metadata where !Self.isReservedHeader(header.name) {
            headers.add(name: header.name, value: header.value, indexing: header.indexable)
        }
        return headers
    }

    /// The DATA frame payloads: each message with its 5-byte prefix.
    func makeFrames(allocator: ByteBufferAllocator) -> [ByteBuffer] {
        switch self.body.storage {
        case .framed(let bytes):
            return [bytes]
        case .messages(let payloads):
            var frames: [ByteBuffer] = []
            frames.reserveCapacity(payloads.count)
            for payload in payloads {
                if payload.readableBytes <= Self.largestCopiedPayload {
                    // One buffer for prefix and payload: a single DATA frame and no extra frame header.
                    var frame = allocator.buffer(capacity: GRPCMessageDeframer.prefixSize + payload.readableBytes)
                    frame.writeInteger(UInt8(0))
                    frame.writeInteger(UInt32(truncatingIfNeeded: payload.readableBytes))
                    frame.writeImmutableBuffer(payload)
                    frames.append(frame)
                } else {
                    // Large payloads are not copied: the prefix goes in its own small frame.
                    var prefix = allocator.buffer(capacity: GRPCMessageDeframer.prefixSize)
                    prefix.writeInteger(UInt8(0))
                    prefix.writeInteger(UInt32(truncatingIfNeeded: payload.readableBytes))
                    frames.append(prefix)
                    frames.append(payload)
                }
            }
            return frames
        }
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
