import NIOHPACK

/// The `grpc-timeout` values the pool sent last. Most calls carry one of a few timeouts (the gateway's default
/// deadline, a method's maximum, a client's fixed setting): a value sent recently is reused rather than formatted
/// again, and it is sent HPACK-indexed, which makes it one byte per call once the backend's table holds it. A
/// value not seen recently (a client counting down its own deadline sends a new one each time) goes without
/// indexing, so that such values do not push the other request headers out of the table.
struct TimeoutHeaderCache {
    /// A `grpc-timeout` value and how HPACK should encode it.
    struct Header: Equatable {
        let value: String
        let indexing: HPACKIndexing
    }

    /// How many recent values are remembered.
    static let capacity = 4

    private var recent: [(timeout: Duration, value: String)] = []
    /// The slot the next new value replaces once all are used.
    private var oldest = 0

    init() {
        self.recent.reserveCapacity(Self.capacity)
    }

    mutating func header(for timeout: Duration) -> Header {
        if let seen = self.recent.first(where: { $0.timeout == timeout }) {
            return Header(value: seen.value, indexing: .indexable)
        }
        let value = GRPCTimeout.headerValue(for: timeout)
        if self.recent.count < Self.capacity {
            self.recent.append((timeout, value))
        } else {
            self.recent[self.oldest] = (timeout, value)
            self.oldest = (self.oldest + 1) % Self.capacity
        }
        return Header(value: value, indexing: .nonIndexable)
    }
}
