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
        let secondOfDay = Int(seconds - days * 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        // "YYYY-MM-DDTHH:MM:SS" + ".fffffffff" + "Z", built in place and appended once.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { text in
            let year = Int(year)
            writeTwoDigits(year / 100, text, 0)
            writeTwoDigits(year % 100, text, 2)
            text[4] = UInt8(ascii: "-")
            writeTwoDigits(Int(month), text, 5)
            text[7] = UInt8(ascii: "-")
            writeTwoDigits(Int(day), text, 8)
            text[10] = UInt8(ascii: "T")
            writeTwoDigits(secondOfDay / 3600, text, 11)
            text[13] = UInt8(ascii: ":")
            writeTwoDigits(secondOfDay / 60 % 60, text, 14)
            text[16] = UInt8(ascii: ":")
            writeTwoDigits(secondOfDay % 60, text, 17)
            var count = 19 + writeFraction(nanos: Int(nanos), text, 19)
            text[count] = UInt8(ascii: "Z")
            count += 1
            output.append(contentsOf: UnsafeBufferPointer(rebasing: text[0..<count]))
        }
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
