import Synchronization

/// What the echo service saw happen to its calls, so tests can check, for example, that a gateway passed a
/// client's cancellation or deadline on to the backend.
///
/// It records every `Sleep` call and every call of any method that ended because it was cancelled; other
/// calls are not recorded, so benchmarks do not grow it. It keeps the latest ``capacity`` events.
public final class EchoEventLog: Sendable {
    /// One thing that happened to a call.
    public struct Event: Sendable, Hashable {
        /// What happened.
        public enum Kind: Sendable, Hashable {
            /// A `Sleep` call started; `deadline` is the `grpc-timeout` budget it arrived with.
            case sleepStarted(deadline: Duration?)
            /// A `Sleep` call slept the whole time it was asked to.
            case sleepFinished
            /// A call stopped early because the RPC or its task was cancelled (client reset, deadline, shutdown).
            case cancelled
        }

        /// The method's name, e.g. "Sleep" or "Expand".
        public var method: String
        /// What happened.
        public var kind: Kind

        public init(method: String, kind: Kind) {
            self.method = method
            self.kind = kind
        }
    }

    /// How many events the log keeps.
    public static let capacity = 1000

    private struct State {
        var events: [Event] = []
        var cancellations = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The latest events, oldest first.
    public var events: [Event] { self.state.withLock { $0.events } }

    /// How many calls stopped early because they were cancelled, since the log was created.
    public var cancellations: Int { self.state.withLock { $0.cancellations } }

    /// Waits until at least `count` cancellations have been recorded. Returns whether they were.
    public func waitForCancellations(atLeast count: Int, timeout: Duration = .seconds(30)) async -> Bool {
        await Self.wait(timeout) { self.cancellations >= count }
    }

    /// Waits until a `Sleep` call has started: the moment a test may make its client go away. Returns whether
    /// one did.
    public func waitForSleepStarted(timeout: Duration = .seconds(30)) async -> Bool {
        await Self.wait(timeout) {
            self.events.contains { if case .sleepStarted = $0.kind { true } else { false } }
        }
    }

    /// Checks `condition` every 10 ms for at most `timeout` (by default a bound generous enough for a busy test
    /// run, not a measure of speed).
    private static func wait(_ timeout: Duration, until condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: timeout)
        while !condition() {
            guard clock.now < end, !Task.isCancelled else { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    func record(_ kind: Event.Kind, method: String) {
        self.state.withLock { state in
            if state.events.count >= Self.capacity {
                state.events.removeFirst(state.events.count - Self.capacity + 1)
            }
            state.events.append(Event(method: method, kind: kind))
            if kind == .cancelled {
                state.cancellations += 1
            }
        }
    }
}
