/// The text form of `google.protobuf.Duration`: seconds with up to nine fractional digits and an `s`
/// (`"1.000340012s"`, `"-0.5s"`), within ±315,576,000,000 seconds (about 10,000 years).
enum DurationText {
    static let maxSeconds: Int64 = 315_576_000_000

    /// The seconds and nanoseconds `text` stands for (both negative for a negative duration).
    static func parse(_ text: UnsafeRawBufferPointer) -> Result<(seconds: Int64, nanos: Int32), TranscodingError> {
        func invalid(_ why: String) -> Result<(seconds: Int64, nanos: Int32), TranscodingError> {
            .failure(TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid Duration: \(why)"))
        }
        var reader = DigitReader(text)
        let isNegative = reader.skip("-")
        guard let (seconds, _) = reader.someDigits() else {
            return invalid("expected seconds with an \"s\" suffix, such as \"1.5s\"")
        }
        var nanos: Int64 = 0
        if reader.skip(".") {
            guard let (fraction, count) = reader.fraction(), count <= 9 else {
                return invalid("expected 1 to 9 fractional digits")
            }
            nanos = fraction
        }
        guard reader.skip("s"), reader.isAtEnd else {
            return invalid("expected seconds with an \"s\" suffix, such as \"1.5s\"")
        }
        guard seconds <= maxSeconds else { return invalid("more than \(maxSeconds) seconds") }
        return .success(isNegative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos)))
    }

    /// Appends the text form; false when the value is out of range or its seconds and nanos have
    /// different signs.
    static func format(seconds: Int64, nanos: Int32, into output: inout [UInt8]) -> Bool {
        guard seconds >= -maxSeconds && seconds <= maxSeconds, nanos > -1_000_000_000 && nanos < 1_000_000_000,
            !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0)
        else { return false }
        if seconds < 0 || nanos < 0 { output.append(UInt8(ascii: "-")) }
        var writer = JSONWriter()
        swap(&writer.bytes, &output)
        writer.writeUInt64(seconds.magnitude)
        swap(&writer.bytes, &output)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 12) { text in
            var count = writeFraction(nanos: Int(nanos.magnitude), text, 0)
            text[count] = UInt8(ascii: "s")
            count += 1
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<count]))
        }
        return true
    }
}
