/// The well-known types' special JSON forms. Their field numbers are fixed by google/protobuf/*.proto.
extension ProtobufMessagePrinter {
    mutating func printWellKnown(
        _ bytes: UnsafeRawBufferPointer,
        _ type: MessageDescriptor,
        _ wellKnownType: WellKnownType
    ) throws(TranscodingError) {
        switch wellKnownType {
        case .any:
            try self.printAny(bytes, type)
        case .timestamp:
            let (seconds, nanos) = try Self.readSecondsAndNanos(bytes)
            self.output.bytes.append(UInt8(ascii: "\""))
            guard TimestampText.format(seconds: seconds, nanos: nanos, into: &self.output.bytes) else {
                throw TranscodingError(
                    .invalidValue,
                    "Timestamp (\(seconds) s, \(nanos) ns) is outside 0001-01-01T00:00:00Z...9999-12-31T23:59:59.999999999Z"
                )
            }
            self.output.bytes.append(UInt8(ascii: "\""))
        case .duration:
            let (seconds, nanos) = try Self.readSecondsAndNanos(bytes)
            self.output.bytes.append(UInt8(ascii: "\""))
            guard DurationText.format(seconds: seconds, nanos: nanos, into: &self.output.bytes) else {
                throw TranscodingError(
                    .invalidValue,
                    "Duration (\(seconds) s, \(nanos) ns) is out of range or mixes signs"
                )
            }
            self.output.bytes.append(UInt8(ascii: "\""))
        case .fieldMask:
            try self.printFieldMask(bytes)
        case .struct:
            guard let fields = type.field(number: 1) else { throw Self.missingField(type) }
            try self.printAllMapEntries(bytes, fields)
        case .listValue:
            guard let values = type.field(number: 1) else { throw Self.missingField(type) }
            try self.printListValue(bytes, values)
        case .value:
            try self.printValue(bytes, type)
        case .doubleValue, .floatValue, .int64Value, .uint64Value, .int32Value, .uint32Value, .boolValue,
            .stringValue, .bytesValue:
            guard let valueField = type.field(number: 1) else { throw Self.missingField(type) }
            var value: WireValue =
                valueField.type.wireType == .lengthDelimited
                ? .bytes(UnsafeRawBufferPointer(start: nil, count: 0)) : .bits(0)
            var reader = ProtobufReader(bytes)
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                guard number == 1 else {
                    try reader.skip(wireType, fieldNumber: number)
                    continue
                }
                try Self.expect(wireType, valueField.type.wireType, valueField)
                value = try Self.readScalar(wireType, &reader)
            }
            try self.printScalar(value, valueField)
        case .empty, .httpBody:
            self.output.beginObject()
            try self.printFields(bytes, type)
            self.output.endObject()
        }
    }

    static func missingField(_ type: MessageDescriptor) -> TranscodingError {
        TranscodingError(.invalidDescriptorSet, "\(type.fullName) does not have the fields of the well-known type")
    }

    /// Timestamp and Duration: `seconds` (1) and `nanos` (2), last value wins.
    static func readSecondsAndNanos(_ bytes: UnsafeRawBufferPointer) throws(TranscodingError) -> (Int64, Int32) {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .varint): seconds = Int64(bitPattern: try reader.readVarint())
            case (2, .varint): nanos = Int32(truncatingIfNeeded: try reader.readVarint())
            case (1, _), (2, _):
                throw TranscodingError(
                    .malformedProtobuf,
                    "field \(number) of a Timestamp or Duration must be a varint"
                )
            default: try reader.skip(wireType, fieldNumber: number)
            }
        }
        return (seconds, nanos)
    }

    /// FieldMask: its `paths` (1) in lowerCamelCase, joined by commas, in one string.
    mutating func printFieldMask(_ bytes: UnsafeRawBufferPointer) throws(TranscodingError) {
        self.output.bytes.append(UInt8(ascii: "\""))
        var reader = ProtobufReader(bytes)
        var first = true
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard number == 1 else {
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            guard wireType == .lengthDelimited else {
                throw TranscodingError(.malformedProtobuf, "FieldMask paths must be length-delimited")
            }
            let path = try reader.readLengthDelimited()
            if !first { self.output.bytes.append(UInt8(ascii: ",")) }
            first = false
            guard FieldMaskText.appendJSONPath(path, to: &self.output.bytes) else {
                throw TranscodingError(
                    .invalidValue,
                    "FieldMask path \(quotedPrefix(path)) has no JSON form (it must be lower snake_case)"
                )
            }
        }
        self.output.bytes.append(UInt8(ascii: "\""))
    }

    /// ListValue: its `values` (1) as a JSON array.
    mutating func printListValue(_ bytes: UnsafeRawBufferPointer, _ values: FieldDescriptor) throws(TranscodingError) {
        let valueType = try values.resolvedMessageType()
        self.output.beginArray()
        var reader = ProtobufReader(bytes)
        var index = 0
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard number == 1 else {
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            try Self.expect(wireType, .lengthDelimited, values)
            self.output.beginElement()
            do throws(TranscodingError) {
                try self.printMessage(try reader.readLengthDelimited(), valueType)
            } catch {
                throw error.nested(underIndex: index)
            }
            index += 1
        }
        self.output.endArray()
    }

    /// Value: whichever member of its `kind` oneof is set last (struct and list values given several
    /// times in a row merge).
    mutating func printValue(_ bytes: UnsafeRawBufferPointer, _ type: MessageDescriptor) throws(TranscodingError) {
        var kind: Int32 = 0
        var value: WireValue = .bits(0)
        var laterParts: [UnsafeRawBufferPointer] = []
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            let expected: WireType
            switch number {
            case 1, 4: expected = .varint
            case 2: expected = .fixed64
            case 3, 5, 6: expected = .lengthDelimited
            default:
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            guard wireType == expected else {
                throw TranscodingError(
                    .malformedProtobuf,
                    "field \(number) of a Value has wire type \(wireType.rawValue)"
                )
            }
            let next = try Self.readScalar(wireType, &reader)
            if (number == 5 || number == 6) && number == kind, case .bytes(let part) = next {
                laterParts.append(part)
            } else {
                laterParts.removeAll()
                kind = number
                value = next
            }
        }
        if !laterParts.isEmpty, case .bytes(let first) = value {
            value = .bytes(self.retainConcatenation([first] + laterParts))
        }
        switch (kind, value) {
        case (1, _):
            self.output.writeNull()
        case (2, .bits(let bits)):
            let number = Double(bitPattern: bits)
            guard number.isFinite else {
                throw TranscodingError(
                    .invalidValue,
                    "a Value's number_value is \(number), which JSON cannot represent"
                )
            }
            self.output.writeDouble(number)
        case (3, .bytes(let text)):
            guard self.output.writeString(validatingUTF8: text) else {
                throw TranscodingError(.malformedProtobuf, "a Value's string_value holds invalid UTF-8")
            }
        case (4, .bits(let bits)):
            self.output.writeBool(bits != 0)
        case (5, .bytes(let contents)), (6, .bytes(let contents)):
            guard let field = type.field(number: kind) else { throw Self.missingField(type) }
            try self.printMessage(contents, try field.resolvedMessageType())
        default:
            throw TranscodingError(
                .invalidValue,
                "a google.protobuf.Value has none of its kinds set, so it has no JSON form"
            )
        }
    }

    /// Any: `{"@type": url, ...payload fields}`, or `{"@type": url, "value": <special form>}` for
    /// well-known payloads. The payload type comes from the pool.
    mutating func printAny(_ bytes: UnsafeRawBufferPointer, _ anyType: MessageDescriptor) throws(TranscodingError) {
        var url = UnsafeRawBufferPointer(start: nil, count: 0)
        var payload = UnsafeRawBufferPointer(start: nil, count: 0)
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .lengthDelimited): url = try reader.readLengthDelimited()
            case (2, .lengthDelimited): payload = try reader.readLengthDelimited()
            case (1, _), (2, _):
                throw TranscodingError(.malformedProtobuf, "field \(number) of an Any must be length-delimited")
            default: try reader.skip(wireType, fieldNumber: number)
            }
        }
        if url.count == 0 {
            guard payload.count == 0 else {
                throw TranscodingError(.invalidValue, "an Any holds a value but no type URL")
            }
            self.output.beginObject()
            self.output.endObject()
            return
        }
        guard UTF8Validation.isValid(url) else {
            throw TranscodingError(.malformedProtobuf, "an Any's type URL holds invalid UTF-8")
        }
        let urlText = String(decoding: url, as: UTF8.self)
        guard let payloadType = JSONMessageDecoder.resolveTypeURL(urlText, in: anyType) else {
            throw TranscodingError(
                .unknownType,
                "the Any type URL \"\(urlText)\" names no message type in the descriptor pool",
                fieldPath: "@type"
            )
        }
        self.output.beginObject()
        self.output.writeKey(quoted: Self.quotedTypeKey)
        self.output.writeString(validUTF8: url)
        if let wellKnownType = payloadType.wellKnownType, wellKnownType.hasSpecialJSON {
            self.output.writeKey(quoted: Self.quotedValueKey)
            do throws(TranscodingError) {
                try self.printMessage(payload, payloadType)
            } catch {
                throw error.nested(under: "value")
            }
        } else {
            try self.printFields(payload, payloadType)
        }
        self.output.endObject()
    }

    static let quotedTypeKey: [UInt8] = Array("\"@type\"".utf8)
    static let quotedValueKey: [UInt8] = Array("\"value\"".utf8)
}
