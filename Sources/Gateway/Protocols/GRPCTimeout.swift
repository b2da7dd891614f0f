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

    /// Formats a duration for `grpc-timeout` in the finest unit whose amount fits in 8 digits, rounded up to it.
    public static func format(_ duration: Duration) -> String {
        let nanoseconds = max(0, duration.components.seconds) * 1_000_000_000
            + max(0, duration.components.attoseconds / 1_000_000_000)
        let units: [(divisor: Int64, suffix: String)] = [
            (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"), (3_600_000_000_000, "H"),
        ]
        for unit in units {
            let amount = (nanoseconds + unit.divisor - 1) / unit.divisor
            if amount <= 99_999_999 { return "\(amount)\(unit.suffix)" }
        }
        return "99999999H"
    }

    /// Parses the REST deadline header `X-Server-Timeout`: seconds as a decimal number (`2.5`), as Connect's
    /// vanguard accepts it. Nil for anything else, including negative or non-finite values.
    public static func parseSeconds(_ value: some StringProtocol) -> Duration? {
        guard let seconds = Double(value), seconds.isFinite, seconds >= 0, seconds <= 315_576_000_000 else { return nil }
        return .nanoseconds(Int64((seconds * 1_000_000_000).rounded(.up)))
    }
}
