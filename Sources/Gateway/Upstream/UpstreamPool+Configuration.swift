extension UpstreamPool {
    /// How the pool connects to upstreams and what it accepts from them.
    public struct Configuration: Sendable, Hashable {
        /// How long a TCP connect may take before the calls waiting for it fail with `UNAVAILABLE`. Default 5 s.
        public var connectTimeout: Duration
        /// The most HTTP/2 connections kept to one target. A new connection opens only when every open one has
        /// as many streams as its peer allows (`SETTINGS_MAX_CONCURRENT_STREAMS`); past this limit, streams queue
        /// in the least-loaded connection until one finishes. Default 4.
        public var maximumConnectionsPerTarget: Int
        /// The largest response message accepted, in bytes; larger ones end the call with `RESOURCE_EXHAUSTED`
        /// before they are buffered. Default 4 MiB (the gRPC default).
        public var maximumReceiveMessageSize: Int
        /// The delay before reconnecting after a failed connect. While it runs, calls to that target (with no
        /// other usable connection) fail at once with `UNAVAILABLE`. Default ``Backoff/defaults``.
        public var backoff: Backoff
        /// A connection with no calls for this long is closed; `nil` keeps idle connections open. Default 5 min.
        public var idleTimeout: Duration?
        /// HTTP/2 PINGs that detect dead connections; `nil` (the default) sends none.
        public var keepalive: Keepalive?
        /// HTTP/2 flow control and framing. Default ``HTTP2/defaults``.
        public var http2: HTTP2
        /// Plaintext (h2c with prior knowledge) is the only option today; TLS is a later addition here.
        public var transportSecurity: TransportSecurity

        public init(
            connectTimeout: Duration,
            maximumConnectionsPerTarget: Int,
            maximumReceiveMessageSize: Int,
            backoff: Backoff,
            idleTimeout: Duration?,
            keepalive: Keepalive?,
            http2: HTTP2,
            transportSecurity: TransportSecurity
        ) {
            self.connectTimeout = connectTimeout
            self.maximumConnectionsPerTarget = maximumConnectionsPerTarget
            self.maximumReceiveMessageSize = maximumReceiveMessageSize
            self.backoff = backoff
            self.idleTimeout = idleTimeout
            self.keepalive = keepalive
            self.http2 = http2
            self.transportSecurity = transportSecurity
        }

        /// The defaults documented on each property.
        public static var defaults: Self {
            Self(
                connectTimeout: .seconds(5),
                maximumConnectionsPerTarget: 4,
                maximumReceiveMessageSize: 4 * 1024 * 1024,
                backoff: .defaults,
                idleTimeout: .seconds(300),
                keepalive: nil,
                http2: .defaults,
                transportSecurity: .plaintext
            )
        }

        /// The defaults, changed by `configure`.
        public static func defaults(configure: (inout Self) -> Void) -> Self {
            var configuration = Self.defaults
            configure(&configuration)
            return configuration
        }
    }

    /// Exponential backoff with jitter between connect attempts to a target.
    public struct Backoff: Sendable, Hashable {
        /// The delay after the first failure. Default 100 ms.
        public var initial: Duration
        /// The longest delay. Default 10 s.
        public var maximum: Duration
        /// Each further failure multiplies the delay by this. Default 1.6.
        public var multiplier: Double
        /// The delay is randomly spread by ± this fraction so that gateways do not reconnect in lockstep.
        /// Default 0.2.
        public var jitter: Double

        public init(initial: Duration, maximum: Duration, multiplier: Double, jitter: Double) {
            self.initial = initial
            self.maximum = maximum
            self.multiplier = multiplier
            self.jitter = jitter
        }

        public static var defaults: Self {
            Self(initial: .milliseconds(100), maximum: .seconds(10), multiplier: 1.6, jitter: 0.2)
        }

        /// The delay after `failures` consecutive failed connects (1 for the first), given a uniform random
        /// value in `0...1` for the jitter.
        func delay(afterFailures failures: Int, random: Double) -> Duration {
            let initial = Self.seconds(self.initial)
            let maximum = max(Self.seconds(self.maximum), 0)
            var delay = initial
            var step = 1
            while step < failures, delay < maximum {
                delay *= max(self.multiplier, 1)
                step += 1
            }
            delay = min(max(delay, 0), maximum)
            let jitter = min(max(self.jitter, 0), 1)
            delay *= 1 + jitter * (2 * min(max(random, 0), 1) - 1)
            return .nanoseconds(Int64((delay * 1e9).rounded()))
        }

        private static func seconds(_ duration: Duration) -> Double {
            let (seconds, attoseconds) = duration.components
            return Double(seconds) + Double(attoseconds) / 1e18
        }
    }

    /// HTTP/2 keepalive: a PING every `interval`; no acknowledgement within `timeout` closes the connection and
    /// fails its calls with `UNAVAILABLE`.
    public struct Keepalive: Sendable, Hashable {
        /// Time between PINGs. Servers reject PINGs that come too often (gRPC servers default to at most one
        /// every 5 minutes without calls), so keep this in minutes unless the upstream allows more.
        public var interval: Duration
        /// How long to wait for the PING acknowledgement.
        public var timeout: Duration
        /// Whether to PING connections with no calls in flight.
        public var permitWithoutCalls: Bool

        public init(interval: Duration, timeout: Duration, permitWithoutCalls: Bool = false) {
            self.interval = interval
            self.timeout = timeout
            self.permitWithoutCalls = permitWithoutCalls
        }
    }

    /// HTTP/2 settings of upstream connections.
    public struct HTTP2: Sendable, Hashable {
        /// The receive window of each stream: the most bytes the upstream may send on a stream before the
        /// client reads them. A streaming call whose reader falls more than this behind stops receiving until it
        /// catches up. Default 1 MiB.
        public var targetStreamWindowSize: Int
        /// The receive window shared by all streams of a connection. Default 8 MiB.
        public var targetConnectionWindowSize: Int
        /// The largest DATA frame the upstream may send. Default 64 KiB.
        public var maximumFrameSize: Int
        /// Streams per connection assumed until the upstream's SETTINGS arrive. Default 100.
        public var assumedMaximumConcurrentStreams: Int

        public init(
            targetStreamWindowSize: Int,
            targetConnectionWindowSize: Int,
            maximumFrameSize: Int,
            assumedMaximumConcurrentStreams: Int
        ) {
            self.targetStreamWindowSize = targetStreamWindowSize
            self.targetConnectionWindowSize = targetConnectionWindowSize
            self.maximumFrameSize = maximumFrameSize
            self.assumedMaximumConcurrentStreams = assumedMaximumConcurrentStreams
        }

        public static var defaults: Self {
            Self(
                targetStreamWindowSize: 1024 * 1024,
                targetConnectionWindowSize: 8 * 1024 * 1024,
                maximumFrameSize: 64 * 1024,
                assumedMaximumConcurrentStreams: 100
            )
        }
    }

    /// How connections are secured. Only ``plaintext`` exists today; TLS will be another static member.
    public struct TransportSecurity: Sendable, Hashable {
        private enum Kind: Hashable, Sendable {
            case plaintext
        }

        private let kind: Kind

        /// Cleartext HTTP/2 with prior knowledge (h2c), `:scheme http`.
        public static let plaintext = TransportSecurity(kind: .plaintext)

        /// The `:scheme` of requests.
        var scheme: String {
            switch self.kind {
            case .plaintext: "http"
            }
        }
    }
}
