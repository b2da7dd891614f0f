extension JSONMessageDecoder {
    /// Reads one scalar or enum value and writes it as `mode` says. Returns false when nothing was
    /// written: an implicit-presence default, or an unknown enum name skipped by `ignoreUnknownFields`.
    @discardableResult
    mutating func decodeScalar(_ field: FieldDescriptor, mode: ScalarMode) throws(TranscodingError) -> Bool {
        switch field.type {
        case .int32, .sint32, .sfixed32:
            let value = try self.readSignedInteger(field, min: Int64(Int32.min), max: Int64(Int32.max))
            if mode == .implicitPresence && value == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeSigned(value, as: field.type)
        case .int64, .sint64, .sfixed64:
            let value = try self.readSignedInteger(field, min: Int64.min, max: Int64.max)
            if mode == .implicitPresence && value == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeSigned(value, as: field.type)
        case .uint32, .fixed32:
            let value = try self.readUnsignedInteger(field, max: UInt64(UInt32.max))
            if mode == .implicitPresence && value == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeUnsigned(value, as: field.type)
        case .uint64, .fixed64:
            let value = try self.readUnsignedInteger(field, max: UInt64.max)
            if mode == .implicitPresence && value == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeUnsigned(value, as: field.type)
        case .bool:
            let value = try self.readBool(field)
            if mode == .implicitPresence && !value { return false }
            self.writeTag(field, mode)
            self.output.writeVarint(value ? 1 : 0)
        case .double:
            let value = try self.readDouble(field)
            if mode == .implicitPresence && value.bitPattern == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeFixed64(value.bitPattern)
        case .float:
            let value = try self.readFloat(field)
            if mode == .implicitPresence && value.bitPattern == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeFixed32(value.bitPattern)
        case .string:
            let token = try self.readStringToken(field)
            if mode == .implicitPresence && token.rawCount == 0 { return false }
            self.writeTag(field, mode)
            self.writeStringContents(token)
        case .bytes:
            let token = try self.readStringToken(field)
            if mode == .implicitPresence && token.rawCount == 0 { return false }
            self.writeTag(field, mode)
            try self.writeBase64Contents(token)
        case .enum:
            guard let number = try self.readEnum(field) else { return false }
            if mode == .implicitPresence && number == 0 { return false }
            self.writeTag(field, mode)
            self.output.writeVarint(UInt64(bitPattern: Int64(number)))
        case .message, .group:
            throw TranscodingError(.invalidDescriptorSet, "field \(field.name) is not a scalar")
        }
        return true
    }

    @inline(__always)
    mutating func writeTag(_ field: FieldDescriptor, _ mode: ScalarMode) {
        if mode != .packed {
            self.output.writeTag(fieldNumber: field.number, wireType: field.type.wireType)
        }
    }

    /// Writes a string token as a length-delimited value: escape-free text is copied in one go.
    @inline(__always)
    mutating func writeStringContents(_ token: JSONString) {
        if token.hasEscapes {
            let marker = self.output.beginLengthDelimited()
            self.scanner.appendDecoded(token, to: &self.output.bytes)
            self.output.endLengthDelimited(marker)
        } else {
            self.output.writeLengthDelimited(self.scanner.rawBytes(token))
        }
    }

    /// Decodes a base64 string token straight into the output, length prefix first.
    mutating func writeBase64Contents(_ token: JSONString) throws(TranscodingError) {
        let scanner = self.scanner
        try scanner.withValue(of: token) { (text) throws(TranscodingError) in
            guard let count = Base64.decodedCount(of: text) else { throw Self.invalidBase64(text) }
            self.output.writeVarint(UInt64(count))
            guard Base64.decode(text, into: &self.output.bytes) else { throw Self.invalidBase64(text) }
        }
    }

    static func invalidBase64(_ text: UnsafeRawBufferPointer) -> TranscodingError {
        TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not valid base64")
    }

    // MARK: Reading values

    mutating func readStringToken(_ field: FieldDescriptor) throws(TranscodingError) -> JSONString {
        guard try self.scanner.peek() == UInt8(ascii: "\"") else { throw self.wrongType(field, expected: "a string") }
        return try self.scanner.readStringAtQuote()
    }

    mutating func readBool(_ field: FieldDescriptor) throws(TranscodingError) -> Bool {
        switch try self.scanner.peek() {
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return try self.scanner.readBool()
        default: throw self.wrongType(field, expected: "true or false")
        }
    }

    /// A number, or a number in quotes (how 64-bit integers are usually sent), with its text.
    mutating func readNumber(
        _ field: FieldDescriptor
    ) throws(TranscodingError) -> (number: DecimalNumber, text: UnsafeRawBufferPointer) {
        let byte = try self.scanner.peek()
        if byte == UInt8(ascii: "\"") {
            let text = try self.readQuotedNumberText()
            guard let number = DecimalNumber(parsing: text) else {
                throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid \(field.typeDescription)")
            }
            return (number, text)
        }
        guard byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else {
            throw self.wrongType(field, expected: "a number")
        }
        let start = self.scanner.index
        let text = try self.scanner.readNumberText()
        guard let number = DecimalNumber(parsing: text) else {
            self.scanner.index = start
            throw self.scanner.malformed("invalid number \(quotedPrefix(text))")
        }
        return (number, text)
    }

    /// The text of a quoted number; escapes have no business there and are refused.
    mutating func readQuotedNumberText() throws(TranscodingError) -> UnsafeRawBufferPointer {
        let token = try self.scanner.readStringAtQuote()
        guard !token.hasEscapes else {
            throw TranscodingError(.invalidValue, "a quoted number must not contain escape sequences")
        }
        return self.scanner.rawBytes(token)
    }

    mutating func readSignedInteger(
        _ field: FieldDescriptor,
        min: Int64,
        max: Int64
    ) throws(TranscodingError) -> Int64 {
        let (number, text) = try self.readNumber(field)
        do throws(DecimalNumber.IntegerProblem) {
            let value = try number.int64()
            guard value >= min && value <= max else { throw DecimalNumber.IntegerProblem.outOfRange }
            return value
        } catch {
            throw Self.integerError(error, text, field)
        }
    }

    mutating func readUnsignedInteger(_ field: FieldDescriptor, max: UInt64) throws(TranscodingError) -> UInt64 {
        let (number, text) = try self.readNumber(field)
        do throws(DecimalNumber.IntegerProblem) {
            let value = try number.uint64()
            guard value <= max else { throw DecimalNumber.IntegerProblem.outOfRange }
            return value
        } catch {
            throw Self.integerError(error, text, field)
        }
    }

    static func integerError(
        _ problem: DecimalNumber.IntegerProblem,
        _ text: UnsafeRawBufferPointer,
        _ field: FieldDescriptor
    ) -> TranscodingError {
        switch problem {
        case .notAnInteger:
            TranscodingError(
                .invalidValue,
                "\(quotedPrefix(text)) is not an integer, as \(field.typeDescription) requires"
            )
        case .outOfRange:
            TranscodingError(.invalidValue, "\(quotedPrefix(text)) is out of range for \(field.typeDescription)")
        }
    }

    mutating func readDouble(_ field: FieldDescriptor) throws(TranscodingError) -> Double {
        if try self.scanner.peek() == UInt8(ascii: "\"") {
            let start = self.scanner.index
            let text = try self.readQuotedNumberText()
            if let special = specialFloatingPoint(text) { return special }
            self.scanner.index = start
        }
        let (number, text) = try self.readNumber(field)
        let value = number.double(text: text)
        guard value.isFinite else {
            throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is out of range for double")
        }
        return value
    }

    mutating func readFloat(_ field: FieldDescriptor) throws(TranscodingError) -> Float {
        if try self.scanner.peek() == UInt8(ascii: "\"") {
            let start = self.scanner.index
            let text = try self.readQuotedNumberText()
            if let special = specialFloatingPoint(text) { return Float(special) }
            self.scanner.index = start
        }
        let (number, text) = try self.readNumber(field)
        let value = number.float(text: text)
        guard value.isFinite else {
            throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is out of range for float")
        }
        return value
    }

    /// An enum value by name or number; nil when an unknown one is skipped (`ignoreUnknownFields`).
    mutating func readEnum(_ field: FieldDescriptor) throws(TranscodingError) -> Int32? {
        guard let enumType = field.enumType else {
            throw TranscodingError(.invalidDescriptorSet, "field \(field.name) has no linked enum type")
        }
        let byte = try self.scanner.peek()
        if byte == UInt8(ascii: "\"") {
            let token = try self.scanner.readStringAtQuote()
            let scanner = self.scanner
            if let number = scanner.withValue(of: token, { enumType.number(namedUTF8: $0) }) {
                return number
            }
            if self.ignoreUnknownFields { return nil }
            let name = scanner.stringValue(token)
            throw TranscodingError(.invalidValue, "\"\(name)\" is not a value of enum \(enumType.fullName)")
        }
        guard byte == UInt8(ascii: "-") || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) else {
            throw self.wrongType(field, expected: "an enum name or number")
        }
        let number = Int32(
            truncatingIfNeeded: try self.readSignedInteger(field, min: Int64(Int32.min), max: Int64(Int32.max))
        )
        if enumType.isClosed && enumType.name(of: number) == nil {
            // Closed (proto2) enums have no room for numbers they do not declare.
            if self.ignoreUnknownFields { return nil }
            throw TranscodingError(.invalidValue, "\(number) is not a value of closed enum \(enumType.fullName)")
        }
        return number
    }

    /// "expected a number for int32, found an object" (`.invalidValue`), or `.malformedJSON` when what
    /// comes next is not a JSON value at all.
    func wrongType(_ field: FieldDescriptor, expected: String) -> TranscodingError {
        self.wrongType(expected: expected, for: field.typeDescription)
    }

    func wrongType(expected: String, for what: String) -> TranscodingError {
        var scanner = self.scanner
        guard let byte = try? scanner.peek() else { return scanner.malformed("unexpected end of input") }
        guard isJSONValueStart(byte) else { return scanner.unexpectedByte(expected: "a JSON value") }
        return TranscodingError(
            .invalidValue,
            "expected \(expected) for \(what), found \(describeJSONValueStart(byte))"
        )
    }

    /// Throws `wrongType` unless the next value starts with `byte` (`{` or `[`).
    @inline(__always)
    mutating func expectValue(
        startingWith byte: UInt8,
        _ expected: String,
        for what: @autoclosure () -> String
    ) throws(TranscodingError) {
        guard try self.scanner.peek() == byte else { throw self.wrongType(expected: expected, for: what()) }
    }
}

