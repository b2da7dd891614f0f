import HTTPTypes
import NIOCore
import Transcoding

extension UnaryFastPath {
    /// What a fast path does with a unary call, whichever protocol carries it: claim the request from its head,
    /// start the backend call, and shape the answer. ``UnaryFastPath`` (HTTP/1.1) and ``HTTP2UnaryFastPath``
    /// differ only in how requests reach them and answers leave. One instance is shared by every connection (a
    /// class, so that a request retains it once instead of copying the handlers' fields).
    final class Services: Sendable {
        let rest: RESTHandler
        let grpcWeb: GRPCWebHandler
        let cors: CORSPolicy

        init(rest: RESTHandler, grpcWeb: GRPCWebHandler, cors: CORSPolicy) {
            self.rest = rest
            self.grpcWeb = grpcWeb
            self.cors = cors
        }

        /// A request a fast path answers whole.
        enum Claim: Sendable {
            case rest(RESTHandler.Match)
            case grpcWeb(MethodDescriptor, GRPCWebFormat)
        }

        // MARK: Claiming

        /// The claim on a request a fast path can answer whole, with its body limit; nil leaves it to Hummingbird:
        /// streams, the console, CORS preflights, errors found in the head, `Connection: close` and `Expect`.
        func claim(_ head: HTTPRequest) -> (Claim, limit: Int)? {
            guard let claim = self.claimedRequest(head) else { return nil }
            switch claim {
            case .rest: return (claim, self.rest.configuration.limits.maxRequestBodyBytes)
            case .grpcWeb(_, let format): return (claim, self.grpcWeb.wireLimit(format))
            }
        }

        private func claimedRequest(_ head: HTTPRequest) -> Claim? {
            guard let rawPath = head.path, head.method != .head, head.method != .options,
                head.headerFields.value(.connection)?.lowercased() != "close", !head.headerFields.contains(.expect)
            else { return nil }
            let headers = head.headerFields
            if let format = GRPCWebFormat(headers: headers) {
                guard let method = try? self.grpcWeb.method(head.method, rawPath: rawPath), !method.serverStreaming
                else { return nil }
                return .grpcWeb(method, format)
            }
            guard let match = try? self.rest.match(method: head.method.rawValue, rawPath: rawPath),
                !match.route.method.serverStreaming, !match.route.method.clientStreaming,
                (try? self.rest.checkContentType(of: match, headers: headers)) != nil
            else { return nil }
            return .rest(match)
        }

        // MARK: Calling

        /// Starts the backend call of a claimed request whose body has arrived; nil if the request could not be
        /// made into a call. `completion` gets the answer, headers complete but for ``FramingFields``, on
        /// `eventLoop`, the caller's: the backend's, or at once the error's.
        func start(
            _ head: HTTPRequest, _ claim: Claim, body: ByteBuffer, on eventLoop: any EventLoop,
            completion: @escaping (PreparedResponse) -> Void
        ) -> UpstreamUnaryCall? {
            let request: UpstreamRequest
            do {
                switch claim {
                case .rest(let match):
                    request = try body.withUnsafeReadableBytes { bytes throws(GatewayError) in
                        try self.rest.upstreamRequest(for: match, headers: head.headerFields, body: bytes)
                    }
                case .grpcWeb(let method, let format):
                    request = try self.grpcWeb.upstreamRequest(
                        for: method, format: format, headers: head.headerFields, body: body)
                }
            } catch {
                var failure = self.failure(error, claim)
                self.complete(&failure, for: head)
                completion(failure)
                return nil
            }
            let completion = NIOLoopBound(completion, eventLoop: eventLoop)
            return self.rest.upstream.unary(request) { [self] response in
                var completed =
                    switch claim {
                    case .rest(let match): self.rest.answer(response, route: match.route)
                    case .grpcWeb(let method, let format): self.grpcWeb.answer(response, method: method, format: format)
                    }
                self.complete(&completed, for: head)
                if eventLoop.inEventLoop {
                    completion.value(completed)
                } else {
                    eventLoop.execute { completion.value(completed) }
                }
            }
        }

        // MARK: Answering

        /// The answer to a claimed request whose body is over its limit, headers complete but for ``FramingFields``.
        func tooLarge(_ claim: Claim, for head: HTTPRequest) -> PreparedResponse {
            let limit = self.rest.configuration.limits.maxRequestBodyBytes
            let error =
                switch claim {
                case .rest: GatewayError.bodyTooLarge(limit: limit)
                case .grpcWeb: GRPCWebHandler.bodyTooLarge(limit: limit)
                }
            var answer = self.failure(error, claim)
            self.complete(&answer, for: head)
            return answer
        }

        /// Adds CORS's headers for the request to an answer's own. (The length and date, ``FramingFields``, are
        /// added by the writers. In place: a `consuming` answer was still copied, headers and all, on every call.)
        private func complete(_ answer: inout PreparedResponse, for head: HTTPRequest) {
            self.cors.addResponseHeaders(forRequest: head.headerFields, to: &answer.headers)
        }

        private func failure(_ error: GatewayError, _ claim: Claim) -> PreparedResponse {
            switch claim {
            case .rest: self.rest.errorAnswer(error)
            case .grpcWeb(_, let format):
                GRPCWebHandler.trailersOnlyAnswer(code: error.code, message: error.message, format: format)
            }
        }
    }
}
