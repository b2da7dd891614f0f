import NIOCore

/// The messages a call has received and its consumer not yet taken, first in first out. A queue of one (a unary
/// call's message, a stream whose consumer keeps up) is held without an array: one allocation fewer per call.
struct MessageQueue {
    /// The next message, when the queue held nothing as it arrived.
    private var first: ByteBuffer?
    /// The messages after `first`, from `restHead` on.
    private var rest: [ByteBuffer] = []
    private var restHead = 0

    var isEmpty: Bool { self.first == nil && self.restHead == self.rest.count }

    mutating func append(_ message: ByteBuffer) {
        if self.isEmpty {
            self.first = message
        } else {
            self.rest.append(message)
        }
    }

    mutating func popFirst() -> ByteBuffer? {
        if let first = self.first {
            self.first = nil
            return first
        }
        guard self.restHead < self.rest.count else { return nil }
        let message = self.rest[self.restHead]
        self.restHead += 1
        if self.restHead == self.rest.count {
            // Drained: start again at the front, keeping a small array for the next burst.
            self.rest.removeAll(keepingCapacity: self.rest.count <= 64)
            self.restHead = 0
        }
        return message
    }
}
