import HTTPTypes
import Hummingbird
import NIOCore
import NIOHPACK
import Transcoding

/// Serves REST/JSON calls: matches the `google.api.http` route, binds path, query and body into the request
/// message, calls the backend, and answers with JSON (or the raw bytes of a `google.api.HttpBody`).
/// A class: every request borrows it, where a struct of this many fields would be copied (and retained) per use.
final class RESTHandler: Sendable {
    let routes: HTTPRouteTable
    let binder: RequestBinder
    let renderer: ResponseRenderer
    let statuses: StatusRenderer
    let upstream: UpstreamPool
    let backends: BackendDirectory
    let configuration: GatewayConfiguration

    init(
        routes: HTTPRouteTable, binder: RequestBinder, renderer: ResponseRenderer, statuses: StatusRenderer,
        upstream: UpstreamPool, backends: BackendDirectory, configuration: GatewayConfiguration
    ) {
        self.routes = routes
        self.binder = binder
        self.renderer = renderer
        self.statuses = statuses
        self.upstream = upstream
        self.backends = backends
        self.configuration = configuration
    }

    func handle(_ request: Request, context: GatewayRequestContext) async -> Response {
        do {
            return try await self.serve(request, context: context)
        } catch let error as GatewayError {
            return self.errorResponse(error)
        } catch {
            return self.errorResponse(GatewayError(code: .internal, message: "\(error)"))
        }
    }

    private func serve(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let match = try self.match(method: request.method.rawValue, rawPath: request.head.path ?? "/")
        try self.checkContentType(of: match, headers: request.headers)
        let body = try await self.collectBody(request, route: match.route)
        let upstreamRequest = try body.withUnsafeReadableBytes { body throws(GatewayError) in
            try self.upstreamRequest(for: match, headers: request.headers, body: body)
        }
        if match.route.method.serverStreaming {
            return try await self.stream(upstreamRequest, route: match.route, accept: request.headers[.accept])
        }
        let response = await context.unary(upstreamRequest, on: self.upstream)
        return self.answer(response, route: match.route).response
    }

    // MARK: Steps (shared with the event-loop fast path)

    /// A request whose route is known, before its body is read.
    struct Match {
        let route: HTTPRoute
        let bindings: [PathBinding]
        let query: Substring?
    }

    /// The route of `method` and `rawPath` (with its query): 404 or 405 when there is none.
    func match(method: String, rawPath: String) throws(GatewayError) -> Match {
        let (path, query) = Self.splitQuery(rawPath)
        let result: RouterMatch<HTTPRoute>
        do {
            result = try self.routes.match(method: method, path: String(path))
        } catch {
            throw GatewayError(error)
        }
        switch result {
        case .matched(let route, let bindings):
            return Match(route: route, bindings: bindings, query: query)
        case .methodNotAllowed(let allowed):
            throw GatewayError.methodNotAllowed(method: method, path: String(path), allowed: allowed)
        case .notFound:
            throw GatewayError.notFound(method: method, path: String(path))
        }
    }

    /// A JSON body must say it is JSON (or say nothing); 415 otherwise.
    func checkContentType(of match: Match, headers: HTTPFields) throws(GatewayError) {
        if case .none = match.route.body { return }
        if match.route.takesHTTPBody { return }
        try Self.requireJSON(headers.value(.contentType))
    }

    /// The gRPC request: path, query and body bound into the request message, metadata and deadline.
    func upstreamRequest(for match: Match, headers: HTTPFields, body: UnsafeRawBufferPointer) throws(GatewayError)
        -> UpstreamRequest
    {
        let message: [UInt8]
        do {
            message = try self.binder.bind(
                route: match.route, pathBindings: match.bindings, query: match.query, body: body,
                contentType: headers.value(.contentType))
        } catch {
            throw GatewayError(error)
        }
        return UpstreamRequest(
            target: try self.backends.target(for: match.route.method.service),
            path: match.route.method.grpcPath,
            metadata: try RequestMetadata.forward(headers, policy: self.configuration.metadata),
            timeout: self.configuration.deadlines.timeout(
                for: match.route.method, requested: try RequestMetadata.requestedTimeout(headers)),
            body: .message(message)
        )
    }

    /// The HTTP answer to a unary call: the message as JSON (or raw `HttpBody` bytes), or the error status.
    func answer(_ response: UpstreamUnaryResponse, route: HTTPRoute) -> PreparedResponse {
        var headers = PreparedResponse.emptyHeaders()
        ResponseMetadata.add(
            response.initialMetadata, prefix: self.configuration.metadata.responseHeaderPrefix,
            policy: self.configuration.metadata, to: &headers)
        ResponseMetadata.add(
            response.status.trailers, prefix: self.configuration.metadata.responseTrailerPrefix,
            policy: self.configuration.metadata, to: &headers)
        guard response.status.isOK, let message = response.message else {
            return self.errorAnswer(GatewayError(response.status), headers: headers)
        }
        let rendered: RenderedBody
        do {
            rendered = try message.withUnsafeReadableBytes { try self.renderer.render($0, route: route) }
        } catch {
            return self.errorAnswer(
                GatewayError(code: .internal, message: "the backend's response could not be transcoded: \(error)"),
                headers: headers
            )
        }
        switch rendered {
        case .json(let json):
            headers[.contentType] = "application/json"
            return PreparedResponse(status: .ok, headers: headers, bytes: json)
        case .raw(let contentType, let data):
            headers[.contentType] =
                contentType.flatMap { MetadataPolicy.isSafeValue($0) ? $0 : nil } ?? "application/octet-stream"
            return PreparedResponse(status: .ok, headers: headers, bytes: data)
        }
    }

