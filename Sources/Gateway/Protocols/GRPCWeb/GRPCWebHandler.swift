import HTTPTypes
import Hummingbird
import NIOCore
import NIOHPACK
import Transcoding

/// Serves gRPC-Web calls: checks and unframes the request (base64 text decoded, JSON messages transcoded),
/// calls the backend, and frames its messages and final status back, flushing each message as it arrives.
///
/// Binary protobuf requests are forwarded as received: a gRPC-Web message frame is a gRPC message frame.
/// Errors found before the backend answers are sent trailers-only: HTTP 200 with `grpc-status` and
/// `grpc-message` headers and no body, as the protocol specifies.
/// A class for the same reason as ``RESTHandler``.
final class GRPCWebHandler: Sendable {
    let pool: DescriptorPool
    let upstream: UpstreamPool
    let backends: BackendDirectory
    let configuration: GatewayConfiguration
    let jsonDecoder: JSONToProtobuf
    let jsonEncoder: ProtobufToJSON

    init(
        pool: DescriptorPool, upstream: UpstreamPool, backends: BackendDirectory,
        configuration: GatewayConfiguration, jsonDecoder: JSONToProtobuf, jsonEncoder: ProtobufToJSON
    ) {
        self.pool = pool
        self.upstream = upstream
        self.backends = backends
        self.configuration = configuration
        self.jsonDecoder = jsonDecoder
        self.jsonEncoder = jsonEncoder
    }

    func handle(_ request: Request, context: GatewayRequestContext, format: GRPCWebFormat) async -> Response {
        do {
            return try await self.serve(request, context: context, format: format)
        } catch let error as GatewayError {
            return Self.trailersOnly(code: error.code, message: error.message, format: format)
        } catch {
            return Self.trailersOnly(code: .internal, message: "\(error)", format: format)
        }
    }

    private func serve(_ request: Request, context: GatewayRequestContext, format: GRPCWebFormat) async throws
        -> Response
    {
        let method = try self.method(request.method, rawPath: request.head.path ?? "/")
        let body = try await self.collectBody(request, format: format)
        let upstreamRequest = try self.upstreamRequest(
            for: method, format: format, headers: request.headers, body: body)
        if !method.serverStreaming {
            let response = await context.unary(upstreamRequest, on: self.upstream)
            return self.answer(response, method: method, format: format).response
        }
        let call = self.upstream.call(upstreamRequest)
        if let connection = context.connection {
            return await connection.cancellingOnClose { await self.respond(call, method: method, format: format) }
        }
        return await self.respond(call, method: method, format: format)
    }

    // MARK: Steps (shared with the event-loop fast path)

    /// The method a gRPC-Web request calls: a POST to `/package.Service/Method` of an exposed service.
    func method(_ httpMethod: HTTPRequest.Method, rawPath: String) throws(GatewayError) -> MethodDescriptor {
        guard httpMethod == .post else {
            throw GatewayError(code: .unimplemented, message: "gRPC-Web calls are POST requests, not \(httpMethod)")
        }
        let path = RESTHandler.splitQuery(rawPath).path
        guard let method = self.pool.method(grpcPath: String(path)),
            self.configuration.exposedServices?.contains(method.service.fullName) ?? true
        else {
            throw GatewayError(code: .unimplemented, message: "unknown method \(path)")
        }
        return method
    }

    /// The largest body accepted on the wire: the message limit, plus base64's growth for the text flavour.
    func wireLimit(_ format: GRPCWebFormat) -> Int {
        let limit = self.configuration.limits.maxRequestBodyBytes
        return format.requestIsText ? limit / 3 * 4 + 4 : limit
    }

