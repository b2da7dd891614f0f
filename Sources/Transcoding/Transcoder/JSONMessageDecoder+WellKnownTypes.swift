/// The well-known types' special JSON forms. Their field numbers are fixed by
/// google/protobuf/*.proto, so they are written directly.
extension JSONMessageDecoder {
    mutating func decodeWellKnownContents(
        _ type: MessageDescriptor,
        _ wellKnownType: WellKnownType
    ) throws(TranscodingError) {
        switch wellKnownType {
        case .any:
            try self.decodeAnyContents(type)
        case .timestamp:
            let token = try self.readWellKnownString(type)
            let scanner = self.scanner
            let (seconds, nanos) = try scanner.withValue(of: token) { TimestampText.parse($0) }.get()
            self.writeSecondsAndNanos(seconds, nanos)
        case .duration:
            let token = try self.readWellKnownString(type)
            let scanner = self.scanner
            let (seconds, nanos) = try scanner.withValue(of: token) { DurationText.parse($0) }.get()
            self.writeSecondsAndNanos(seconds, nanos)
        case .fieldMask:
            let token = try self.readWellKnownString(type)
            let scanner = self.scanner
            let failure = scanner.withValue(of: token) { text in
                FieldMaskText.forEachPath(text) { path in
                    self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
                    self.output.writeLengthDelimited(path)
                }
            }
            if let failure { throw failure }
        case .struct:
            try self.decodeStructContents()
        case .value:
            try self.decodeValueContents()
        case .listValue:
            try self.decodeListValueContents()
        case .empty, .httpBody:
            try self.decodeObjectContents(type, isAnyPayload: false)
        case .doubleValue, .floatValue, .int64Value, .uint64Value, .int32Value, .uint32Value, .boolValue,
            .stringValue, .bytesValue:
            // The bare value, as field 1 (`value`).
            guard let valueField = type.field(number: 1) else {
                throw TranscodingError(.invalidDescriptorSet, "\(type.fullName) has no field 1")
            }
            try self.decodeScalar(valueField, mode: .implicitPresence)
        }
    }

    mutating func readWellKnownString(_ type: MessageDescriptor) throws(TranscodingError) -> JSONString {
        try self.expectValue(startingWith: UInt8(ascii: "\""), "a string", for: type.fullName)
        return try self.scanner.readStringAtQuote()
    }

    mutating func writeSecondsAndNanos(_ seconds: Int64, _ nanos: Int32) {
        self.output.writeSecondsAndNanos(seconds, nanos)
    }

    // MARK: Struct, Value, ListValue

