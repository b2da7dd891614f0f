/// A number in JSON syntax (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`), decomposed as
/// `significand × 10^exponent` so that integers can be checked exactly (`1e3` and `5.0` are integers,
/// `0.5` is not) and most floating-point values converted without a library call.
struct DecimalNumber {
    var isNegative = false
    /// The leading significant digits, as many as fit in a `UInt64`.
    var significand: UInt64 = 0
    var exponent = 0
    /// Nonzero digits were dropped because the significand was full.
    var isInexact = false

    /// Why a number cannot be the integer a field asks for.
    enum IntegerProblem: Error {
        case notAnInteger
        case outOfRange
    }

    /// Parses `text`, which must be exactly one JSON number; nil if it is not.
    init?(parsing text: UnsafeRawBufferPointer) {
        let count = text.count
        var index = 0
        guard count > 0 else { return nil }
        if text[0] == UInt8(ascii: "-") {
            self.isNegative = true
            index = 1
        }
        guard index < count, isDigit(text[index]) else { return nil }
        if text[index] == UInt8(ascii: "0") {
            index += 1
            // No leading zeros: "0" may only be followed by a fraction or an exponent.
            if index < count && isDigit(text[index]) { return nil }
        } else {
            while index < count && isDigit(text[index]) {
                self.appendDigit(text[index], isFraction: false)
                index += 1
            }
        }
        if index < count && text[index] == UInt8(ascii: ".") {
            index += 1
            guard index < count, isDigit(text[index]) else { return nil }
            while index < count && isDigit(text[index]) {
                self.appendDigit(text[index], isFraction: true)
                index += 1
            }
        }
        if index < count && (text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E")) {
            index += 1
            var exponentIsNegative = false
            if index < count && (text[index] == UInt8(ascii: "+") || text[index] == UInt8(ascii: "-")) {
                exponentIsNegative = text[index] == UInt8(ascii: "-")
                index += 1
            }
            guard index < count, isDigit(text[index]) else { return nil }
            // Saturate: anything past a million is zero or out of range for every type anyway.
            var written = 0
            while index < count && isDigit(text[index]) {
                if written < 1_000_000 { written = written * 10 + Int(text[index] - UInt8(ascii: "0")) }
                index += 1
            }
            self.exponent += exponentIsNegative ? -written : written
        }
        guard index == count else { return nil }
    }

    @inline(__always)
    private mutating func appendDigit(_ character: UInt8, isFraction: Bool) {
        let digit = UInt64(character - UInt8(ascii: "0"))
        if self.significand == 0 && digit == 0 {
            // Leading zeros carry no precision (only their position, for fractions).
            if isFraction { self.exponent -= 1 }
            return
        }
        let (scaled, overflow) = self.significand.multipliedReportingOverflow(by: 10)
        let (sum, carry) = scaled.addingReportingOverflow(digit)
        if !overflow && !carry {
            self.significand = sum
            if isFraction { self.exponent -= 1 }
        } else {
            // The significand is full: keep the magnitude, note any precision lost.
            if digit != 0 { self.isInexact = true }
            if !isFraction { self.exponent += 1 }
        }
    }

    /// The magnitude as an exact integer.
    private func integerMagnitude() throws(IntegerProblem) -> UInt64 {
        var significand = self.significand
        var exponent = self.exponent
        if significand == 0 && !self.isInexact { return 0 }
        if self.isInexact { throw exponent >= 0 ? .outOfRange : .notAnInteger }
        while exponent < 0 && significand % 10 == 0 {
            significand /= 10
            exponent += 1
        }
        if exponent < 0 { throw .notAnInteger }
        while exponent > 0 {
            let (scaled, overflow) = significand.multipliedReportingOverflow(by: 10)
            if overflow { throw .outOfRange }
            significand = scaled
            exponent -= 1
        }
        return significand
    }

    func int64() throws(IntegerProblem) -> Int64 {
        let magnitude = try self.integerMagnitude()
        if self.isNegative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .outOfRange }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .outOfRange }
        return Int64(magnitude)
    }

    func uint64() throws(IntegerProblem) -> UInt64 {
        let magnitude = try self.integerMagnitude()
        if self.isNegative && magnitude != 0 { throw .outOfRange }
        return magnitude
    }

    /// Powers of ten that a `Double` holds exactly.
    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
        1e19, 1e20, 1e21, 1e22,
    ]

    /// The nearest `Double` (infinite when out of range). When the significand and the power of ten
    /// are both exact doubles, one multiplication or division rounds correctly; otherwise the
    /// standard library's correctly rounded parser reads `text`.
    func double(text: UnsafeRawBufferPointer) -> Double {
        if !self.isInexact && self.significand <= 1 << 53 && self.exponent >= -22 && self.exponent <= 22 {
            var value = Double(self.significand)
            if self.exponent >= 0 {
                value *= Self.exactPowersOfTen[self.exponent]
            } else {
                value /= Self.exactPowersOfTen[-self.exponent]
            }
            return self.isNegative ? -value : value
        }
        return Double(String(decoding: text, as: UTF8.self)) ?? .nan
    }

    private static let exactFloatPowersOfTen: [Float] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10]

    /// The nearest `Float`, rounded once from the decimal text (not via `Double`, which could round
    /// twice); infinite when out of range.
    func float(text: UnsafeRawBufferPointer) -> Float {
        if !self.isInexact && self.significand <= 1 << 24 && self.exponent >= -10 && self.exponent <= 10 {
            var value = Float(self.significand)
            if self.exponent >= 0 {
                value *= Self.exactFloatPowersOfTen[self.exponent]
            } else {
                value /= Self.exactFloatPowersOfTen[-self.exponent]
            }
            return self.isNegative ? -value : value
        }
        return Float(String(decoding: text, as: UTF8.self)) ?? .nan
    }
}

@inline(__always)
private func isDigit(_ byte: UInt8) -> Bool {
    byte &- UInt8(ascii: "0") < 10
}
