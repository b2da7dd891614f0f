import NIOCore

/// The connections to one target and the choice of connection for each new call, as a pure state machine.
///
/// It counts streams per connection (reserved when a call is assigned, released when its stream ends), knows
/// each connection's stream limit, and decides: use a connection with room, open a new one, queue on the
/// least-loaded one when at the connection limit, or fail fast while backing off after a failed connect.
/// Generic over the connection type so it can be tested without I/O.
struct UpstreamConnectionSet<Connection: AnyObject> {
    enum Phase: Hashable {
        /// TCP connect and HTTP/2 preface in progress; calls queue in the connection.
        case connecting
        case ready
        /// GOAWAY received or closing: running streams finish, no new ones.
        case goingAway
    }

    struct Entry {
        let connection: Connection
        var phase: Phase
        var openStreams: Int
        var maximumStreams: Int
    }

    enum Reservation {
        /// A stream was counted on this open (or connecting) connection.
        case existing(Connection)
        /// A stream was counted on this new connection, which the caller must now connect.
        case new(Connection)
        /// No connection, and connecting failed recently: fail the call.
        case backingOff(lastError: String, retryAt: NIODeadline)
    }

    private(set) var entries: [Entry] = []
    private(set) var consecutiveFailures = 0
    private var retryAt: NIODeadline?
    private var lastError = ""
    let maximumConnections: Int
    let assumedMaximumStreams: Int

    init(maximumConnections: Int, assumedMaximumStreams: Int) {
        self.maximumConnections = max(1, maximumConnections)
        self.assumedMaximumStreams = max(1, assumedMaximumStreams)
    }

    /// Counts one more stream on the best connection, creating one with `makeConnection` if needed.
    mutating func reserveStream(now: NIODeadline, makeConnection: () -> Connection) -> Reservation {
        var withRoom: Int?
        var leastLoaded: Int?
        var usable = 0
        for index in self.entries.indices where self.entries[index].phase != .goingAway {
            usable += 1
            let entry = self.entries[index]
            if leastLoaded.map({ entry.openStreams < self.entries[$0].openStreams }) ?? true {
                leastLoaded = index
            }
            if entry.openStreams < entry.maximumStreams,
                withRoom.map({ entry.openStreams < self.entries[$0].openStreams }) ?? true
            {
                withRoom = index
            }
        }

        if let withRoom {
            self.entries[withRoom].openStreams += 1
            return .existing(self.entries[withRoom].connection)
        }

        let isBackingOff = self.retryAt.map { now < $0 } ?? false
        if usable < self.maximumConnections, !isBackingOff {
            let connection = makeConnection()
            self.entries.append(
                Entry(
                    connection: connection,
                    phase: .connecting,
                    openStreams: 1,
                    maximumStreams: self.assumedMaximumStreams
                )
            )
            return .new(connection)
        }

        // Every connection is full and no more may open (or we are backing off): queue on the least loaded.
        guard let leastLoaded else {
            return .backingOff(lastError: self.lastError, retryAt: self.retryAt ?? now)
        }
        self.entries[leastLoaded].openStreams += 1
        return .existing(self.entries[leastLoaded].connection)
    }

    /// Streams on `connection` ended.
    mutating func releaseStreams(on connection: Connection, count: Int) {
        guard let index = self.index(of: connection) else { return }
        self.entries[index].openStreams = max(0, self.entries[index].openStreams - count)
    }

    /// The connection is up: calls may use it, and the backoff resets.
    mutating func connectionReady(_ connection: Connection) {
        guard let index = self.index(of: connection) else { return }
        if self.entries[index].phase == .connecting {
            self.entries[index].phase = .ready
        }
        self.consecutiveFailures = 0
        self.retryAt = nil
    }

    /// The peer announced its SETTINGS_MAX_CONCURRENT_STREAMS.
    mutating func maximumStreamsChanged(on connection: Connection, to maximum: Int) {
        guard let index = self.index(of: connection) else { return }
        self.entries[index].maximumStreams = max(0, maximum)
    }

    /// Connecting failed: the connection is dropped and the next attempt waits for the backoff delay.
    mutating func connectFailed(
        _ connection: Connection,
        error: String,
        now: NIODeadline,
        backoff: UpstreamPool.Backoff,
        random: Double
    ) {
        self.remove(connection)
        self.consecutiveFailures += 1
        self.lastError = error
        let delay = backoff.delay(afterFailures: self.consecutiveFailures, random: random)
        self.retryAt = now + TimeAmount(delay)
    }

    /// GOAWAY received (or the connection is closing): no new streams on it.
    mutating func connectionGoingAway(_ connection: Connection) {
        guard let index = self.index(of: connection) else { return }
        self.entries[index].phase = .goingAway
    }

    /// The connection closed.
    mutating func remove(_ connection: Connection) {
        guard let index = self.index(of: connection) else { return }
        self.entries.remove(at: index)
    }

    /// Removes the connection if it has no streams, so it can be closed without racing a new call. Returns
    /// whether it may be closed (also when it was already removed).
    mutating func removeIfIdle(_ connection: Connection) -> Bool {
        guard let index = self.index(of: connection) else { return true }
        guard self.entries[index].openStreams == 0 else { return false }
        self.entries.remove(at: index)
        return true
    }

    /// Removes every connection, for shutdown.
    mutating func removeAll() -> [Connection] {
        defer { self.entries.removeAll() }
        return self.entries.map(\.connection)
    }

    private func index(of connection: Connection) -> Int? {
        self.entries.firstIndex { $0.connection === connection }
    }
}