    private func collectBody(_ request: Request, format: GRPCWebFormat) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: self.wireLimit(format))
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw Self.bodyTooLarge(limit: self.configuration.limits.maxRequestBodyBytes)
        }
    }

    static func bodyTooLarge(limit: Int) -> GatewayError {
        GatewayError(code: .resourceExhausted, message: "the request body is larger than the limit of \(limit) bytes")
    }

    /// The gRPC request: the body's messages, checked (no trailer frame, no compression, one message for a unary
    /// or server-streaming method), with metadata and deadline.
    func upstreamRequest(for method: MethodDescriptor, format: GRPCWebFormat, headers: HTTPFields, body: ByteBuffer)
        throws(GatewayError) -> UpstreamRequest
    {
        UpstreamRequest(
            target: try self.backends.target(for: method.service),
            path: method.grpcPath,
            metadata: try RequestMetadata.forward(headers, policy: self.configuration.metadata),
            timeout: self.configuration.deadlines.timeout(
                for: method, requested: try RequestMetadata.requestedTimeout(headers)),
            body: try self.messages(in: body, method: method, format: format)
        )
    }

    private func messages(in body: ByteBuffer, method: MethodDescriptor, format: GRPCWebFormat)
        throws(GatewayError) -> UpstreamRequest.Body
    {
        let limit = self.configuration.limits.maxRequestBodyBytes
        guard format.requestIsText || format.isJSON else {
            // Binary protobuf is gRPC's own framing: checked in place and forwarded as it is, no payload copied.
            var messages = 0
            var rejection: GatewayError?
            do {
                try body.withUnsafeReadableBytes { bytes throws(TranscodingError) in
                    try GRPCWebFrameDecoder.scan(bytes, maximumMessageSize: limit) { flags, _ in
                        if let rejected = Self.rejection(ofFrameFlags: flags) {
                            rejection = rejection ?? rejected  // the first bad frame's
                        } else {
                            messages += 1
                        }
                    }
                }
            } catch {
                throw Self.requestError(error)
            }
            if let rejection { throw rejection }
            try Self.checkMessageCount(messages, of: method)
            return .framed(body)
        }

        let frames: [GRPCWebFrame]
        do {
            frames = try Self.frames(in: body, isText: format.requestIsText, maximumMessageSize: limit)
        } catch {
            throw Self.requestError(error)
        }
        var payloads: [[UInt8]] = []
        for frame in frames {
            switch frame {
            case .trailers:
                throw Self.trailerFrameInRequest
            case .message(_, compressed: true):
                throw Self.compressedMessage
            case .message(let payload, compressed: false):
                payloads.append(payload)
            }
        }
        try Self.checkMessageCount(payloads.count, of: method)
        guard format.isJSON else {
            return .messages(payloads.map { ByteBuffer(bytes: $0) })
        }
        var messages: [ByteBuffer] = []
        for payload in payloads {
            do {
                let binary = try payload.withUnsafeBytes {
                    try self.jsonDecoder.transcode($0, as: method.inputType)
                }
                messages.append(ByteBuffer(bytes: binary))
            } catch {
                throw GatewayError(code: .invalidArgument, message: "\(error)")
            }
        }
        return .messages(messages)
    }

    /// A bad body, as the client is told: over the limit, or malformed.
    private static func requestError(_ error: TranscodingError) -> GatewayError {
        GatewayError(code: error.code == .tooLarge ? .resourceExhausted : .invalidArgument, message: error.description)
    }

    private static let trailerFrameInRequest = GatewayError(
        code: .invalidArgument, message: "a request may not carry a trailer frame")
    private static let compressedMessage = GatewayError(
        code: .unimplemented, message: "compressed messages are not supported; send them uncompressed")

    /// Why a request may not carry a frame with these flags, if it may not.
    private static func rejection(ofFrameFlags flags: UInt8) -> GatewayError? {
        if flags & GRPCWebFrame.trailersFlag != 0 { return Self.trailerFrameInRequest }
        if flags & GRPCWebFrame.compressedFlag != 0 { return Self.compressedMessage }
        return nil
    }

    private static func checkMessageCount(_ count: Int, of method: MethodDescriptor) throws(GatewayError) {
        if !method.clientStreaming && count != 1 {
            throw GatewayError(
                code: .invalidArgument,
                message: "\(method.fullName) takes exactly one request message; the body has \(count)"
            )
        }
    }

    /// The frames of a request body, base64-decoded first for the text flavour.
    private static func frames(in body: ByteBuffer, isText: Bool, maximumMessageSize: Int)
        throws(TranscodingError) -> [GRPCWebFrame]
    {
        guard isText else {
            return try body.withUnsafeReadableBytes { bytes throws(TranscodingError) in
                try GRPCWebFrameDecoder.frames(in: bytes, maximumMessageSize: maximumMessageSize)
            }
        }
        var text = GRPCWebTextDecoder()
        var decoded: [UInt8] = []
        try body.withUnsafeReadableBytes { bytes throws(TranscodingError) in
            try text.decode(bytes, appendingTo: &decoded)
        }
        try text.finish()
        // Array's closure rethrows untyped errors, so the typed one is carried out by hand.
        let frames = decoded.withUnsafeBytes { bytes in
            Result { () throws(TranscodingError) in
                try GRPCWebFrameDecoder.frames(in: bytes, maximumMessageSize: maximumMessageSize)
            }
        }
        return try frames.get()
    }

    /// Answers a unary call in one body: the message frame and the trailer frame (or trailers-only, for a status
    /// without a message), with a content length rather than chunks.
    func answer(_ response: UpstreamUnaryResponse, method: MethodDescriptor, format: GRPCWebFormat)
        -> PreparedResponse
    {
        var headers = PreparedResponse.emptyHeaders()
        headers[.contentType] = format.contentType
        if let metadata = response.initialMetadata {
            Self.addMetadata(metadata, policy: self.configuration.metadata, to: &headers)
        }
        let policy = self.configuration.metadata
        guard let message = response.message else {
            Self.addMetadata(response.status.trailers, policy: policy, to: &headers)
            Self.addStatus(response.status, to: &headers)
            return PreparedResponse(status: .ok, headers: headers, body: ByteBuffer())
        }
        let trailer = Self.trailerFrame(response.status, policy: policy, format: format)
        if !format.responseIsText && !format.isJSON {
            // Binary protobuf: the received message bytes go out as they are, behind their 5-byte prefix.
            return PreparedResponse(status: .ok, headers: headers, body: .grpcWebMessage(message, trailer: trailer))
        }
        var body: [UInt8]
        do {
            body = try Self.frame(message, method: method, format: format, encoder: self.jsonEncoder)
            body += trailer
        } catch {
            let status = UpstreamStatus(
                code: .internal, message: "a response message could not be transcoded: \(error)", origin: .local)
            body = Self.trailerFrame(status, policy: policy, format: format)
        }
        return PreparedResponse(status: .ok, headers: headers, bytes: body)
    }

    /// Reads the call: a status before any message is answered trailers-only; otherwise messages stream as
    /// frames and the status closes the body as a trailer frame.
    private func respond(_ call: UpstreamCall, method: MethodDescriptor, format: GRPCWebFormat) async -> Response {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        var first: ByteBuffer?
        readFirst: while let event = await call.next() {
            switch event {
            case .initialMetadata(let metadata):
                Self.addMetadata(metadata, policy: self.configuration.metadata, to: &headers)
            case .message(let message):
                first = message
                break readFirst
            case .status(let status):
                Self.addMetadata(status.trailers, policy: self.configuration.metadata, to: &headers)
                Self.addStatus(status, to: &headers)
                return Response(status: .ok, headers: headers, body: ResponseBody())
            }
        }
        let encoder = self.jsonEncoder
        let policy = self.configuration.metadata
        let firstMessage = first
        let body = ResponseBody { writer in
            defer { call.cancel() }  // the client went away: reset the upstream stream
            var output = CoalescingBodyWriter()
            var event = firstMessage.map { UpstreamCall.Event.message($0) }
            if event == nil { event = try await output.next(from: call, writer: &writer) }
            while let current = event {
                switch current {
                case .initialMetadata:
                    break
                case .message(let message):
                    do {
                        output.append(try Self.frame(message, method: method, format: format, encoder: encoder))
                    } catch {
                        let status = UpstreamStatus(
                            code: .internal, message: "a response message could not be transcoded: \(error)",
                            origin: .local)
                        output.append(Self.trailerFrame(status, policy: policy, format: format))
                        try await output.finish(&writer)
                        return
                    }
                case .status(let status):
                    output.append(Self.trailerFrame(status, policy: policy, format: format))
                    try await output.finish(&writer)
                    return
                }
                event = try await output.next(from: call, writer: &writer)
            }
            try await output.finish(&writer)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    private static func frame(
        _ message: ByteBuffer,
        method: MethodDescriptor,
        format: GRPCWebFormat,
        encoder: ProtobufToJSON
    ) throws -> [UInt8] {
        let frame = try message.withUnsafeReadableBytes { payload in
            if format.isJSON {
                let json = try encoder.transcode(payload, as: method.outputType)
                return try GRPCWebFrameEncoder.message(json)
            }
            return try GRPCWebFrameEncoder.message(payload)
        }
        return format.responseIsText ? GRPCWebTextEncoder.encode(frame) : frame
    }

    private static func trailerFrame(_ status: UpstreamStatus, policy: MetadataPolicy, format: GRPCWebFormat)
        -> [UInt8]
    {
        var metadata: [(name: String, value: String)] = []
        for (name, value, _) in status.trailers where policy.returnsMetadata(name) || name == "grpc-status-details-bin"
        {
            metadata.append((name, value))
        }
        if let details = status.details, !status.trailers.contains(name: "grpc-status-details-bin") {
            metadata.append(("grpc-status-details-bin", Base64.encode(details)))
        }
        let frame = GRPCWebFrameEncoder.trailers(
            status: status.code.rawValue, message: status.message, metadata: metadata)
        return format.responseIsText ? GRPCWebTextEncoder.encode(frame) : frame
    }

    private static func addMetadata(_ metadata: HPACKHeaders, policy: MetadataPolicy, to headers: inout HTTPFields) {
        for (name, value, _) in metadata where policy.returnsMetadata(name) && MetadataPolicy.isSafeValue(value) {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
    }

    private static let grpcStatus = HTTPField.Name("grpc-status")!
    private static let grpcMessage = HTTPField.Name("grpc-message")!
    private static let grpcStatusDetails = HTTPField.Name("grpc-status-details-bin")!

    private static func addStatus(_ status: UpstreamStatus, to headers: inout HTTPFields) {
        headers[Self.grpcStatus] = String(status.code.rawValue)
        if !status.message.isEmpty { headers[Self.grpcMessage] = GRPCStatusMessage.percentEncode(status.message) }
        if let details = status.trailers.first(name: "grpc-status-details-bin") {
            headers[Self.grpcStatusDetails] = details
        } else if let details = status.details {
            headers[Self.grpcStatusDetails] = Base64.encode(details)
        }
    }

    /// An error answered without a body: the status in the HTTP headers.
    static func trailersOnly(code: GRPCStatusCode, message: String, format: GRPCWebFormat) -> Response {
        Self.trailersOnlyAnswer(code: code, message: message, format: format).response
    }

    static func trailersOnlyAnswer(code: GRPCStatusCode, message: String, format: GRPCWebFormat) -> PreparedResponse {
        var headers = HTTPFields()
        headers[.contentType] = format.contentType
        headers[Self.grpcStatus] = String(code.rawValue)
        headers[Self.grpcMessage] = GRPCStatusMessage.percentEncode(message)
        return PreparedResponse(status: .ok, headers: headers, body: ByteBuffer())
    }
}
