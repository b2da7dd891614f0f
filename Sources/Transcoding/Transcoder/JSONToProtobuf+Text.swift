extension JSONToProtobuf {
    /// Writes one value of `field`, tag included, from its text form as URL query parameters and path
    /// variables carry it:
    /// - numbers in JSON number syntax (64-bit integers included; `1e3` is an integer), and `NaN`,
    ///   `Infinity`, `-Infinity` for floating point;
    /// - `true` / `false`; enum values by name or number; strings as they are;
    /// - bytes in standard or URL-safe base64, with or without padding;
    /// - wrapper types as their bare value, Timestamp in RFC 3339, Duration as `1.5s`, FieldMask as
    ///   comma-separated paths (lowerCamelCase or snake_case).
    ///
    /// For a repeated field, call once per value. Errors carry the field's JSON name as `fieldPath`;
    /// callers binding a nested path put their own path in front.
    public func encodeText(
        _ text: Substring,
        of field: FieldDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        var text = text
        let result = text.withUTF8 { utf8 -> Result<Void, TranscodingError> in
            do throws(TranscodingError) {
                try TextValueEncoder(ignoreUnknownEnumNames: self.options.ignoreUnknownFields)
                    .write(UnsafeRawBufferPointer(utf8), of: field, into: &writer)
                return .success(())
            } catch {
                return .failure(error.nested(under: field.jsonName))
            }
        }
        try result.get()
    }

    /// Writes one value of `field` from its text form; see `encodeText(_:of:into:)` for `Substring`.
    public func encodeText(
        _ text: String,
        of field: FieldDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        try self.encodeText(Substring(text), of: field, into: &writer)
    }
}

/// Converts the text form of one value (query parameter, path variable) to protobuf.
struct TextValueEncoder {
    let ignoreUnknownEnumNames: Bool

    func write(
        _ text: UnsafeRawBufferPointer,
        of field: FieldDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        guard field.type == .message || field.type == .group else {
            try self.writeScalar(text, of: field, into: &writer)
            return
        }
        let type = try field.resolvedMessageType()
        let unsupported = TranscodingError(
            .invalidValue,
            "a \(type.fullName) cannot be given as text; only scalars, enums, wrappers, Timestamp, Duration and FieldMask can"
        )
        guard let wellKnownType = type.wellKnownType, field.type == .message else { throw unsupported }
        var contents = ProtobufWriter()
        switch wellKnownType {
        case .timestamp:
            let (seconds, nanos) = try TimestampText.parse(text).get()
            contents.writeSecondsAndNanos(seconds, nanos)
        case .duration:
            let (seconds, nanos) = try DurationText.parse(text).get()
            contents.writeSecondsAndNanos(seconds, nanos)
        case .fieldMask:
            let failure = FieldMaskText.forEachPath(text, acceptSnakeCase: true) { path in
                contents.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
                contents.writeLengthDelimited(path)
            }
            if let failure { throw failure }
        case _ where wellKnownType.isWrapper:
            guard let valueField = type.field(number: 1) else {
                throw TranscodingError(.invalidDescriptorSet, "\(type.fullName) has no field 1")
            }
            try self.writeScalar(text, of: valueField, into: &contents)
        default:
            throw unsupported
        }
        writer.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
        writer.writeLengthDelimited(contents.bytes)
    }