    /// `google.protobuf.Value`: any JSON value, as the matching member of its `kind` oneof.
    mutating func decodeValueContents() throws(TranscodingError) {
        switch try self.scanner.peek() {
        case UInt8(ascii: "n"):
            guard self.scanner.consumeNull() else { throw self.scanner.unexpectedByte(expected: "a value") }
            self.output.writeTag(fieldNumber: 1, wireType: .varint)
            self.output.writeVarint(0)
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            let value = try self.scanner.readBool()
            self.output.writeTag(fieldNumber: 4, wireType: .varint)
            self.output.writeVarint(value ? 1 : 0)
        case UInt8(ascii: "\""):
            let token = try self.scanner.readStringAtQuote()
            self.output.writeTag(fieldNumber: 3, wireType: .lengthDelimited)
            self.writeStringContents(token)
        case UInt8(ascii: "{"):
            self.output.writeTag(fieldNumber: 5, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            try self.decodeStructContents()
            self.output.endLengthDelimited(marker)
        case UInt8(ascii: "["):
            self.output.writeTag(fieldNumber: 6, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            try self.decodeListValueContents()
            self.output.endLengthDelimited(marker)
        default:
            let start = self.scanner.index
            let text = try self.scanner.readNumberText()
            guard let number = DecimalNumber(parsing: text) else {
                self.scanner.index = start
                throw self.scanner.malformed("invalid number \(quotedPrefix(text))")
            }
            let value = number.double(text: text)
            guard value.isFinite else {
                throw TranscodingError(.invalidValue, "\(quotedPrefix(text)) is out of range for a Value's double")
            }
            self.output.writeTag(fieldNumber: 2, wireType: .fixed64)
            self.output.writeFixed64(value.bitPattern)
        }
    }

    /// `google.protobuf.Struct`: a JSON object, as `fields` (1), a map<string, Value>.
    mutating func decodeStructContents() throws(TranscodingError) {
        try self.expectValue(startingWith: UInt8(ascii: "{"), "an object", for: "google.protobuf.Struct")
        guard try self.scanner.beginObject() else { return }
        let keysBase = self.mapKeys.count
        defer { self.mapKeys.removeSubrange(keysBase...) }
        repeat {
            let key = try self.scanner.readKey()
            self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            let entry = self.output.beginLengthDelimited()
            self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            self.writeStringContents(key)
            self.output.writeTag(fieldNumber: 2, wireType: .lengthDelimited)
            let value = self.output.beginLengthDelimited()
            do throws(TranscodingError) {
                try self.decodeValueContents()
            } catch {
                throw error.nested(underMapKey: self.scanner.stringValue(key))
            }
            self.output.endLengthDelimited(value)
            self.output.endLengthDelimited(entry)
            self.mapKeys.append(self.stringKeyRecord(key))
        } while try self.scanner.nextMember()
        try self.rejectDuplicateMapKeys(from: keysBase)
    }

    /// `google.protobuf.ListValue`: a JSON array, as `values` (1), a repeated Value.
    mutating func decodeListValueContents() throws(TranscodingError) {
        try self.expectValue(startingWith: UInt8(ascii: "["), "an array", for: "google.protobuf.ListValue")
        guard try self.scanner.beginArray() else { return }
        var index = 0
        repeat {
            self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            do throws(TranscodingError) {
                try self.decodeValueContents()
            } catch {
                throw error.nested(underIndex: index)
            }
            self.output.endLengthDelimited(marker)
            index += 1
        } while try self.scanner.nextElement()
    }

    // MARK: Any

    /// `google.protobuf.Any`: `{"@type": "type.googleapis.com/pkg.Msg", ...fields of Msg}`, or for
    /// well-known payloads with a special form `{"@type": ..., "value": <that form>}`. The `@type` may
    /// come after the fields, so it is looked for first.
    mutating func decodeAnyContents(_ anyType: MessageDescriptor) throws(TranscodingError) {
        // Look ahead with a copy of the scanner; the payload is then read from the object's start.
        try self.expectValue(startingWith: UInt8(ascii: "{"), "an object", for: "google.protobuf.Any")
        var probe = self.scanner
        guard try probe.beginObject() else {
            self.scanner = probe
            return
        }
        let typeURL = try Self.findAnyTypeURL(&probe)

        let url = self.scanner.stringValue(typeURL)
        guard let payloadType = Self.resolveTypeURL(url, in: anyType) else {
            throw TranscodingError(
                .unknownType,
                "the Any type URL \"\(url)\" names no message type in the descriptor pool",
                fieldPath: "@type"
            )
        }
        self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
        self.writeStringContents(typeURL)
        self.output.writeTag(fieldNumber: 2, wireType: .lengthDelimited)
        let marker = self.output.beginLengthDelimited()
        let outerTypeURLStart = self.anyTypeURLStart
        self.anyTypeURLStart = typeURL.start
        defer { self.anyTypeURLStart = outerTypeURLStart }

        if let wellKnownType = payloadType.wellKnownType, wellKnownType.hasSpecialJSON {
            try self.decodeWrappedWellKnownPayload(payloadType, wellKnownType)
        } else {
            try self.decodeObjectContents(payloadType, isAnyPayload: true)
        }
        if self.output.count == marker {
            // An empty payload: leave out `value` (drop its tag and length byte).
            self.output.bytes.removeSubrange((marker - 2)...)
        } else {
            self.output.endLengthDelimited(marker)
        }
    }

    /// Scans the members of the object `probe` has just opened for its `@type` string.
    static func findAnyTypeURL(_ probe: inout JSONScanner) throws(TranscodingError) -> JSONString {
        repeat {
            let key = try probe.readKey()
            if probe.withValue(of: key, { $0.elementsEqual("@type".utf8) }) {
                let byte = try probe.peek()
                guard byte == UInt8(ascii: "\"") else {
                    throw TranscodingError(
                        .invalidValue,
                        "the \"@type\" of an Any must be a string, found \(describeJSONValueStart(byte))",
                        fieldPath: "@type"
                    )
                }
                return try probe.readStringAtQuote()
            }
            try probe.skipValue()
        } while try probe.nextMember()
        throw TranscodingError(.invalidValue, "an Any with fields must say its type in \"@type\"")
    }

    /// `{"@type": ..., "value": <special form>}`: exactly one `value` besides the `@type`.
    mutating func decodeWrappedWellKnownPayload(
        _ payloadType: MessageDescriptor,
        _ wellKnownType: WellKnownType
    ) throws(TranscodingError) {
        guard try self.scanner.beginObject() else { return }  // Not empty: it holds the "@type".
        var sawValue = false
        repeat {
            let key = try self.scanner.readKey()
            let name = self.scanner.stringValue(key)
            switch name {
            case "@type":
                try self.skipUnknownKey(key, in: payloadType, isAnyPayload: true)
            case "value":
                guard !sawValue else {
                    throw TranscodingError(
                        .invalidValue,
                        "\"value\" appears more than once in an Any",
                        fieldPath: "value"
                    )
                }
                sawValue = true
                do throws(TranscodingError) {
                    if self.scanner.consumeNull() {
                        if wellKnownType == .value {
                            self.output.writeTag(fieldNumber: 1, wireType: .varint)
                            self.output.writeVarint(0)
                        }
                    } else {
                        try self.decodeWellKnownContents(payloadType, wellKnownType)
                    }
                } catch {
                    throw error.nested(under: "value")
                }
            default:
                try self.skipUnknownKey(key, in: payloadType, isAnyPayload: false)
            }
        } while try self.scanner.nextMember()
        guard sawValue else {
            throw TranscodingError(
                .invalidValue,
                "an Any holding a \(payloadType.fullName) must put its JSON form under \"value\""
            )
        }
    }

    /// The message type a type URL names: the part after the last `/`, looked up in the pool.
    static func resolveTypeURL(_ url: String, in anyType: MessageDescriptor) -> MessageDescriptor? {
        guard let slash = url.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let name = String(url[url.utf8.index(after: slash)...])
        guard !name.isEmpty, let pool = anyType.pool else { return nil }
        return pool.message(named: name)
    }
}

extension WellKnownType {
    /// Whether the JSON form is not the plain object form (and so goes under `"value"` in an Any).
    var hasSpecialJSON: Bool {
        switch self {
        case .empty, .httpBody: false
        default: true
        }
    }
}
