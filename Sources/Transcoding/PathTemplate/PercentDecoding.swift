/// Percent-decoding of request path values, with the checks `google.api.http` needs: every escape must be `%` and two
/// hex digits, and the decoded value must be valid UTF-8. Errors are `.invalidPath` and name the offending text and its
/// byte offset in the path.
package enum PercentDecoding {
    /// The value of one hex digit; shared by every percent-decoder of the package.
    package static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }

    /// Throws for the first `%` in `path` that is not followed by two hex digits.
    static func checkEscapes(in path: UnsafeRawBufferPointer) throws(TranscodingError) {
        var index = ByteSearch.firstIndex(of: UInt8(ascii: "%"), in: path, from: 0, to: path.count)
        while index < path.count {
            try self.checkEscape(in: path, at: index, end: path.count)
            index = ByteSearch.firstIndex(of: UInt8(ascii: "%"), in: path, from: index + 3, to: path.count)
        }
    }

    /// Decodes `path[range]` into a string. A multi-segment value keeps `%2F` and `%2f` as they are (so a decoded `/`
    /// always means a separator); a single-segment value decodes them to `/`.
    static func decode(
        _ path: UnsafeRawBufferPointer,
        _ range: Range<Int>,
        keepingEscapedSlashes: Bool
    ) throws(TranscodingError) -> String {
        var failure: TranscodingError?
        let value = String(unsafeUninitializedCapacity: range.count) { output in
            var written = 0
            var index = range.lowerBound
            var sawNonASCII = false
            while index < range.upperBound {
                var byte = path[index]
                if byte == UInt8(ascii: "%") {
                    guard index + 2 < range.upperBound,
                        let high = self.hexValue(path[index + 1]),
                        let low = self.hexValue(path[index + 2])
                    else {
                        failure = self.escapeFailure(in: path, at: index, end: range.upperBound)
                        return 0
                    }
                    let decoded = high &<< 4 | low
                    if keepingEscapedSlashes && decoded == UInt8(ascii: "/") {
                        output[written] = byte
                        output[written + 1] = path[index + 1]
                        output[written + 2] = path[index + 2]
                        written += 3
                        index += 3
                        continue
                    }
                    byte = decoded
                    index += 3
                } else {
                    index += 1
                }
                sawNonASCII = sawNonASCII || byte >= 0x80
                output[written] = byte
                written += 1
            }
            if sawNonASCII,
                self.firstInvalidUTF8(UnsafeBufferPointer(rebasing: output[..<written])) != nil
            {
                failure = self.utf8Failure(in: path, range)
                return 0
            }
            return written
        }
        if let failure { throw failure }
        return value
    }

    /// The first ill-formed subsequence of `bytes` (Unicode's "maximal subpart"), or nil when all of it is UTF-8.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let continuationCount: Int
            var firstRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: continuationCount = 1
            case 0xE0: continuationCount = 2; firstRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
            case 0xED: continuationCount = 2; firstRange = 0x80...0x9F  // no UTF-16 surrogates
            case 0xF0: continuationCount = 3; firstRange = 0x90...0xBF
            case 0xF1...0xF3: continuationCount = 3
            case 0xF4: continuationCount = 3; firstRange = 0x80...0x8F  // nothing above U+10FFFF
            default: return index..<(index + 1)
            }
            var next = index + 1
            for position in 0..<continuationCount {
                let allowed = position == 0 ? firstRange : 0x80...0xBF
                guard next < bytes.count, allowed.contains(bytes[next]) else { return index..<next }
                next += 1
            }
            index = next
        }
        return nil
    }

    // MARK: Errors (slow paths)

    private static func checkEscape(
        in path: UnsafeRawBufferPointer,
        at index: Int,
        end: Int
    ) throws(TranscodingError) {
        guard index + 2 < end, self.hexValue(path[index + 1]) != nil, self.hexValue(path[index + 2]) != nil else {
            throw self.escapeFailure(in: path, at: index, end: end)
        }
    }

    @inline(never)
    private static func escapeFailure(in path: UnsafeRawBufferPointer, at index: Int, end: Int) -> TranscodingError {
        let available = min(3, end - index)
        let text = self.printable(path, index..<(index + available))
        let problem = available < 3 ? "truncated percent-escape" : "invalid percent-escape"
        return TranscodingError(
            .invalidPath,
            "\(problem) '\(text)' at offset \(index) of the path (expected '%' and two hex digits)"
        )
    }

    /// Decodes again, remembering where each byte came from, to name the text that is not UTF-8.
    @inline(never)
    private static func utf8Failure(in path: UnsafeRawBufferPointer, _ range: Range<Int>) -> TranscodingError {
        var decoded: [UInt8] = []
        var sources: [Range<Int>] = []
        var index = range.lowerBound
        while index < range.upperBound {
            if path[index] == UInt8(ascii: "%"), index + 2 < range.upperBound,
                let high = self.hexValue(path[index + 1]), let low = self.hexValue(path[index + 2])
            {
                decoded.append(high &<< 4 | low)
                sources.append(index..<(index + 3))
                index += 3
            } else {
                decoded.append(path[index])
                sources.append(index..<(index + 1))
                index += 1
            }
        }
        let invalid = decoded.withUnsafeBufferPointer { self.firstInvalidUTF8($0) } ?? 0..<decoded.count
        guard let first = sources[invalid].first, let last = sources[invalid].last else {
            return TranscodingError(.invalidPath, "path value is not valid UTF-8")
        }
        let span = first.lowerBound..<last.upperBound
        let text = self.printable(path, span)
        let kind = path[span.lowerBound] == UInt8(ascii: "%") ? "percent-escape" : "raw byte"
        return TranscodingError(
            .invalidPath,
            "\(kind) '\(text)' at offset \(span.lowerBound) of the path does not decode to valid UTF-8"
        )
    }

    /// Path bytes as text, with anything outside printable ASCII written as `\xNN`.
    private static func printable(_ path: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        var text = ""
        for byte in path[range] {
            if byte >= 0x20 && byte < 0x7F {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text.append("\\x")
                if byte < 0x10 { text.append("0") }
                text.append(String(byte, radix: 16, uppercase: true))
            }
        }
        return text
    }
}
