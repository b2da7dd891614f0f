import HTTPTypes
import NIOCore
import NIOHTTP2

extension HTTP2UnaryFastPath {
    /// The open streams of one connection: which ones the fast path claimed, and where each of those is, and
    /// which ones it passed on to the multiplexer. Pure: the handler carries out the actions. A stream stays here
    /// from its head until NIOHTTP2 reports it closed. Generic over the claim and the call so tests can use their
    /// own.
    struct Streams<Claim, Call> {
        private enum State {
            /// The request's body is arriving; `window` is what the client may still send before it is given more.
            case collecting(HTTPRequest, Claim, body: ByteBuffer, limit: Int, window: Int)
            /// The request is with the backend (the call is nil until it has started).
            case calling(Call?)
            /// The answer is written (or the request was rejected): only the stream's close is left.
            case answered
        }

        private var streams: [HTTP2StreamID: State] = [:]
        private var forwardedStreams: Set<HTTP2StreamID> = []
        /// Streams that have used half their window since it was last topped up.
        private var windowsDue: [HTTP2StreamID] = []

        enum Owner {
            case fastPath
            case multiplexer
        }

        enum Action {
            /// Nothing to do now.
            case none
            /// The request is complete: start the backend call, and report it with ``started(_:call:)``.
            case call(HTTPRequest, Claim, body: ByteBuffer)
            /// The body is over its limit: answer 413 now and reset the stream, so the client stops sending.
            case rejectTooLarge(HTTPRequest, Claim)
        }

        /// The inbound window of a stream: HTTP/2's initial window, which the gateway's settings do not change. It is
        /// counted here from the DATA frames, and topped up (``windowUpdates()``) once a read burst has been
        /// delivered, for the streams whose body is still arriving. (Updates sent from NIOHTTP2's window events
        /// instead reached streams NIOHTTP2 had already half-closed, a protocol error that cost the connection.)
        static var streamWindow: Int { 65_535 }

        /// Who serves `stream`; nil for a stream that is not open (or not yet).
        func owner(of stream: HTTP2StreamID) -> Owner? {
            if self.streams[stream] != nil { return .fastPath }
            return self.forwardedStreams.contains(stream) ? .multiplexer : nil
        }

        var isEmpty: Bool { self.streams.isEmpty && self.forwardedStreams.isEmpty }

        /// The fast path passed the stream that `stream`'s head opened on to the multiplexer.
        mutating func forwarded(_ stream: HTTP2StreamID) {
            self.forwardedStreams.insert(stream)
        }

        /// The fast path claimed the request whose head opened `stream`.
        mutating func claimed(
            _ stream: HTTP2StreamID, head: HTTPRequest, claim: Claim, limit: Int, endStream: Bool
        ) -> Action {
            if endStream {
                self.streams[stream] = .calling(nil)
                return .call(head, claim, body: ByteBuffer())
            }
            self.streams[stream] = .collecting(head, claim, body: ByteBuffer(), limit: limit, window: Self.streamWindow)
            return .none
        }

        /// A part of a claimed stream's body arrived (nil for trailers, which end the request and are ignored);
        /// `flowControlledBytes` is what it took of the stream's window (the data and any padding).
        mutating func received(
            _ stream: HTTP2StreamID, body chunk: ByteBuffer?, flowControlledBytes: Int = 0, endStream: Bool
        ) -> Action {
            guard case .collecting(let head, let claim, var body, let limit, var window) = self.streams[stream] else {
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
            let wasDue = window <= Self.streamWindow / 2
            window -= flowControlledBytes
            if !wasDue && window <= Self.streamWindow / 2 { self.windowsDue.append(stream) }
            self.streams[stream] = .collecting(head, claim, body: body, limit: limit, window: window)
            return .none
        }

        /// The WINDOW_UPDATEs due, as stream and increment, once a read burst has been delivered: for the streams
        /// whose body is still arriving and has used half its window.
        mutating func windowUpdates() -> [(HTTP2StreamID, increment: Int)] {
            guard !self.windowsDue.isEmpty else { return [] }
            var updates: [(HTTP2StreamID, increment: Int)] = []
            for stream in self.windowsDue {
                guard case .collecting(let head, let claim, let body, let limit, let window) = self.streams[stream]
                else { continue }  // the body has ended, or was rejected
                updates.append((stream, Self.streamWindow - window))
                self.streams[stream] = .collecting(head, claim, body: body, limit: limit, window: Self.streamWindow)
            }
            self.windowsDue.removeAll(keepingCapacity: true)
            return updates
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
            self.forwardedStreams.remove(stream)
            guard case .calling(let call) = self.streams.removeValue(forKey: stream) else { return nil }
            return call
        }

        /// The connection closed: the calls still running, to cancel.
        mutating func closedAll() -> [Call] {
            defer {
                self.streams = [:]
                self.forwardedStreams = []
                self.windowsDue = []
            }
            return self.streams.values.compactMap { state in
                if case .calling(let call) = state { return call }
                return nil
            }
        }
    }
}
