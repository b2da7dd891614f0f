public import NIOCore
public import NIOHPACK

/// A call in progress: read its response parts in order with ``next()`` (or `for await`).
///
/// The parts come in this order: ``Event/initialMetadata(_:)`` (absent for a trailers-only response and for
/// local failures), zero or more ``Event/message(_:)``, then exactly one ``Event/status(_:)``; after that
/// `next()` returns `nil`. Failures are statuses, never thrown errors.
///
/// One task reads a call at a time. Cancelling the reading task, calling ``cancel()``, or releasing the last
/// reference before the status resets the HTTP/2 stream (RST_STREAM CANCEL), so the upstream sees cancellation.
public final class UpstreamCall: Sendable {
    /// A response part.
    public enum Event: Sendable {
        /// The response headers as received, e.g. `content-type` and custom metadata. The `:status` pseudo-header
        /// is still in them: forward them through ``MetadataPolicy/returnsMetadata(_:)``, which skips it.
        case initialMetadata(HPACKHeaders)
        /// One message payload, without its 5-byte gRPC prefix; usually a slice of the received bytes.
        case message(ByteBuffer)
        /// How the call ended. Always the last part.
        case status(UpstreamStatus)
    }

    let stream: UpstreamStream

    init(stream: UpstreamStream) {
        self.stream = stream
    }

    deinit {
        if !self.stream.hasStatus {
            self.stream.cancel()
        }
    }

    /// The next response part, or `nil` once the status has been returned.
    ///
    /// If the calling task is cancelled while waiting, the call ends with `CANCELLED` (returned as the status).
    nonisolated(nonsending) public func next() async -> Event? {
        await self.stream.nextEvent()
    }

    /// The next response part if it has already arrived; nil when none has yet (or after the status). It never
    /// waits: use it to gather the parts of one read burst before writing them out together.
    public func nextIfArrived() -> Event? {
        self.stream.takeArrivedEvent()
    }

    /// Ends the call now with `CANCELLED` and resets the stream; no-op once the status has arrived.
    public func cancel() {
        self.stream.cancel()
    }
}

extension UpstreamCall: AsyncSequence {
    public typealias Element = Event
    public typealias Failure = Never

    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = Event
        public typealias Failure = Never

        let call: UpstreamCall

        public mutating func next() async -> Event? {
            await self.call.next()
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async -> Event? {
            await self.call.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(call: self)
    }
}

/// A unary call started with a completion handler (``UpstreamPool/unary(_:completion:)``).
public struct UpstreamUnaryCall: Sendable {
    let stream: UpstreamStream

    /// Ends the call now with `CANCELLED` (the completion handler gets that status) and resets the stream;
    /// no-op once the response is complete.
    public func cancel() {
        self.stream.cancel()
    }
}