    /// An error as a `google.rpc.Status` JSON body, with its HTTP status and headers.
    func errorAnswer(_ error: GatewayError, headers: HTTPFields = HTTPFields()) -> PreparedResponse {
        var headers = headers
        headers[.contentType] = "application/json"
        for (name, value) in error.headers {
            if let fieldName = HTTPField.Name(name) { headers[fieldName] = value }
        }
        let body = self.statuses.render(code: error.code, message: error.message, details: error.details)
        return PreparedResponse(
            status: HTTPResponse.Status(code: error.httpStatus), headers: headers, bytes: body)
    }

    // MARK: Server streaming

    private func stream(_ request: UpstreamRequest, route: HTTPRoute, accept: String?) async throws -> Response {
        let call = self.upstream.call(request)
        var headers = HTTPFields()
        // Read up to the first message: an error before it gets a real HTTP error status.
        var first: ByteBuffer?
        var finishedOK = false
        readFirst: while let event = await call.next() {
            switch event {
            case .initialMetadata(let metadata):
                ResponseMetadata.add(
                    metadata, prefix: self.configuration.metadata.responseHeaderPrefix,
                    policy: self.configuration.metadata, to: &headers)
            case .message(let message):
                first = message
                break readFirst
            case .status(let status):
                ResponseMetadata.add(
                    status.trailers, prefix: self.configuration.metadata.responseTrailerPrefix,
                    policy: self.configuration.metadata, to: &headers)
                guard status.isOK else { return self.errorResponse(GatewayError(status), headers: headers) }
                finishedOK = true
                break readFirst
            }
        }
        let format = StreamFormat(accept: accept)
        let renderer = self.renderer
        let statuses = self.statuses

        if route.returnsHTTPBody {
            // Raw bytes concatenated; the content type comes from the first message.
            var firstRendered: (type: String?, data: [UInt8]) = (nil, [])
            if let first,
                case .raw(let type, let data) = try? first.withUnsafeReadableBytes({
                    try renderer.render($0, route: route)
                })
            {
                firstRendered = (type, data)
            }
            let firstData = firstRendered.data
            headers[.contentType] =
                firstRendered.type.flatMap { MetadataPolicy.isSafeValue($0) ? $0 : nil } ?? "application/octet-stream"
            let body = ResponseBody { writer in
                defer { call.cancel() }
                var output = CoalescingBodyWriter()
                output.append(firstData)
                while let event = try await output.next(from: call, writer: &writer) {
                    guard case .message(let message) = event else { continue }
                    if case .raw(_, let data) = try message.withUnsafeReadableBytes({
                        try renderer.render($0, route: route)
                    }) {
                        output.append(data)
                    }
                }
                try await output.finish(&writer)
            }
            return Response(status: .ok, headers: headers, body: body)
        }

        headers[.contentType] = format.contentType
        if finishedOK {  // an empty stream
            return Response(
                status: .ok, headers: headers,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: format.opening + format.closing)))
        }
        let firstMessage = first
        let body = ResponseBody { writer in
            defer { call.cancel() }  // a client that went away (write threw) resets the upstream stream
            var output = CoalescingBodyWriter()
            output.append(format.opening)
            var count = 0
            var event = firstMessage.map { UpstreamCall.Event.message($0) }
            if event == nil { event = try await output.next(from: call, writer: &writer) }
            while let current = event {
                switch current {
                case .initialMetadata:
                    break
                case .message(let message):
                    do {
                        // Straight into the pending output: no array of its own per message.
                        try message.withUnsafeReadableBytes { bytes in
                            try output.withPending { pending in
                                try format.appendMessage(index: count, to: &pending) { json throws(TranscodingError) in
                                    try renderer.appendJSON(bytes, route: route, to: &json)
                                }
                            }
                        }
                        count += 1
                    } catch {
                        let status = statuses.render(
                            code: .internal, message: "a streamed message could not be transcoded: \(error)",
                            details: nil)
                        output.append(format.error(status, afterMessages: count))
                        try await output.finish(&writer)
                        return
                    }
                case .status(let status):
                    if status.isOK {
                        output.append(format.closing)
                    } else {
                        let json = statuses.render(code: status.code, message: status.message, details: status.details)
                        output.append(format.error(json, afterMessages: count))
                    }
                    try await output.finish(&writer)
                    return
                }
                event = try await output.next(from: call, writer: &writer)
            }
            try await output.finish(&writer)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    // MARK: Helpers

    private func collectBody(_ request: Request, route: HTTPRoute) async throws -> ByteBuffer {
        let limit = self.configuration.limits.maxRequestBodyBytes
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
            throw GatewayError.bodyTooLarge(limit: limit)
        }
        do {
            return try await request.body.collect(upTo: limit)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw GatewayError.bodyTooLarge(limit: limit)
        }
    }

    private static func requireJSON(_ contentType: String?) throws(GatewayError) {
        guard let contentType else { return }
        let mediaType = RequestMetadata.mediaType(contentType).utf8  // (bytes: String's comparisons are Unicode's)
        if mediaType.isEmpty || mediaType.elementsEqual("application/json".utf8)
            || mediaType.suffix(5).elementsEqual("+json".utf8)
        {
            return
        }
        throw GatewayError(
            code: .invalidArgument,
            message: "unsupported content type \"\(contentType)\"; send application/json",
            httpStatus: 415
        )
    }

    static func splitQuery(_ rawPath: String) -> (path: Substring, query: Substring?) {
        // (A byte search: `String.firstIndex(of:)` compares Characters, a measurable cost on every request.)
        guard let mark = rawPath.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (rawPath[...], nil) }
        return (rawPath[..<mark], rawPath[rawPath.utf8.index(after: mark)...])
    }

    func errorResponse(_ error: GatewayError, headers: HTTPFields = HTTPFields()) -> Response {
        self.errorAnswer(error, headers: headers).response
    }
}
