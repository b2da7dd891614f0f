/// Reads JSON text (RFC 8259, strictly) token by token from borrowed UTF-8 bytes.
///
/// There is no document tree: the transcoder asks for the token it expects next and converts it
/// straight to protobuf. Strings come back as ranges of the input (`JSONString`) so that escape-free
/// text is copied once, directly into the output. Objects and arrays spend a depth budget, so hostile
/// nesting fails with `.tooDeep` instead of exhausting the stack.
///
/// Rejected, as RFC 8259 requires: trailing commas, comments, leading zeros, `+` signs, unescaped
/// control characters, invalid UTF-8 (overlong forms and surrogates included), lone `\u` surrogates,
/// and anything but whitespace after the top-level value.
struct JSONScanner {
    let input: UnsafeRawBufferPointer
    var index: Int
    /// How many more objects or arrays may be opened inside the current one.
    var depthBudget: Int

    init(_ input: UnsafeRawBufferPointer, maxDepth: Int) {
        self.input = input
        self.index = 0
        self.depthBudget = maxDepth
    }

    // MARK: Errors

    /// A `.malformedJSON` error that says where in the input the problem is.
    func malformed(_ problem: String) -> TranscodingError {
        TranscodingError(.malformedJSON, "\(problem) at offset \(self.index)")
    }

    func unexpectedByte(expected: String) -> TranscodingError {
        guard self.index < self.input.count else {
            return self.malformed("expected \(expected) but the input ended")
        }
        return self.malformed("expected \(expected) but found \(describeByte(self.input[self.index]))")
    }

    // MARK: Whitespace and single characters

