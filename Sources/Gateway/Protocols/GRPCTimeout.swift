/// The `grpc-timeout` header: up to 8 ASCII digits and a unit (H, M, S, m, u, n).
public enum GRPCTimeout {
    /// Parses a `grpc-timeout` value; nil when it does not follow the gRPC syntax.
    public static func parse(_ value: some StringProtocol) -> Duration? {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(amount * 3600)
        case UInt8(ascii: "M"): return .seconds(amount * 60)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    private static let maximumValue: Int64 = 99_999_999
    private static let units: [(nanoseconds: Int64, suffix: String)] = [
        (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
        (3_600_000_000_000, "H"),
    ]

    /// Formats `timeout` with the finest unit whose value fits in 8 digits, rounding up so the upstream never
    /// sees a shorter deadline than ours. Zero and negative durations format as `1n`; beyond 99,999,999 hours
    /// the value is clamped.
    public static func headerValue(for timeout: Duration) -> String {
        let (seconds, attoseconds) = timeout.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return "1n" }

        // 9e9 seconds is below Int64.max nanoseconds; anything longer is far beyond what minutes can express.
        guard seconds < 9_000_000_000 else {
            let hours = seconds / 3600 + (seconds % 3600 == 0 ? 0 : 1)
            return "\(min(hours, Self.maximumValue))H"
        }
        let nanoseconds = seconds * 1_000_000_000 + (attoseconds + 999_999_999) / 1_000_000_000

        for unit in Self.units {
            let value = nanoseconds / unit.nanoseconds + (nanoseconds % unit.nanoseconds == 0 ? 0 : 1)
            if value <= Self.maximumValue {
                return String(value) + unit.suffix  // (on every call: cheaper than interpolation)
            }
        }
        return "\(Self.maximumValue)H"
    }

    /// Parses the REST deadline header `X-Server-Timeout`: seconds as a decimal number (`2.5`), as Connect's
    /// vanguard accepts it. Nil for anything else, including negative or non-finite values.
    public static func parseSeconds(_ value: some StringProtocol) -> Duration? {
        guard let seconds = Double(value), seconds.isFinite, seconds >= 0, seconds <= 1_000_000_000 else { return nil }
        return .nanoseconds(Int64((seconds * 1_000_000_000).rounded(.up)))
    }
}