    func writeScalar(
        _ text: UnsafeRawBufferPointer,
        of field: FieldDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        // Made only when thrown: the message is built by interpolation, and this runs for every bound value.
        func invalid() -> TranscodingError {
            TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid \(field.typeDescription)")
        }
        switch field.type {
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            let is32 = field.type == .int32 || field.type == .sint32 || field.type == .sfixed32
            let value = try Self.signed(
                text,
                field,
                min: is32 ? Int64(Int32.min) : .min,
                max: is32 ? Int64(Int32.max) : .max
            )
            writer.writeTag(fieldNumber: field.number, wireType: field.type.wireType)
            writer.writeSigned(value, as: field.type)
        case .uint32, .fixed32, .uint64, .fixed64:
            let is32 = field.type == .uint32 || field.type == .fixed32
            let value = try Self.unsigned(text, field, max: is32 ? UInt64(UInt32.max) : .max)
            writer.writeTag(fieldNumber: field.number, wireType: field.type.wireType)
            writer.writeUnsigned(value, as: field.type)
        case .double:
            guard let value = specialFloatingPoint(text) ?? DecimalNumber(parsing: text)?.double(text: text),
                value.isFinite || specialFloatingPoint(text) != nil
            else { throw invalid() }
            writer.writeTag(fieldNumber: field.number, wireType: .fixed64)
            writer.writeFixed64(value.bitPattern)
        case .float:
            guard
                let value = specialFloatingPoint(text).map(Float.init)
                    ?? DecimalNumber(parsing: text)?.float(text: text),
                value.isFinite || specialFloatingPoint(text) != nil
            else { throw invalid() }
            writer.writeTag(fieldNumber: field.number, wireType: .fixed32)
            writer.writeFixed32(value.bitPattern)
        case .bool:
            let value: Bool
            if text.elementsEqual("true".utf8) {
                value = true
            } else if text.elementsEqual("false".utf8) {
                value = false
            } else {
                throw invalid()
            }
            writer.writeTag(fieldNumber: field.number, wireType: .varint)
            writer.writeVarint(value ? 1 : 0)
        case .string:
            guard UTF8Validation.isValid(text) else { throw invalid() }
            writer.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            writer.writeLengthDelimited(text)
        case .bytes:
            guard let count = Base64.decodedCount(of: text) else { throw invalid() }
            let start = writer.count
            writer.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            writer.writeVarint(UInt64(count))
            guard Base64.decode(text, into: &writer.bytes) else {
                writer.bytes.removeSubrange(start...)
                throw invalid()
            }
        case .enum:
            guard let enumType = field.enumType else {
                throw TranscodingError(.invalidDescriptorSet, "field \(field.name) has no linked enum type")
            }
            let number: Int32
            if let named = enumType.number(namedUTF8: text) {
                number = named
            } else if let numeric = DecimalNumber(parsing: text), let value = try? numeric.int64(),
                let value32 = Int32(exactly: value)
            {
                guard !enumType.isClosed || enumType.name(of: value32) != nil else {
                    throw TranscodingError(
                        .invalidValue,
                        "\(value32) is not a value of closed enum \(enumType.fullName)"
                    )
                }
                number = value32
            } else {
                if self.ignoreUnknownEnumNames { return }
                throw TranscodingError(
                    .invalidValue,
                    "\(quotedPrefix(text)) is not a value of enum \(enumType.fullName)"
                )
            }
            writer.writeTag(fieldNumber: field.number, wireType: .varint)
            writer.writeVarint(UInt64(bitPattern: Int64(number)))
        case .message, .group:
            throw TranscodingError(.invalidDescriptorSet, "field \(field.name) is not a scalar")
        }
    }

    static func signed(
        _ text: UnsafeRawBufferPointer,
        _ field: FieldDescriptor,
        min: Int64,
        max: Int64
    ) throws(TranscodingError) -> Int64 {
        guard let number = DecimalNumber(parsing: text) else {
            throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid \(field.typeDescription)")
        }
        do throws(DecimalNumber.IntegerProblem) {
            let value = try number.int64()
            guard value >= min && value <= max else { throw .outOfRange }
            return value
        } catch {
            throw JSONMessageDecoder.integerError(error, text, field)
        }
    }

    static func unsigned(
        _ text: UnsafeRawBufferPointer,
        _ field: FieldDescriptor,
        max: UInt64
    ) throws(TranscodingError) -> UInt64 {
        guard let number = DecimalNumber(parsing: text) else {
            throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is not a valid \(field.typeDescription)")
        }
        do throws(DecimalNumber.IntegerProblem) {
            let value = try number.uint64()
            guard value <= max else { throw .outOfRange }
            return value
        } catch {
            throw JSONMessageDecoder.integerError(error, text, field)
        }
    }
}

extension ProtobufWriter {
    /// Timestamp and Duration contents: `seconds` (1) and `nanos` (2), each left out when zero.
    mutating func writeSecondsAndNanos(_ seconds: Int64, _ nanos: Int32) {
        if seconds != 0 {
            self.writeTag(fieldNumber: 1, wireType: .varint)
            self.writeVarint(UInt64(bitPattern: seconds))
        }
        if nanos != 0 {
            self.writeTag(fieldNumber: 2, wireType: .varint)
            self.writeVarint(UInt64(bitPattern: Int64(nanos)))
        }
    }
}
