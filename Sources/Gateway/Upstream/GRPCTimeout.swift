/// The `grpc-timeout` request header: a positive integer of at most 8 digits followed by a unit.
enum GRPCTimeout {
    private static let maximumValue: Int64 = 99_999_999
    private static let units: [(nanoseconds: Int64, suffix: String)] = [
        (1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"), (60_000_000_000, "M"),
        (3_600_000_000_000, "H"),
    ]

    /// Formats `timeout` with the finest unit whose value fits in 8 digits, rounding up so the upstream never
    /// sees a shorter deadline than ours. Zero and negative durations format as `1n`; beyond 99,999,999 hours
    /// the value is clamped.
    static func headerValue(for timeout: Duration) -> String {
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
                return "\(value)\(unit.suffix)"
            }
        }
        return "\(Self.maximumValue)H"
    }
}
