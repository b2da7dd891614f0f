/// The state of one JSON -> protobuf transcoding: the scanner over the JSON, the protobuf output,
/// and scratch space reused by every nested message.
///
/// Each `decode...` function reads one JSON value and appends its protobuf encoding. Functions named
/// `...Contents` write a message's fields only; their caller has written the tag and length prefix.
struct JSONMessageDecoder {
    var scanner: JSONScanner
    var output = ProtobufWriter()
    let ignoreUnknownFields: Bool
    /// `SeenBits` words for messages with more than 64 fields or oneofs, innermost last.
    var seenWords: [UInt64] = []
    /// Keys of the maps being decoded, innermost last, to reject duplicates.
    var mapKeys: [MapKeyRecord] = []
    /// Where the `@type` string of the `Any` whose payload is being decoded starts.
    var anyTypeURLStart = -1

    init(_ json: UnsafeRawBufferPointer, options: JSONDecodingOptions) {
        self.scanner = JSONScanner(json, maxDepth: options.maxDepth)
        self.ignoreUnknownFields = options.ignoreUnknownFields
    }

    // MARK: Messages

    /// Decodes the whole document as one message of `type`.
    mutating func decodeTopLevelMessage(_ type: MessageDescriptor) throws(TranscodingError) {
        try self.decodeMessageContents(type)
    }

    /// Decodes a JSON value (not `null`) as the contents of a message of `type`: an object, or the
    /// special form of a well-known type.
    @inline(__always)
    mutating func decodeMessageContents(_ type: MessageDescriptor) throws(TranscodingError) {
        if let wellKnownType = type.wellKnownType, wellKnownType != .httpBody {
            try self.decodeWellKnownContents(type, wellKnownType)
        } else {
            try self.decodeObjectContents(type, isAnyPayload: false)
        }
    }

    /// Decodes a JSON object field by field. In an `Any` payload the `@type` key is skipped.
    mutating func decodeObjectContents(_ type: MessageDescriptor, isAnyPayload: Bool) throws(TranscodingError) {
        try self.expectValue(startingWith: UInt8(ascii: "{"), "an object", for: type.fullName)
        guard try self.scanner.beginObject() else { return }
        let fields = type.fields
        var seenFields = SeenBits(count: fields.count, stack: &self.seenWords)
        var seenOneofs = SeenBits(count: type.oneofs.count, stack: &self.seenWords)
        defer { seenFields.release(&self.seenWords) }

        repeat {
            let key = try self.scanner.readKey()
            let scanner = self.scanner
            var fieldIndex: Int? =
                key.hasEscapes
                ? scanner.withValue(of: key) { type.jsonNames.fieldIndex(forKey: $0) }
                : type.jsonNames.fieldIndex(forKey: scanner.rawBytes(key))
            if fieldIndex == nil {
                fieldIndex = scanner.withValue(of: key) { type.groupFieldIndex(namedByType: $0) }
            }
            guard let fieldIndex else {
                try self.skipUnknownKey(key, in: type, isAnyPayload: isAnyPayload)
                continue
            }
            let field = fields[fieldIndex]
            guard seenFields.insert(fieldIndex, stack: &self.seenWords) else {
                throw TranscodingError(
                    .invalidValue,
                    "field \"\(field.jsonName)\" appears more than once in the object",
                    fieldPath: field.jsonName
                )
            }
            do throws(TranscodingError) {
                if self.scanner.consumeNull() {
                    // `null` is "absent", except for the types whose value it is.
                    guard field.nullIsAValue else { continue }
                    try self.claimOneof(of: field, in: type, &seenOneofs)
                    self.writeNullValue(for: field)
                    continue
                }
                try self.claimOneof(of: field, in: type, &seenOneofs)
                try self.decodeNonNullFieldValue(field)
            } catch {
                throw error.nested(under: field.jsonName)
            }
        } while try self.scanner.nextMember()
    }

    /// Records that `field`'s oneof has a value; a second member of the same oneof is an error.
    @inline(__always)
    mutating func claimOneof(
        of field: FieldDescriptor,
        in type: MessageDescriptor,
        _ seenOneofs: inout SeenBits
    ) throws(TranscodingError) {
        guard let oneofIndex = field.oneofIndex else { return }
        guard seenOneofs.insert(oneofIndex, stack: &self.seenWords) else {
            let oneof = type.oneofs[oneofIndex]
            throw TranscodingError(
                .invalidValue,
                "oneof \"\(oneof.name)\" of \(type.fullName) already has a value; only one of its fields may be set"
            )
        }
    }

    @inline(never)
    mutating func skipUnknownKey(
        _ key: JSONString,
        in type: MessageDescriptor,
        isAnyPayload: Bool
    ) throws(TranscodingError) {
        let name = self.scanner.stringValue(key)
        if isAnyPayload && name == "@type" {
            // The type URL, already read by `decodeAnyContents`; any other `@type` is a second one.
            let valueStart = self.scanner.index
            let value = try self.scanner.readString()
            guard value.start == self.anyTypeURLStart else {
                self.scanner.index = valueStart
                throw TranscodingError(.invalidValue, "\"@type\" appears more than once in an Any")
            }
            return
        }
        if isAnyPayload && name == "value" && type.wellKnownType == .empty {
            // Some encoders wrap Empty like the other well-known types: `{"@type": ..., "value": {}}`.
            guard try !self.scanner.beginObject() else {
                throw TranscodingError(.invalidValue, "the value of an Empty must be {}", fieldPath: "value")
            }
            return
        }
        guard self.ignoreUnknownFields else {
            throw TranscodingError(
                .unknownField,
                "unknown field \"\(name)\" in message \(type.fullName)",
                fieldPath: name
            )
        }
        try self.scanner.skipValue()
    }

