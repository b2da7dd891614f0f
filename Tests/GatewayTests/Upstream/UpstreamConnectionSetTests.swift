import NIOCore
import Testing

@testable import Gateway

@Suite("UpstreamConnectionSet")
struct UpstreamConnectionSetTests {
    final class FakeConnection {
        let id: Int
        init(id: Int) { self.id = id }
    }

    typealias ConnectionSet = UpstreamConnectionSet<FakeConnection>

    /// Makes fake connections with increasing ids.
    final class Factory {
        var made = 0
        func make() -> FakeConnection {
            self.made += 1
            return FakeConnection(id: self.made)
        }
    }

    static let now = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let backoff = UpstreamPool.Backoff(
        initial: .milliseconds(100),
        maximum: .seconds(1),
        multiplier: 2,
        jitter: 0
    )

    /// The id of the connection a reservation used, negated for a new one; `nil` when backing off.
    static func reserve(_ set: inout ConnectionSet, _ factory: Factory, now: NIODeadline = now) -> Int? {
        switch set.reserveStream(now: now, makeConnection: factory.make) {
        case .existing(let connection): connection.id
        case .new(let connection): -connection.id
        case .backingOff: nil
        }
    }

    @Test("the first call opens a connection; later calls join it while it has room")
    func joinsWhileRoom() {
        var set = ConnectionSet(maximumConnections: 3, assumedMaximumStreams: 2)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        #expect(Self.reserve(&set, factory) == 1)
        // Full (2 streams assumed while connecting): open a second.
        #expect(Self.reserve(&set, factory) == -2)
        #expect(set.entries.map(\.openStreams) == [2, 1])
    }

    @Test("the peer's SETTINGS_MAX_CONCURRENT_STREAMS replaces the assumed limit")
    func settingsLimit() throws {
        var set = ConnectionSet(maximumConnections: 4, assumedMaximumStreams: 100)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        let first = try #require(set.entries.first?.connection)
        set.connectionReady(first)
        set.maximumStreamsChanged(on: first, to: 3)
        #expect(Self.reserve(&set, factory) == 1)
        #expect(Self.reserve(&set, factory) == 1)
        #expect(Self.reserve(&set, factory) == -2)
    }

    @Test("at the connection limit, calls queue on the least-loaded connection")
    func queuesAtLimit() throws {
        var set = ConnectionSet(maximumConnections: 2, assumedMaximumStreams: 1)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        #expect(Self.reserve(&set, factory) == -2)
        #expect(Self.reserve(&set, factory) == 1)
        #expect(Self.reserve(&set, factory) == 2)
        let first = try #require(set.entries.first?.connection)
        set.releaseStreams(on: first, count: 2)
        // The first is back to zero streams, below its limit of one.
        #expect(Self.reserve(&set, factory) == 1)
        #expect(factory.made == 2)
    }

    @Test("released streams free room; the least-loaded connection with room is chosen")
    func leastLoaded() throws {
        var set = ConnectionSet(maximumConnections: 2, assumedMaximumStreams: 3)
        let factory = Factory()
        for _ in 0..<4 { _ = Self.reserve(&set, factory) }
        #expect(set.entries.map(\.openStreams) == [3, 1])
        let first = try #require(set.entries.first?.connection)
        set.releaseStreams(on: first, count: 3)
        #expect(Self.reserve(&set, factory) == 1)
    }

    @Test("a failed connect backs off: calls fail fast until the delay passes, then one reconnect is tried")
    func backoff() throws {
        var set = ConnectionSet(maximumConnections: 2, assumedMaximumStreams: 10)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        let first = try #require(set.entries.first?.connection)
        set.connectFailed(first, error: "refused", now: Self.now, backoff: Self.backoff, random: 0.5)
        #expect(set.entries.isEmpty)

        switch set.reserveStream(now: Self.now + .milliseconds(50), makeConnection: factory.make) {
        case .backingOff(let lastError, let retryAt):
            #expect(lastError == "refused")
            #expect(retryAt == Self.now + .milliseconds(100))
        default:
            Issue.record("expected to back off")
        }

        // After the delay, one new connection; calls join it while it connects.
        #expect(Self.reserve(&set, factory, now: Self.now + .milliseconds(100)) == -2)
        #expect(Self.reserve(&set, factory, now: Self.now + .milliseconds(100)) == 2)

        // A second failure doubles the delay; success resets it.
        let second = try #require(set.entries.first?.connection)
        set.connectFailed(second, error: "refused", now: Self.now, backoff: Self.backoff, random: 0.5)
        #expect(set.consecutiveFailures == 2)
        #expect(Self.reserve(&set, factory, now: Self.now + .milliseconds(150)) == nil)
        #expect(Self.reserve(&set, factory, now: Self.now + .milliseconds(200)) == -3)
        let third = try #require(set.entries.first?.connection)
        set.connectionReady(third)
        #expect(set.consecutiveFailures == 0)
    }

    @Test("while backing off, an open connection still takes calls")
    func backoffWithOpenConnection() throws {
        var set = ConnectionSet(maximumConnections: 2, assumedMaximumStreams: 1)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        #expect(Self.reserve(&set, factory) == -2)
        let second = try #require(set.entries.last?.connection)
        set.connectFailed(second, error: "refused", now: Self.now, backoff: Self.backoff, random: 0.5)
        // The first is full (1 stream) but may not grow the set: the call queues on it.
        #expect(Self.reserve(&set, factory) == 1)
    }

    @Test("a connection going away takes no new calls and does not count towards the limit")
    func goingAway() throws {
        var set = ConnectionSet(maximumConnections: 1, assumedMaximumStreams: 10)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        let first = try #require(set.entries.first?.connection)
        set.connectionGoingAway(first)
        #expect(Self.reserve(&set, factory) == -2)
        set.remove(first)
        #expect(set.entries.map(\.connection.id) == [2])
    }

    @Test("an idle connection is removed only when no call is counted on it")
    func removeIfIdle() throws {
        var set = ConnectionSet(maximumConnections: 1, assumedMaximumStreams: 10)
        let factory = Factory()
        #expect(Self.reserve(&set, factory) == -1)
        let first = try #require(set.entries.first?.connection)
        let busy = set.removeIfIdle(first)
        #expect(!busy)
        set.releaseStreams(on: first, count: 1)
        let idle = set.removeIfIdle(first)
        #expect(idle)
        #expect(set.entries.isEmpty)
        let alreadyRemoved = set.removeIfIdle(first)
        #expect(alreadyRemoved)
    }
}
