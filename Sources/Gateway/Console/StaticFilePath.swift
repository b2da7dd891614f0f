import Transcoding

/// Turns a request path into the relative path of a file under a served directory, refusing anything that
/// could leave it or reach a file that was not meant to be served.
///
/// The path (without its query) is split at `/` first and each segment is percent-decoded exactly once, so
/// `%2F` can never introduce a separator and `%252e` stays the literal text `%2e`. The path is refused (nil)
/// when it does not start with `/`, when a segment is empty (`//`, which would also make an absolute path),
/// starts with `.` (`.`, `..` and hidden files such as `.git`), holds a NUL, a backslash or a decoded `/`,
/// has a malformed escape, or does not decode to UTF-8. A path ending in `/` names that directory's
/// `index.html`, so `/` is `index.html`.
enum StaticFilePath {
    /// The longest request path considered; anything longer is refused before any work.
    static let maximumLength = 4096

    /// The decoded segments of `path` relative to the served directory, or nil when it is refused.
    static func segments(of path: Substring) -> [String]? {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count <= Self.maximumLength else { return nil }
        var segments: [String] = []
        var start = 1
        while true {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
            if end == bytes.count && start == end {
                // A trailing slash (or the bare `/`): the directory's index page.
                segments.append("index.html")
                return segments
            }
            guard let segment = Self.decodeSegment(bytes[start..<end]) else { return nil }
            segments.append(segment)
            if end == bytes.count { return segments }
            start = end + 1
        }
    }

    /// Percent-decodes one raw segment and checks the result; nil when the segment is refused.
    private static func decodeSegment(_ raw: ArraySlice<UInt8>) -> String? {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index < raw.endIndex {
            var byte = raw[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < raw.endIndex, let high = PercentDecoding.hexValue(raw[index + 1]),
                    let low = PercentDecoding.hexValue(raw[index + 2])
                else { return nil }
                byte = high << 4 | low
                index += 3
            } else {
                index += 1
            }
            switch byte {
            case 0, UInt8(ascii: "/"), UInt8(ascii: "\\"): return nil
            default: decoded.append(byte)
            }
        }
        guard let first = decoded.first, first != UInt8(ascii: ".") else { return nil }
        return String(validating: decoded, as: UTF8.self)
    }
}
