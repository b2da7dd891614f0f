import GRPCCore
import SwiftProtobuf

extension Google_Protobuf_Duration {
    /// The duration as a Swift `Duration`, checked to be a valid, non-negative protobuf duration no longer
    /// than `limit`; otherwise an `INVALID_ARGUMENT` error naming `field`.
    func validated(field: String, limit: Duration) throws(RPCError) -> Duration {
        // A valid protobuf duration has nanos in (-1e9, 1e9) with the same sign as seconds.
        guard self.seconds >= 0, self.nanos >= 0, self.nanos < 1_000_000_000 else {
            throw RichStatus.invalidArgument(field: field, "\(field) must be a non-negative duration")
        }
        let duration = Duration(self)
        guard duration <= limit else {
            throw RichStatus.invalidArgument(field: field, "\(field) must be at most \(limit)")
        }
        return duration
    }

    /// A protobuf duration for a non-negative Swift `Duration`, rounded to whole nanoseconds.
    init(clamping duration: Duration) {
        self.init(rounding: max(duration, .zero), rule: .towardZero)
    }
}