    // MARK: Fields

    /// Decodes one field's value, `null` included, and writes it with its tag.
    mutating func decodeFieldValue(_ field: FieldDescriptor) throws(TranscodingError) {
        if self.scanner.consumeNull() {
            if field.nullIsAValue { self.writeNullValue(for: field) }
            return
        }
        try self.decodeNonNullFieldValue(field)
    }

    @inline(__always)
    mutating func decodeNonNullFieldValue(_ field: FieldDescriptor) throws(TranscodingError) {
        switch field.cardinality {
        case .repeated:
            if field.isMap {
                try self.decodeMap(field)
            } else {
                try self.decodeRepeated(field)
            }
        case .singular:
            try self.decodeSingular(field, mode: .implicitPresence)
        case .optional:
            try self.decodeSingular(field, mode: .explicitPresence)
        }
    }

    /// Decodes one value of a singular field (or one element of an unpacked repeated field).
    @inline(__always)
    mutating func decodeSingular(_ field: FieldDescriptor, mode: ScalarMode) throws(TranscodingError) {
        switch field.type {
        case .message:
            let type = try field.resolvedMessageType()
            self.output.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            try self.decodeMessageContents(type)
            self.output.endLengthDelimited(marker)
        case .group:
            let type = try field.resolvedMessageType()
            self.output.writeTag(fieldNumber: field.number, wireType: .startGroup)
            try self.decodeObjectContents(type, isAnyPayload: false)
            self.output.writeTag(fieldNumber: field.number, wireType: .endGroup)
        default:
            _ = try self.decodeScalar(field, mode: mode)
        }
    }

    /// Writes the value `null` stands for: `NullValue` (0), or a `Value` holding it.
    mutating func writeNullValue(for field: FieldDescriptor) {
        if field.type == .enum {
            // An implicit-presence field holding the default is left out.
            guard field.cardinality != .singular else { return }
            self.output.writeTag(fieldNumber: field.number, wireType: .varint)
            self.output.writeVarint(0)
        } else {
            self.output.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            // Value { null_value: NULL_VALUE }
            self.output.writeVarint(2)
            self.output.writeVarint(0x08)
            self.output.writeVarint(0)
        }
    }

    // MARK: Repeated fields

    mutating func decodeRepeated(_ field: FieldDescriptor) throws(TranscodingError) {
        try self.expectValue(startingWith: UInt8(ascii: "["), "an array", for: "repeated \(field.typeDescription)")
        guard try self.scanner.beginArray() else { return }
        var index = 0
        if field.isPacked && field.type.isPackable {
            self.output.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            repeat {
                do throws(TranscodingError) {
                    if self.scanner.consumeNull() {
                        guard field.enumType?.isNullValue == true else { throw Self.nullInArray(field) }
                        self.output.writeVarint(0)
                    } else {
                        _ = try self.decodeScalar(field, mode: .packed)
                    }
                } catch {
                    throw error.nested(underIndex: index)
                }
                index += 1
            } while try self.scanner.nextElement()
            self.output.endLengthDelimited(marker)
        } else {
            repeat {
                do throws(TranscodingError) {
                    if self.scanner.consumeNull() {
                        guard field.elementNullIsAValue else { throw Self.nullInArray(field) }
                        self.writeNullValue(for: field)
                    } else {
                        try self.decodeSingular(field, mode: .explicitPresence)
                    }
                } catch {
                    throw error.nested(underIndex: index)
                }
                index += 1
            } while try self.scanner.nextElement()
        }
    }

    static func nullInArray(_ field: FieldDescriptor) -> TranscodingError {
        TranscodingError(
            .invalidValue,
            "null is not allowed as an element of a repeated \(field.typeDescription) field"
        )
    }
}

/// How a scalar is written.
enum ScalarMode {
    /// With its tag, unless it is the default value (proto3 implicit presence).
    case implicitPresence
    /// With its tag, always.
    case explicitPresence
    /// Without a tag: an element of a packed array.
    case packed
}

extension FieldDescriptor {
    /// The message type of a message or group field.
    @inline(__always)
    func resolvedMessageType() throws(TranscodingError) -> MessageDescriptor {
        guard let type = self.messageType else {
            throw TranscodingError(.invalidDescriptorSet, "field \(self.name) has no linked message type")
        }
        return type
    }

    /// Whether JSON `null` is this singular field's value rather than its absence: true for
    /// `google.protobuf.Value` (null_value) and the `NullValue` enum.
    var nullIsAValue: Bool {
        self.cardinality != .repeated && self.elementNullIsAValue
    }

    /// Whether `null` is a value of this field's element type.
    var elementNullIsAValue: Bool {
        switch self.type {
        case .message: self.messageType?.wellKnownType == .value
        case .enum: self.enumType?.isNullValue == true
        default: false
        }
    }

    /// The field's type as the .proto file spells it, for error messages.
    var typeDescription: String {
        switch self.type {
        case .message, .group: self.messageType?.fullName ?? "message"
        case .enum: self.enumType?.fullName ?? "enum"
        case .double: "double"
        case .float: "float"
        case .int64: "int64"
        case .uint64: "uint64"
        case .int32: "int32"
        case .fixed64: "fixed64"
        case .fixed32: "fixed32"
        case .bool: "bool"
        case .string: "string"
        case .bytes: "bytes"
        case .uint32: "uint32"
        case .sfixed32: "sfixed32"
        case .sfixed64: "sfixed64"
        case .sint32: "sint32"
        case .sint64: "sint64"
        }
    }
}
