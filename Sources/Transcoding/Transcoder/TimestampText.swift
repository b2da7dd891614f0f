/// The RFC 3339 text form of `google.protobuf.Timestamp`: `1972-01-01T10:00:20.021Z`.
///
/// Parsing accepts 0 to 9 fractional digits and a `Z` or `±HH:MM` offset (upper-case `T` and `Z`
/// only, as the proto3 JSON mapping requires); printing uses UTC and 0, 3, 6 or 9 digits. Both are
/// limited to years 0001 to 9999.
enum TimestampText {
    /// 0001-01-01T00:00:00Z.
    static let minSeconds: Int64 = -62_135_596_800
    /// 9999-12-31T23:59:59Z.
    static let maxSeconds: Int64 = 253_402_300_799

    /// The seconds and nanoseconds `text` stands for, or a message saying what is wrong with it.
    static func parse(_ text: UnsafeRawBufferPointer) -> Result<(seconds: Int64, nanos: Int32), TranscodingError> {
        func invalid(_ why: String) -> Result<(seconds: Int64, nanos: Int32), TranscodingError> {
            .failure(TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid Timestamp: \(why)"))
        }
        var reader = DigitReader(text)
        guard let year = reader.digits(4), reader.skip("-"), let month = reader.digits(2), reader.skip("-"),
            let day = reader.digits(2), reader.skip("T"), let hour = reader.digits(2), reader.skip(":"),
            let minute = reader.digits(2), reader.skip(":"), let second = reader.digits(2)
        else {
            return invalid("expected the form 2017-01-15T01:30:15.01Z")
        }
        guard year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else {
            return invalid("no such date")
        }
        guard hour < 24, minute < 60, second < 60 else { return invalid("no such time of day") }
        var nanos: Int64 = 0
        if reader.skip(".") {
            guard let (fraction, count) = reader.fraction(), count <= 9 else {
                return invalid("expected 1 to 9 fractional digits")
            }
            nanos = fraction
        }
        var offsetSeconds: Int64 = 0
        if reader.skip("Z") {
            // UTC.
        } else if let sign = reader.sign() {
            guard let offsetHours = reader.digits(2), reader.skip(":"), let offsetMinutes = reader.digits(2),
                offsetHours < 24, offsetMinutes < 60
            else {
                return invalid("expected a UTC offset of the form +HH:MM")
            }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return invalid("expected Z or a UTC offset (+HH:MM) after the time")
        }
        guard reader.isAtEnd else { return invalid("unexpected text after the time zone") }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        guard seconds >= minSeconds && seconds <= maxSeconds else {
            return invalid("outside the range 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z")
        }
        return .success((seconds, Int32(nanos)))
    }

    /// Appends the text form in UTC; false when the value is outside years 0001 to 9999 or the nanos
    /// outside 0...999,999,999.
    static func format(seconds: Int64, nanos: Int32, into output: inout [UInt8]) -> Bool {
        guard seconds >= minSeconds && seconds <= maxSeconds, nanos >= 0 && nanos <= 999_999_999 else { return false }
        let days = floorDivide(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        appendDigits(year, count: 4, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(month, count: 2, to: &output)
        output.append(UInt8(ascii: "-"))
        appendDigits(day, count: 2, to: &output)
        output.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, count: 2, to: &output)
        output.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, count: 2, to: &output)
        appendFraction(nanos: Int64(nanos), to: &output)
        output.append(UInt8(ascii: "Z"))
        return true
    }

    static func isLeapYear(_ year: Int64) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (the era-based method: 400-year cycles of
    /// 146,097 days, years starting in March so the leap day comes last).
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let marchYear = month <= 2 ? year - 1 : year
        let era = floorDivide(marchYear, 400)
        let yearOfEra = marchYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The inverse of `daysSinceEpoch`.
    static func civilDate(daysSinceEpoch days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let shifted = days + 719_468
        let era = floorDivide(shifted, 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

@inline(__always)
func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}

/// Appends `value` (non-negative) zero-padded to `count` digits.
func appendDigits(_ value: Int64, count: Int, to output: inout [UInt8]) {
    var divisor: Int64 = 1
    for _ in 1..<count { divisor *= 10 }
    var rest = value
    while divisor > 0 {
        output.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
        rest %= divisor
        divisor /= 10
    }
}

/// Appends `.fff`, `.ffffff` or `.fffffffff` (whichever shows every nonzero digit), or nothing for 0.
func appendFraction(nanos: Int64, to output: inout [UInt8]) {
    guard nanos != 0 else { return }
    output.append(UInt8(ascii: "."))
    if nanos % 1_000_000 == 0 {
        appendDigits(nanos / 1_000_000, count: 3, to: &output)
    } else if nanos % 1000 == 0 {
        appendDigits(nanos / 1000, count: 6, to: &output)
    } else {
        appendDigits(nanos, count: 9, to: &output)
    }
}

/// Reads fixed-width ASCII fields for the Timestamp and Duration parsers.
struct DigitReader {
    let text: UnsafeRawBufferPointer
    var index = 0

    init(_ text: UnsafeRawBufferPointer) { self.text = text }

    var isAtEnd: Bool { self.index == self.text.count }

    /// Exactly `count` decimal digits.
    mutating func digits(_ count: Int) -> Int64? {
        guard self.index + count <= self.text.count else { return nil }
        var value: Int64 = 0
        for offset in 0..<count {
            let digit = self.text[self.index + offset] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int64(digit)
        }
        self.index += count
        return value
    }

    /// One or more digits (at most 18, so the value cannot overflow).
    mutating func someDigits() -> (value: Int64, count: Int)? {
        var value: Int64 = 0
        var count = 0
        while self.index < self.text.count, self.text[self.index] &- UInt8(ascii: "0") < 10 {
            guard count < 18 else { return nil }
            value = value * 10 + Int64(self.text[self.index] - UInt8(ascii: "0"))
            count += 1
            self.index += 1
        }
        return count > 0 ? (value, count) : nil
    }

    /// Fractional digits after the point, scaled to nanoseconds; the count is the number of digits read.
    mutating func fraction() -> (nanos: Int64, count: Int)? {
        guard let (value, count) = self.someDigits() else { return nil }
        guard count <= 9 else { return (0, count) }
        var nanos = value
        for _ in count..<9 { nanos *= 10 }
        return (nanos, count)
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard self.index < self.text.count, self.text[self.index] == UInt8(ascii: character) else { return false }
        self.index += 1
        return true
    }

    /// `+` (1) or `-` (-1).
    mutating func sign() -> Int64? {
        if self.skip("+") { return 1 }
        if self.skip("-") { return -1 }
        return nil
    }
}
