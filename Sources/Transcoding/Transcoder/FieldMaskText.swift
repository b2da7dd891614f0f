/// The JSON form of `google.protobuf.FieldMask`: paths in lowerCamelCase joined by commas
/// (`"user.displayName,photo"`), stored as snake_case (`user.display_name`, `photo`).
///
/// Only paths that survive the round trip are accepted: a JSON path must not contain `_`, and a stored
/// path must not contain upper-case letters or a `_` that is not followed by a lower-case letter.
enum FieldMaskText {
    /// Calls `body` with each path of the JSON form converted to snake_case; nil when it is not valid.
    /// With `acceptSnakeCase` (query parameters), paths already in snake_case are taken as they are.
    static func forEachPath(
        _ text: UnsafeRawBufferPointer,
        acceptSnakeCase: Bool = false,
        _ body: ([UInt8]) -> Void
    ) -> TranscodingError? {
        guard text.count > 0 else { return nil }
        var path: [UInt8] = []
        var segmentStart = 0
        for index in 0...text.count {
            guard index < text.count && text[index] != UInt8(ascii: ",") else {
                let segment = UnsafeRawBufferPointer(rebasing: text[segmentStart..<index])
                guard segment.count > 0 else {
                    return TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid FieldMask: empty path")
                }
                path.removeAll(keepingCapacity: true)
                let snake =
                    acceptSnakeCase && !segment.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") })
                for byte in segment {
                    switch byte {
                    case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                        path.append(UInt8(ascii: "_"))
                        path.append(byte + 32)
                    case UInt8(ascii: "_") where snake:
                        path.append(byte)
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                        UInt8(ascii: "."), UInt8(ascii: "("), UInt8(ascii: ")"):
                        path.append(byte)
                    default:
                        return TranscodingError(
                            .invalidValue,
                            "\(quotedPrefix(text)) is not a valid FieldMask: \(describeByte(byte)) cannot appear in a path"
                        )
                    }
                }
                body(path)
                segmentStart = index + 1
                continue
            }
        }
        return nil
    }

    /// Appends the lowerCamelCase form of a stored path; false if it has no such form.
    static func appendJSONPath(_ path: UnsafeRawBufferPointer, to output: inout [UInt8]) -> Bool {
        var index = 0
        while index < path.count {
            let byte = path[index]
            switch byte {
            case UInt8(ascii: "_"):
                guard index + 1 < path.count else { return false }
                let next = path[index + 1]
                guard next >= UInt8(ascii: "a") && next <= UInt8(ascii: "z") else { return false }
                output.append(next - 32)
                index += 2
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."),
                UInt8(ascii: "("), UInt8(ascii: ")"):
                output.append(byte)
            default:
                return false
            }
            index += 1
        }
        return true
    }
}
