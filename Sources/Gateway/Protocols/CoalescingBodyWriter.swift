import Hummingbird
import NIOCore

/// Writes a streamed response in batches: the upstream messages that have already arrived go out together, so
/// a fast stream costs one write (and one syscall) per read burst rather than one per message, while a slow
/// stream is still written as each message arrives.
struct CoalescingBodyWriter {
    /// Pending bytes past this are written before more messages are taken, bounding the memory a fast stream holds.
    static let batchLimit = 64 * 1024

    private(set) var pending: [UInt8] = []

    mutating func append(_ bytes: [UInt8]) {
        self.pending += bytes
    }

    /// Appends in place, for encoders that write into the pending bytes.
    mutating func withPending(_ body: (inout [UInt8]) throws -> Void) rethrows {
        try body(&self.pending)
    }

    /// The call's next part: one that has already arrived while the batch has room, else (after writing the batch)
    /// the next one to arrive.
    mutating func next(from call: UpstreamCall, writer: inout any ResponseBodyWriter) async throws
        -> UpstreamCall.Event?
    {
        if self.pending.count < Self.batchLimit, let event = call.nextIfArrived() {
            return event
        }
        try await self.flush(to: &writer)
        return await call.next()
    }

    mutating func flush(to writer: inout any ResponseBodyWriter) async throws {
        guard !self.pending.isEmpty else { return }
        try await writer.write(ByteBuffer(bytes: self.pending))
        self.pending.removeAll(keepingCapacity: true)
    }

    /// Writes what is pending and ends the body.
    consuming func finish(_ writer: inout any ResponseBodyWriter) async throws {
        try await self.flush(to: &writer)
        try await writer.finish(nil)
    }
}
