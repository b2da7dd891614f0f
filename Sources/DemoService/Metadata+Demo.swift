import GRPCCore

extension Metadata {
    /// The metadata as one string per key, as `EchoResponse.metadata` reports it: keys as received (gRPC
    /// keys are lower case), several values joined with ", ", binary values base64-encoded.
    var flattened: [String: String] {
        var result: [String: String] = [:]
        for (key, value) in self {
            let text = value.encoded()
            if let existing = result[key] {
                result[key] = existing + ", " + text
            } else {
                result[key] = text
            }
        }
        return result
    }

    /// The call's deadline budget from its `grpc-timeout` header, or `nil` when it has none or it is malformed.
    var grpcTimeout: Duration? {
        for header in self[stringValues: "grpc-timeout"] {
            return GRPCTimeout.parse(header)
        }
        return nil
    }
}

/// Parses the `grpc-timeout` header: at most 8 ASCII digits followed by one unit letter.
enum GRPCTimeout {
    static func parse(_ header: String) -> Duration? {
        let utf8 = Array(header.utf8)
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for digit in utf8.dropLast() {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            // At most 8 digits, so this cannot overflow.
            amount = amount * 10 + Int64(digit - UInt8(ascii: "0"))
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
}
