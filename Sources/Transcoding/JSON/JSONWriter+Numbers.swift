extension JSONWriter {
    /// Writes an integer with no quotes.
    @inline(__always)
    public mutating func writeInt64(_ value: Int64) {
        if value < 0 {
            self.bytes.append(UInt8(ascii: "-"))
            self.writeUInt64(value.magnitude)
        } else {
            self.writeUInt64(UInt64(value))
        }
    }

    /// Writes an integer with no quotes, two digits at a time.
    @inline(__always)
    public mutating func writeUInt64(_ value: UInt64) {
        if value < 10 {
            self.bytes.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        self.writeMultiDigit(value)
    }

    @inline(never)
    mutating func writeMultiDigit(_ value: UInt64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            var rest = value
            let pairs = digitPairs.utf8Start
            while rest >= 100 {
                let pair = Int(rest % 100) &* 2
                rest /= 100
                start &-= 2
                digits[start] = pairs[pair]
                digits[start &+ 1] = pairs[pair &+ 1]
            }
            if rest >= 10 {
                let pair = Int(rest) &* 2
                start &-= 2
                digits[start] = pairs[pair]
                digits[start &+ 1] = pairs[pair &+ 1]
            } else {
                start &-= 1
                digits[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest)
            }
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    /// Writes a 64-bit integer in quotes, as proto3 JSON prints `int64` and friends.
    @inline(__always)
    public mutating func writeQuotedInt64(_ value: Int64) {
        self.bytes.append(UInt8(ascii: "\""))
        self.writeInt64(value)
        self.bytes.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    public mutating func writeQuotedUInt64(_ value: UInt64) {
        self.bytes.append(UInt8(ascii: "\""))
        self.writeUInt64(value)
        self.bytes.append(UInt8(ascii: "\""))
    }

    /// Writes the shortest text that reads back as the same `Double`; NaN and infinities as the proto3
    /// JSON strings `"NaN"`, `"Infinity"` and `"-Infinity"`. Integral values print without `.0`.
    public mutating func writeDouble(_ value: Double) {
        guard value.isFinite else {
            self.writeNonFinite(isNaN: value.isNaN, isNegative: value < 0)
            return
        }
        if value == value.rounded(.towardZero) && value.magnitude < 1e15 {
            if value == 0 && value.sign == .minus {
                self.appendASCII("-0")
            } else {
                self.writeInt64(Int64(value))
            }
            return
        }
        self.writeShortest(value)
    }

    /// Writes the shortest text that reads back as the same `Float` (so `0.1` rather than the double
    /// `0.10000000149011612`), NaN and infinities as strings.
    public mutating func writeFloat(_ value: Float) {
        guard value.isFinite else {
            self.writeNonFinite(isNaN: value.isNaN, isNegative: value < 0)
            return
        }
        if value == value.rounded(.towardZero) && value.magnitude < 1e7 {
            if value == 0 && value.sign == .minus {
                self.appendASCII("-0")
            } else {
                self.writeInt64(Int64(value))
            }
            return
        }
        self.writeShortest(value)
    }

    mutating func writeNonFinite(isNaN: Bool, isNegative: Bool) {
        if isNaN {
            self.appendASCII("\"NaN\"")
        } else if isNegative {
            self.appendASCII("\"-Infinity\"")
        } else {
            self.appendASCII("\"Infinity\"")
        }
    }

    /// The standard library prints the shortest round-trip form (`0.1`, `1e-07`, `1.5e+300`); its
    /// `TextOutputStreamable` conformance hands over ASCII bytes, so no `String` is created.
    @inline(never)
    mutating func writeShortest(_ value: some BinaryFloatingPoint & TextOutputStreamable) {
        var stream = ASCIIByteStream()
        swap(&stream.bytes, &self.bytes)
        value.write(to: &stream)
        swap(&stream.bytes, &self.bytes)
        // Large integral values come out as `1000000000000000.0`; JSON needs no `.0`.
        let count = self.bytes.count
        if count >= 2 && self.bytes[count - 1] == UInt8(ascii: "0") && self.bytes[count - 2] == UInt8(ascii: ".") {
            self.bytes.removeLast(2)
        }
    }
}

/// "00" "01" ... "99", for writing integers two digits at a time.
private let digitPairs: StaticString = """
    00010203040506070809101112131415161718192021222324252627282930313233343536373839\
    40414243444546474849505152535455565758596061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899
    """

/// Receives the ASCII bytes the standard library prints numbers with.
private struct ASCIIByteStream: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) {
        self.bytes.append(contentsOf: string.utf8)
    }

    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.bytes.append(contentsOf: buffer)
    }
}
