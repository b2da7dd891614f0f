import NIOCore
import NIOHPACK
import NIOHTTP2

extension UpstreamStream {
    /// The response side of one gRPC call on an HTTP/2 stream, as a pure state machine.
    ///
    /// It reads response headers, DATA and trailers, and local events (deadline, cancellation, connection loss),
    /// and says what to do: deliver initial metadata, deliver messages, or finish the call with a status (and
    /// whether the stream must be reset). Every path ends in exactly one ``Completion``; events after it are
    /// ignored.
    struct StateMachine {
        /// How the call ends.
        struct Completion: Hashable, Sendable {
            var status: UpstreamStatus
            /// The stream is still open at the HTTP/2 level and must be reset (RST_STREAM CANCEL).
            var resetStream: Bool
        }

        enum HeadersAction: Hashable {
            /// Response headers: hand them to the consumer as initial metadata, as received (`:status` included).
            case deliverInitialMetadata(HPACKHeaders)
            /// An informational (1xx) response: nothing to do.
            case ignore
            case finish(Completion)
        }

        enum DataAction: Hashable {
            /// Call ``nextMessage()`` until it stops returning messages.
            case readMessages
            case ignore
            case finish(Completion)
        }

        enum MessageAction: Hashable {
            case deliver(ByteBuffer)
            case needMoreData
            case finish(Completion)
        }

        private enum State {
            case awaitingResponseHeaders
            case receivingMessages
            case finished
        }

        private var state: State = .awaitingResponseHeaders
        private var deframer: GRPCMessageDeframer
        private var messagesReceived = 0
        private var receivedEndOfStreamInData = false
        private let expectsSingleMessage: Bool

        /// - Parameters:
        ///   - maximumMessageSize: the largest response message accepted, in bytes.
        ///   - expectsSingleMessage: a unary call: a second message, or an OK status without a message, is an error.
        init(maximumMessageSize: Int, expectsSingleMessage: Bool) {
            self.deframer = GRPCMessageDeframer(maximumMessageSize: maximumMessageSize)
            self.expectsSingleMessage = expectsSingleMessage
        }

        var isFinished: Bool {
            if case .finished = self.state { return true }
            return false
        }

        /// A HEADERS frame: the response headers, or the trailers, or both at once (trailers-only).
        mutating func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) -> HeadersAction {
            switch self.state {
            case .finished:
                return .ignore

            case .awaitingResponseHeaders:
                guard let rawStatus = headers.first(name: ":status") else {
                    return .finish(self.fail(.internal, "upstream response headers have no :status", reset: !endStream))
                }
                guard let httpStatus = Int(rawStatus) else {
                    return .finish(
                        self.fail(.internal, "upstream sent an invalid :status '\(rawStatus)'", reset: !endStream)
                    )
                }
                if (100..<200).contains(httpStatus), !endStream {
                    return .ignore
                }
                guard httpStatus == 200 else {
                    let status = UpstreamStatus(httpStatus: httpStatus, headers: headers)
                    return .finish(self.finish(status, reset: !endStream))
                }
                if endStream {
                    // Trailers-only: the status is in this block. A content-type is not required here.
                    return .finish(self.finishWithTrailers(headers))
                }
                guard let contentType = headers.first(name: "content-type"), Self.isGRPCContentType(contentType)
                else {
                    let found = headers.first(name: "content-type").map { "'\($0)'" } ?? "none"
                    let status = UpstreamStatus(
                        code: .unknown,
                        message: "upstream response content-type is \(found), expected application/grpc",
                        origin: .upstream
                    )
                    return .finish(self.finish(status, reset: true))
                }
                self.state = .receivingMessages
                // Handed on as received, `:status` included: removing it copied the block (NIOHTTP2's frame still
                // holds it) on every call, and every forwarder skips pseudo-headers anyway.
                return .deliverInitialMetadata(headers)

            case .receivingMessages:
                guard endStream else {
                    return .finish(
                        self.fail(
                            .internal,
                            "upstream sent a second header block that does not end the stream",
                            reset: true
                        )
                    )
                }
                if self.deframer.bufferedByteCount > 0 {
                    return .finish(
                        self.fail(
                            .internal,
                            "upstream trailers arrived with \(self.deframer.bufferedByteCount) bytes of an incomplete message",
                            reset: false
                        )
                    )
                }
                return .finish(self.finishWithTrailers(headers))
            }
        }