/// Whether `byte` can start a JSON value.
func isJSONValueStart(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: "f"),
        UInt8(ascii: "n"),
        UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
        true
    default:
        false
    }
}

/// `NaN`, `Infinity` and `-Infinity`, the proto3 JSON spellings of the non-finite values.
func specialFloatingPoint(_ text: UnsafeRawBufferPointer) -> Double? {
    if text.elementsEqual("NaN".utf8) { return .nan }
    if text.elementsEqual("Infinity".utf8) { return .infinity }
    if text.elementsEqual("-Infinity".utf8) { return -.infinity }
    return nil
}

/// What kind of JSON value starts with `byte`, for error messages.
func describeJSONValueStart(_ byte: UInt8) -> String {
    switch byte {
    case UInt8(ascii: "{"): "an object"
    case UInt8(ascii: "["): "an array"
    case UInt8(ascii: "\""): "a string"
    case UInt8(ascii: "t"), UInt8(ascii: "f"): "a boolean"
    case UInt8(ascii: "n"): "null"
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): "a number"
    default: describeByte(byte)
    }
}

/// Input text quoted for an error message, cut to a readable length.
func quotedPrefix(_ text: UnsafeRawBufferPointer) -> String {
    let limit = 64
    let shown = String(decoding: UnsafeRawBufferPointer(rebasing: text[..<min(text.count, limit)]), as: UTF8.self)
    return "\"\(shown)\(text.count > limit ? "..." : "")\""
}