    @inline(__always)
    mutating func skipWhitespace() {
        while self.index < self.input.count {
            switch self.input[self.index] {
            case 0x20, 0x0A, 0x0D, 0x09: self.index += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    @inline(__always)
    mutating func peek() throws(TranscodingError) -> UInt8 {
        self.skipWhitespace()
        guard self.index < self.input.count else { throw self.malformed("unexpected end of input") }
        return self.input[self.index]
    }

    /// Consumes `byte` if it is next after whitespace.
    @inline(__always)
    mutating func consume(_ byte: UInt8) -> Bool {
        self.skipWhitespace()
        if self.index < self.input.count && self.input[self.index] == byte {
            self.index += 1
            return true
        }
        return false
    }

    /// Succeeds when only whitespace is left.
    mutating func expectEnd() throws(TranscodingError) {
        self.skipWhitespace()
        guard self.index == self.input.count else {
            throw self.malformed("unexpected \(describeByte(self.input[self.index])) after the JSON value")
        }
    }

    // MARK: Objects and arrays

    /// Consumes `{`; returns false if the object is empty (its `}` consumed too).
    @inline(__always)
    mutating func beginObject() throws(TranscodingError) -> Bool {
        guard try self.peek() == UInt8(ascii: "{") else { throw self.unexpectedByte(expected: "an object") }
        return try self.openContainer(closing: UInt8(ascii: "}"))
    }

    /// Consumes `[`; returns false if the array is empty (its `]` consumed too).
    @inline(__always)
    mutating func beginArray() throws(TranscodingError) -> Bool {
        guard try self.peek() == UInt8(ascii: "[") else { throw self.unexpectedByte(expected: "an array") }
        return try self.openContainer(closing: UInt8(ascii: "]"))
    }

    @inline(__always)
    mutating func openContainer(closing: UInt8) throws(TranscodingError) -> Bool {
        guard self.depthBudget > 0 else {
            throw TranscodingError(.tooDeep, "JSON nesting exceeds the depth limit at offset \(self.index)")
        }
        self.index += 1
        if self.consume(closing) { return false }
        self.depthBudget -= 1
        return true
    }

    /// After an object member: consumes `,` and returns true, or consumes `}` and returns false.
    @inline(__always)
    mutating func nextMember() throws(TranscodingError) -> Bool {
        try self.nextItem(closing: UInt8(ascii: "}"), expected: "',' or '}' after an object member")
    }

    /// After an array element: consumes `,` and returns true, or consumes `]` and returns false.
    @inline(__always)
    mutating func nextElement() throws(TranscodingError) -> Bool {
        try self.nextItem(closing: UInt8(ascii: "]"), expected: "',' or ']' after an array element")
    }

    @inline(__always)
    mutating func nextItem(closing: UInt8, expected: String) throws(TranscodingError) -> Bool {
        let byte = try self.peek()
        self.index += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closing {
            self.depthBudget += 1
            return false
        }
        self.index -= 1
        throw self.unexpectedByte(expected: expected)
    }

    /// Reads an object key and the colon after it.
    @inline(__always)
    mutating func readKey() throws(TranscodingError) -> JSONString {
        guard try self.peek() == UInt8(ascii: "\"") else { throw self.unexpectedByte(expected: "a quoted object key") }
        let key = try self.readStringAtQuote()
        guard self.consume(UInt8(ascii: ":")) else { throw self.unexpectedByte(expected: "':' after an object key") }
        return key
    }

    // MARK: Literals

    /// Consumes `null` if it is the next value.
    @inline(__always)
    mutating func consumeNull() -> Bool {
        self.skipWhitespace()
        if self.index + 4 <= self.input.count
            && self.input.loadUnaligned(fromByteOffset: self.index, as: UInt32.self) == littleEndianWord("null")
        {
            self.index += 4
            return true
        }
        return false
    }

    /// Reads `true` or `false`.
    mutating func readBool() throws(TranscodingError) -> Bool {
        self.skipWhitespace()
        if self.index + 4 <= self.input.count
            && self.input.loadUnaligned(fromByteOffset: self.index, as: UInt32.self) == littleEndianWord("true")
        {
            self.index += 4
            return true
        }
        if self.index + 5 <= self.input.count
            && self.input.loadUnaligned(fromByteOffset: self.index, as: UInt32.self) == littleEndianWord("fals")
            && self.input[self.index + 4] == UInt8(ascii: "e")
        {
            self.index += 5
            return false
        }
        throw self.unexpectedByte(expected: "true or false")
    }

    // MARK: Numbers

    /// Reads the text of a number token (validated later, by whoever converts it); the next byte must
    /// be `-` or a digit.
    @inline(__always)
    mutating func readNumberText() throws(TranscodingError) -> UnsafeRawBufferPointer {
        let first = try self.peek()
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw self.unexpectedByte(expected: "a number")
        }
        let start = self.index
        self.index += 1
        while self.index < self.input.count {
            switch self.input[self.index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
                UInt8(ascii: "+"), UInt8(ascii: "-"):
                self.index += 1
            default:
                return UnsafeRawBufferPointer(rebasing: self.input[start..<self.index])
            }
        }
        return UnsafeRawBufferPointer(rebasing: self.input[start..<self.index])
    }

    // MARK: Skipping

    /// Skips one value of any kind, checking that it is well-formed.
    mutating func skipValue() throws(TranscodingError) {
        switch try self.peek() {
        case UInt8(ascii: "{"):
            guard try self.beginObject() else { return }
            repeat {
                _ = try self.readKey()
                try self.skipValue()
            } while try self.nextMember()
        case UInt8(ascii: "["):
            guard try self.beginArray() else { return }
            repeat {
                try self.skipValue()
            } while try self.nextElement()
        case UInt8(ascii: "\""):
            _ = try self.readStringAtQuote()
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try self.readBool()
        case UInt8(ascii: "n"):
            guard self.consumeNull() else { throw self.unexpectedByte(expected: "a value") }
        default:
            let start = self.index
            let text = try self.readNumberText()
            guard DecimalNumber(parsing: text) != nil else {
                self.index = start
                throw self.malformed("invalid number")
            }
        }
    }
}

/// Four ASCII characters as the `UInt32` they load as from memory.
@inline(__always)
private func littleEndianWord(_ text: StaticString) -> UInt32 {
    let bytes = text.utf8Start
    return UInt32(
        littleEndian: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
    )
}

/// A byte for an error message: printable ASCII in quotes, anything else in hex.
func describeByte(_ byte: UInt8) -> String {
    if byte >= 0x21 && byte < 0x7F {
        return "'\(Character(Unicode.Scalar(byte)))'"
    }
    let hex = String(byte, radix: 16, uppercase: true)
    return "byte 0x\(byte < 0x10 ? "0" : "")\(hex)"
}