        /// A DATA frame.
        mutating func receivedData(_ bytes: ByteBuffer, endStream: Bool) -> DataAction {
            switch self.state {
            case .finished:
                return .ignore
            case .awaitingResponseHeaders:
                return .finish(self.fail(.internal, "upstream sent DATA before response headers", reset: !endStream))
            case .receivingMessages:
                self.deframer.append(bytes)
                if endStream {
                    self.receivedEndOfStreamInData = true
                }
                return .readMessages
            }
        }

        /// The next complete message of the data received so far.
        mutating func nextMessage() -> MessageAction {
            switch self.state {
            case .finished, .awaitingResponseHeaders:
                return .needMoreData
            case .receivingMessages:
                break
            }

            let message: ByteBuffer?
            do {
                message = try self.deframer.nextMessage()
            } catch {
                let code: UpstreamStatus.Code
                if case .messageTooLarge = error.kind {
                    code = .resourceExhausted
                } else {
                    code = .internal
                }
                return .finish(self.fail(code, "upstream response \(error)", reset: !self.receivedEndOfStreamInData))
            }

            if let message {
                self.messagesReceived += 1
                if self.expectsSingleMessage, self.messagesReceived > 1 {
                    return .finish(
                        self.fail(
                            .internal,
                            "upstream sent more than one response message to a unary call",
                            reset: true
                        )
                    )
                }
                return .deliver(message)
            }

            guard self.receivedEndOfStreamInData else { return .needMoreData }
            let incomplete = self.deframer.bufferedByteCount
            let detail = incomplete > 0 ? " (with \(incomplete) bytes of an incomplete message)" : ""
            return .finish(self.fail(.internal, "upstream ended the stream without trailers\(detail)", reset: false))
        }

        /// The upstream reset the stream.
        mutating func receivedReset(_ code: HTTP2ErrorCode) -> Completion? {
            guard !self.isFinished else { return nil }
            return self.finish(UpstreamStatus(resetCode: code), reset: false)
        }

        /// The HTTP/2 stream closed without the call having finished (no trailers, no reset frame seen).
        mutating func streamClosed(reason: HTTP2ErrorCode?) -> Completion? {
            guard !self.isFinished else { return nil }
            if let reason, reason != .noError {
                return self.finish(UpstreamStatus(resetCode: reason), reset: false)
            }
            return self.fail(.unavailable, "upstream stream closed before the call finished", reset: false)
        }

        /// A local event ends the call: deadline, cancellation, connection loss, a write error.
        mutating func fail(with status: UpstreamStatus, resetStream: Bool) -> Completion? {
            guard !self.isFinished else { return nil }
            return self.finish(status, reset: resetStream)
        }

        private mutating func finishWithTrailers(_ trailers: HPACKHeaders) -> Completion {
            var status = UpstreamStatus(trailers: trailers)
            if self.expectsSingleMessage, status.isOK, self.messagesReceived == 0 {
                status.code = .internal
                status.message = "upstream sent an OK status but no response message to a unary call"
                status.origin = .local
            }
            return self.finish(status, reset: false)
        }

        private mutating func fail(_ code: UpstreamStatus.Code, _ message: String, reset: Bool) -> Completion {
            self.finish(UpstreamStatus(code: code, message: message, origin: .local), reset: reset)
        }

        private mutating func finish(_ status: UpstreamStatus, reset: Bool) -> Completion {
            self.state = .finished
            // Drop buffered bytes of a partial message now; the stream will not be read any further.
            self.deframer = GRPCMessageDeframer(maximumMessageSize: self.deframer.maximumMessageSize)
            return Completion(status: status, resetStream: reset)
        }

        /// `application/grpc`, optionally followed by `+format` or `;parameters`.
        static func isGRPCContentType(_ value: String) -> Bool {
            let prefix = "application/grpc".utf8
            let utf8 = value.utf8
            guard utf8.count >= prefix.count else { return false }
            var index = utf8.startIndex
            for expected in prefix {
                let byte = utf8[index]
                // Media types are case-insensitive.
                guard byte == expected || (byte >= 0x41 && byte <= 0x5A && byte | 0x20 == expected) else {
                    return false
                }
                index = utf8.index(after: index)
            }
            guard index != utf8.endIndex else { return true }
            let next = utf8[index]
            return next == UInt8(ascii: "+") || next == UInt8(ascii: ";")
        }
    }
}
