import NIOCore

/// The messages a call has received and its consumer not yet taken, first in first out. A queue of one (a unary
/// call's message, a stream whose consumer keeps up) is held without a buffer: one allocation fewer per call.
/// A taken message is not kept: a stream whose consumer stays behind holds only the messages not yet taken.
struct MessageQueue<Message> {
    /// The oldest message, when the queue held nothing as it arrived.
    private var first: Message?
    /// The messages after `first`; made when the consumer first falls behind.
    private var rest: CircularBuffer<Message>?

    var isEmpty: Bool { self.first == nil && self.rest?.isEmpty ?? true }

    mutating func append(_ message: Message) {
        if self.isEmpty {
            self.first = message
            return
        }
        if self.rest == nil { self.rest = CircularBuffer(initialCapacity: 4) }
        self.rest!.append(message)
    }

    mutating func popFirst() -> Message? {
        if let first = self.first {
            self.first = nil
            return first
        }
        return self.rest?.popFirst()
    }
}
