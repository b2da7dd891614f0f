// Fixed-width decimal fields, read and written for the Timestamp and Duration text forms.

@inline(__always)
func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}

/// "00" "01" ... "99".
private let twoDigitTable: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """

/// Writes `value` (0...99) as two digits at `offset`.
@inline(__always)
func writeTwoDigits(_ value: Int, _ text: UnsafeMutableBufferPointer<UInt8>, _ offset: Int) {
    let table = twoDigitTable.utf8Start
    text[offset] = table[value &* 2]
    text[offset &+ 1] = table[value &* 2 &+ 1]
}

/// Writes `value` (0...999) as three digits at `offset`.
@inline(__always)
func writeThreeDigits(_ value: Int, _ text: UnsafeMutableBufferPointer<UInt8>, _ offset: Int) {
    text[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 100)
    writeTwoDigits(value % 100, text, offset &+ 1)
}

/// Writes `.fff`, `.ffffff` or `.fffffffff` (whichever shows every nonzero digit), or nothing for 0, at
/// `offset`; returns the number of bytes written.
@inline(__always)
func writeFraction(nanos: Int, _ text: UnsafeMutableBufferPointer<UInt8>, _ offset: Int) -> Int {
    guard nanos != 0 else { return 0 }
    text[offset] = UInt8(ascii: ".")
    writeThreeDigits(nanos / 1_000_000, text, offset + 1)
    if nanos % 1_000_000 == 0 { return 4 }
    writeThreeDigits(nanos / 1000 % 1000, text, offset + 4)
    if nanos % 1000 == 0 { return 7 }
    writeThreeDigits(nanos % 1000, text, offset + 7)
    return 10
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
