public import NIOCore
public import NIOHPACK

/// A gRPC call to make: where, which method, metadata, deadline and the request body.
public struct UpstreamRequest: Sendable {
    /// The upstream server.
    public var target: UpstreamTarget
    /// The gRPC method path, `/package.Service/Method`.
    public var path: String
    /// The `:authority` to send; `nil` sends the target's `host:port`.
    public var authority: String?
    /// Custom metadata to forward as request headers. Names must be lower-case. Pseudo-headers and the headers
    /// this client owns (`content-type`, `te`, `grpc-timeout`, `grpc-encoding`, `grpc-accept-encoding`, `host`,
    /// `content-length`, and the connection-specific `connection`, `keep-alive`, `proxy-connection`,
    /// `transfer-encoding`, `upgrade`) are dropped.
    public var metadata: HPACKHeaders
    /// How long the call may take. The client enforces it (RST_STREAM then `DEADLINE_EXCEEDED`) and sends it as
    /// `grpc-timeout`. A zero or negative timeout fails the call with `DEADLINE_EXCEEDED` without sending it.
    public var timeout: Duration?
    /// The request messages.
    public var body: Body

    public init(
        target: UpstreamTarget,
        path: String,
        authority: String? = nil,
        metadata: HPACKHeaders = [:],
        timeout: Duration? = nil,
        body: Body
    ) {
        self.target = target
        self.path = path
        self.authority = authority
        self.metadata = metadata
        self.timeout = timeout
        self.body = body
    }

    /// A request with one message (unary and server-streaming methods).
    public init(
        target: UpstreamTarget,
        path: String,
        authority: String? = nil,
        metadata: HPACKHeaders = [:],
        timeout: Duration? = nil,
        message: ByteBuffer
    ) {
        self.init(
            target: target,
            path: path,
            authority: authority,
            metadata: metadata,
            timeout: timeout,
            body: .message(message)
        )
    }
}

extension UpstreamRequest {
    /// The request messages, either as payloads (this client adds the 5-byte gRPC prefix) or as bytes that are
    /// already a gRPC message stream (sent untouched, e.g. a gRPC-Web request body).
    public struct Body: Sendable {
        enum Storage: Sendable {
            case message(ByteBuffer)
            case messages([ByteBuffer])
            case framed(ByteBuffer)
        }

        let storage: Storage

        /// One payload; the client adds the prefix (uncompressed, length).
        public static func message(_ payload: ByteBuffer) -> Body {
            Body(storage: .message(payload))
        }

        /// One payload given as bytes (a transcoder's output): framed at once, prefix and payload in one buffer,
        /// which costs one allocation and one copy instead of two of each.
        public static func message(_ payload: [UInt8]) -> Body {
            var frame = ByteBufferAllocator().buffer(capacity: GRPCMessageDeframer.prefixSize + payload.count)
            UpstreamRequest.writeMessagePrefix(length: payload.count, into: &frame)
            frame.writeBytes(payload)
            return Body(storage: .framed(frame))
        }

        /// Several payloads, sent in order (client streaming sent in one go); the client adds each prefix.
        public static func messages(_ payloads: [ByteBuffer]) -> Body {
            Body(storage: .messages(payloads))
        }

        /// Bytes already in gRPC framing (each message a 1-byte flag, 4-byte big-endian length, payload). Sent
        /// as is, without validation: the caller must not pass compressed messages or gRPC-Web trailer frames.
        public static func framed(_ bytes: ByteBuffer) -> Body {
            Body(storage: .framed(bytes))
        }
    }
}
