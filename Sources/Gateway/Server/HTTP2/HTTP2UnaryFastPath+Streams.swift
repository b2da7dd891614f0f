import HTTPTypes
import NIOCore
import NIOHTTP2

extension HTTP2UnaryFastPath {
    /// The streams of one connection that the fast path claimed, and where each one is. Pure: the handler
    /// carries out the actions. A stream stays here from its claimed head until NIOHTTP2 reports it closed;
    /// streams that are not here belong to the multiplexer. Generic over the claim and the call so tests can use
    /// their own.
    struct Streams<Claim, Call> {
        private enum State {
            /// The request's body is arriving.
            case collecting(HTTPRequest, Claim, body: ByteBuffer, limit: Int)
            /// The request is with the backend (the call is nil until it has started).
            case calling(Call?)
            /// The answer is written (or the request was rejected): only the stream's close is left.
            case answered
        }

        private var streams: [HTTP2StreamID: State] = [:]

        enum Action {
            /// Nothing to do now.
            case none
            /// The request is complete: start the backend call, and report it with ``started(_:call:)``.
            case call(HTTPRequest, Claim, body: ByteBuffer)
            /// The body is over its limit: answer 413 now and reset the stream, so the client stops sending.
            case rejectTooLarge(HTTPRequest, Claim)
        }

        func isClaimed(_ stream: HTTP2StreamID) -> Bool {
            self.streams[stream] != nil
        }

        /// Whether the stream's request body is still arriving, so that its flow-control window must stay open.
        func isCollecting(_ stream: HTTP2StreamID) -> Bool {
            if case .collecting = self.streams[stream] { return true }
            return false
        }

        var isEmpty: Bool { self.streams.isEmpty }

        /// The fast path claimed the request whose head opened `stream`.
        mutating func claimed(
            _ stream: HTTP2StreamID, head: HTTPRequest, claim: Claim, limit: Int, endStream: Bool
        ) -> Action {
            if endStream {
                self.streams[stream] = .calling(nil)
                return .call(head, claim, body: ByteBuffer())
            }
            self.streams[stream] = .collecting(head, claim, body: ByteBuffer(), limit: limit)
            return .none
        }

        /// A part of a claimed stream's body arrived (nil for trailers, which end the request and are ignored).
        mutating func received(_ stream: HTTP2StreamID, body chunk: ByteBuffer?, endStream: Bool) -> Action {
            guard case .collecting(let head, let claim, var body, let limit) = self.streams[stream] else {
                return .none  // the rest of a rejected body
            }
            if let chunk, chunk.readableBytes > 0 {
                guard body.readableBytes + chunk.readableBytes <= limit else {
                    self.streams[stream] = .answered
                    return .rejectTooLarge(head, claim)
                }
                self.streams[stream] = .answered  // drop the stored copy of `body` so appending does not copy it
                if body.readableBytes == 0 {
                    body = chunk
                } else {
                    body.writeImmutableBuffer(chunk)
                }
            }
            if endStream {
                self.streams[stream] = .calling(nil)
                return .call(head, claim, body: body)
            }
            self.streams[stream] = .collecting(head, claim, body: body, limit: limit)
            return .none
        }

        /// The backend call of `stream` started. (A call that failed at once has been answered already.)
        mutating func started(_ stream: HTTP2StreamID, call: Call) {
            if case .calling(nil) = self.streams[stream] { self.streams[stream] = .calling(call) }
        }

        /// The answer of `stream` is ready: whether it should be written (not if the stream closed meanwhile).
        mutating func answer(_ stream: HTTP2StreamID) -> Bool {
            guard case .calling = self.streams[stream] else { return false }
            self.streams[stream] = .answered
            return true
        }

        /// NIOHTTP2 closed `stream` (it ended both ways, or was reset): the call to cancel if it still runs.
        mutating func closed(_ stream: HTTP2StreamID) -> Call? {
            guard case .calling(let call) = self.streams.removeValue(forKey: stream) else { return nil }
            return call
        }

        /// The connection closed: the calls still running, to cancel.
        mutating func closedAll() -> [Call] {
            defer { self.streams = [:] }
            return self.streams.values.compactMap { state in
                if case .calling(let call) = state { return call }
                return nil
            }
        }
    }
}
