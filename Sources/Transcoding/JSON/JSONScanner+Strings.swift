/// A string token: the range of its raw text between the quotes. Escape-free strings (the common case)
/// are used in place; `hasEscapes` says when `JSONScanner.appendDecoded` must be used instead.
struct JSONString {
    let start: Int
    let end: Int
    let hasEscapes: Bool

    var rawCount: Int { self.end - self.start }
}

extension JSONScanner {
    /// Reads a string value; the next byte must be `"`.
    @inline(__always)
    mutating func readString() throws(TranscodingError) -> JSONString {
        guard try self.peek() == UInt8(ascii: "\"") else { throw self.unexpectedByte(expected: "a string") }
        return try self.readStringAtQuote()
    }

    /// Reads a string whose opening quote is at `index`, validating UTF-8, control characters and
    /// escapes on the way, so that decoding it later cannot fail.
    @inline(__always)
    mutating func readStringAtQuote() throws(TranscodingError) -> JSONString {
        self.index += 1
        let start = self.index
        var hasEscapes = false
        let count = self.input.count
        while true {
            // Eight bytes at a time, up to the first one that needs a closer look.
            while self.index + 8 <= count {
                let mask = ByteWord.stringAttentionMask(
                    self.input.loadUnaligned(fromByteOffset: self.index, as: UInt64.self)
                )
                if mask != 0 {
                    self.index += ByteWord.bytesBefore(mask)
                    break
                }
                self.index += 8
            }
            guard self.index < count else { throw self.malformed("unterminated string") }
            let byte = self.input[self.index]
            if byte == UInt8(ascii: "\"") {
                let token = JSONString(start: start, end: self.index, hasEscapes: hasEscapes)
                self.index += 1
                return token
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try self.validateEscape()
            } else if byte < 0x20 {
                throw self.malformed("unescaped control character \(describeByte(byte)) in a string")
            } else if byte >= 0x80 {
                let length = UTF8Validation.multiByteSequenceLength(in: self.input, at: self.index)
                guard length > 0 else { throw self.malformed("invalid UTF-8 in a string") }
                self.index += length
            } else {
                self.index += 1
            }
        }
    }

    /// Checks the escape at `index` (a backslash) and moves past it.
    @inline(never)
    mutating func validateEscape() throws(TranscodingError) {
        guard self.index + 1 < self.input.count else { throw self.malformed("unterminated string") }
        switch self.input[self.index + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
            UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            self.index += 2
        case UInt8(ascii: "u"):
            guard let unit = self.hexCodeUnit(at: self.index + 2) else {
                throw self.malformed("\\u must be followed by four hex digits")
            }
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate must be followed by an escaped low surrogate.
                guard self.index + 12 <= self.input.count,
                    self.input[self.index + 6] == UInt8(ascii: "\\"),
                    self.input[self.index + 7] == UInt8(ascii: "u"),
                    let low = self.hexCodeUnit(at: self.index + 8),
                    (0xDC00...0xDFFF).contains(low)
                else {
                    throw self.malformed("unpaired UTF-16 surrogate in a \\u escape")
                }
                self.index += 12
            case 0xDC00...0xDFFF:
                throw self.malformed("unpaired UTF-16 surrogate in a \\u escape")
            default:
                self.index += 6
            }
        default:
            self.index += 1
            throw self.malformed("invalid escape \\\(describeByte(self.input[self.index]))")
        }
    }

    /// The value of four hex digits at `position`, or nil.
    @inline(__always)
    func hexCodeUnit(at position: Int) -> UInt32? {
        guard position + 4 <= self.input.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = self.input[position + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// The raw bytes of a string token (equal to its value when it has no escapes).
    @inline(__always)
    func rawBytes(_ string: JSONString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self.input[string.start..<string.end])
    }

    /// Appends the value of a string token (escapes decoded) as UTF-8.
    @inline(__always)
    func appendValue(of string: JSONString, to output: inout [UInt8]) {
        if string.hasEscapes {
            self.appendDecoded(string, to: &output)
        } else {
            output.append(contentsOf: self.rawBytes(string))
        }
    }

    /// Decodes the escapes of a token that `readStringAtQuote` validated.
    @inline(never)
    func appendDecoded(_ string: JSONString, to output: inout [UInt8]) {
        var index = string.start
        var runStart = index
        while index < string.end {
            guard self.input[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.input[runStart..<index]))
            let escaped = self.input[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = self.hexCodeUnit(at: index) ?? 0xFFFD
                index += 4
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = self.hexCodeUnit(at: index + 2) ?? 0xDC00
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                appendUTF8(scalar, to: &output)
            default:
                // `"`, `\` and `/` stand for themselves.
                output.append(escaped)
            }
            runStart = index
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: self.input[runStart..<string.end]))
    }

    /// The value of a string token as a `String` (for error messages and rare slow paths).
    func stringValue(_ string: JSONString) -> String {
        if !string.hasEscapes {
            return String(decoding: self.rawBytes(string), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        self.appendDecoded(string, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Calls `body` with the value of a string token, decoding escapes into a temporary buffer only
    /// when there are any.
    @inline(__always)
    func withValue<Result, Failure: Error>(
        of string: JSONString,
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        if !string.hasEscapes {
            return try body(self.rawBytes(string))
        }
        var bytes: [UInt8] = []
        self.appendDecoded(string, to: &bytes)
        // `Array.withUnsafeBytes` only rethrows untyped errors, so carry the typed one out in a `Result`.
        let result = bytes.withUnsafeBytes { buffer -> Swift.Result<Result, Failure> in
            do throws(Failure) {
                return .success(try body(buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// Appends the UTF-8 encoding of a Unicode scalar value (never a surrogate: the scanner rejects those).
@inline(__always)
func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
    switch scalar {
    case 0..<0x80:
        output.append(UInt8(scalar))
    case 0x80..<0x800:
        output.append(UInt8(0xC0 | scalar >> 6))
        output.append(UInt8(0x80 | scalar & 0x3F))
    case 0x800..<0x10000:
        output.append(UInt8(0xE0 | scalar >> 12))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    default:
        output.append(UInt8(0xF0 | scalar >> 18))
        output.append(UInt8(0x80 | scalar >> 12 & 0x3F))
        output.append(UInt8(0x80 | scalar >> 6 & 0x3F))
        output.append(UInt8(0x80 | scalar & 0x3F))
    }
}
