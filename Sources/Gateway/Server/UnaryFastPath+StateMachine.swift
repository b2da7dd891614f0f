import HTTPTypes
import NIOCore
import NIOHTTPTypes

extension UnaryFastPath {
    /// Where each request part of one connection (or HTTP/2 stream) goes: collected for a claimed request,
    /// held while a claimed request is answered, or passed on to Hummingbird. Pure: the handler carries out the
    /// actions. Generic over the claim so tests can use their own.
    struct StateMachine<Claim> {
        private enum State {
            case idle
            /// A claimed request's body is arriving.
            case collecting(HTTPRequest, Claim, body: ByteBuffer, limit: Int)
            /// The body was too large and has been answered; the rest of it is dropped.
            case discarding
            /// The claimed request is with the backend.
            case calling
            /// Hummingbird is answering this many requests.
            case forwarding(Int)
        }

        private var state = State.idle
        /// Parts of pipelined requests that arrived while a claimed request was with the backend.
        private var waiting: CircularBuffer<HTTPRequestPart> = []

        enum ReadAction {
            /// Nothing to do now (the part was kept, or dropped).
            case none
            /// Pass the part on to Hummingbird.
            case forward(HTTPRequestPart)
            /// The claimed request is complete: call the backend, then report ``answered()``.
            case call(HTTPRequest, Claim, body: ByteBuffer)
            /// The claimed request's body is over its limit: answer 413 now (the rest of the body is dropped).
            case rejectTooLarge(HTTPRequest, Claim)
            /// The rest of a rejected body has been dropped: report ``answered()``.
            case rejectedBodyEnded
        }

        /// A request part arrived. `claim` decides, from a request's head, whether this path answers it, and with
        /// what body limit.
        mutating func read(_ part: HTTPRequestPart, claim: (HTTPRequest) -> (Claim, limit: Int)?) -> ReadAction {
            switch self.state {
            case .idle:
                guard case .head(let head) = part else { return .forward(part) }  // the rest of a forwarded body
                guard let (claimed, limit) = claim(head) else {
                    self.state = .forwarding(1)
                    return .forward(part)
                }
                self.state = .collecting(head, claimed, body: ByteBuffer(), limit: limit)
                return .none
            case .collecting(let head, let claimed, var body, let limit):
                switch part {
                case .head:
                    preconditionFailure("a request head arrived inside a request body")
                case .body(let chunk):
                    guard body.readableBytes + chunk.readableBytes <= limit else {
                        self.state = .discarding
                        return .rejectTooLarge(head, claimed)
                    }
                    self.state = .idle  // drop the stored copy of `body` so appending does not copy it
                    if body.readableBytes == 0 {
                        body = chunk
                    } else {
                        body.writeImmutableBuffer(chunk)
                    }
                    self.state = .collecting(head, claimed, body: body, limit: limit)
                    return .none
                case .end:
                    self.state = .calling
                    return .call(head, claimed, body: body)
                }
            case .discarding:
                guard case .end = part else { return .none }
                self.state = .idle
                return .rejectedBodyEnded
            case .calling:
                self.waiting.append(part)
                return .none
            case .forwarding(let count):
                if case .head = part { self.state = .forwarding(count + 1) }
                return .forward(part)
            }
        }

        /// The claimed request has been answered (or rejected); then take ``nextWaitingPart()`` until it returns
        /// nil.
        mutating func answered() {
            if case .calling = self.state { self.state = .idle }  // (a rejected body already went back to idle)
        }

        /// A part that waited while the backend was called, once it can be read again; nil while a claimed
        /// request is with the backend, or when none waits.
        mutating func nextWaitingPart() -> HTTPRequestPart? {
            if case .calling = self.state { return nil }
            return self.waiting.popFirst()
        }

        /// Hummingbird finished a response.
        mutating func forwardedResponseEnded() {
            if case .forwarding(let count) = self.state {
                self.state = count > 1 ? .forwarding(count - 1) : .idle
            }
        }

        /// Whether a claimed request is with the backend, whose call should be cancelled if the client goes away.
        var isCalling: Bool {
            if case .calling = self.state { return true }
            return false
        }
    }
}
