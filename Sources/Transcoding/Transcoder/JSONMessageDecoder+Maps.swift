/// A map key already written, kept until the map ends to reject duplicates.
struct MapKeyRecord {
    /// The key itself for integer and bool keys (so equal identities are equal keys), a hash of the
    /// UTF-8 for string keys.
    let identity: UInt64
    /// The key as written, for error messages and (string keys) exact comparison.
    let token: JSONString
    let isString: Bool
}

extension JSONMessageDecoder {
    /// Decodes a JSON object as a map field: one length-delimited entry (key = 1, value = 2) per member.
    mutating func decodeMap(_ field: FieldDescriptor) throws(TranscodingError) {
        let entryType = try field.resolvedMessageType()
        let keyField = entryType.mapKey
        let valueField = entryType.mapValue
        try self.expectValue(startingWith: UInt8(ascii: "{"), "an object", for: "a map field")
        guard try self.scanner.beginObject() else { return }
        let keysBase = self.mapKeys.count
        defer { self.mapKeys.removeSubrange(keysBase...) }
        repeat {
            let keyToken = try self.scanner.readKey()
            let entryStart = self.output.count
            self.output.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
            let marker = self.output.beginLengthDelimited()
            do throws(TranscodingError) {
                let record = try self.writeMapKey(keyToken, keyField)
                if self.scanner.consumeNull() {
                    guard valueField.elementNullIsAValue else {
                        throw TranscodingError(.invalidValue, "null is not allowed as a map value")
                    }
                    self.writeNullValue(for: valueField)
                } else if valueField.type == .message || valueField.type == .group {
                    try self.decodeSingular(valueField, mode: .explicitPresence)
                } else if try !self.decodeScalar(valueField, mode: .explicitPresence) {
                    // An unknown enum name, skipped: drop the whole entry.
                    self.output.bytes.removeSubrange(entryStart...)
                    continue
                }
                self.output.endLengthDelimited(marker)
                self.mapKeys.append(record)
            } catch {
                throw error.nested(underMapKey: self.scanner.stringValue(keyToken))
            }
        } while try self.scanner.nextMember()
        try self.rejectDuplicateMapKeys(from: keysBase)
    }

    /// Writes a map key (field 1) from its JSON string form, converting it to the key type.
    mutating func writeMapKey(_ token: JSONString, _ keyField: FieldDescriptor) throws(TranscodingError) -> MapKeyRecord
    {
        if keyField.type == .string {
            self.output.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            self.writeStringContents(token)
            return self.stringKeyRecord(token)
        }
        let scanner = self.scanner
        let identity = try scanner.withValue(of: token) { (text) throws(TranscodingError) -> UInt64 in
            try Self.mapKeyIdentity(text, keyField)
        }
        self.output.writeTag(fieldNumber: 1, wireType: keyField.type.wireType)
        switch keyField.type {
        case .int32, .int64, .sint32, .sint64, .sfixed32, .sfixed64:
            self.output.writeSigned(Int64(bitPattern: identity), as: keyField.type)
        default:
            self.output.writeUnsigned(identity, as: keyField.type)
        }
        return MapKeyRecord(identity: identity, token: token, isString: false)
    }

    /// The value of a non-string map key, as the bits of its integer (bool: 0 or 1).
    static func mapKeyIdentity(
        _ text: UnsafeRawBufferPointer,
        _ keyField: FieldDescriptor
    ) throws(TranscodingError) -> UInt64 {
        let invalid = TranscodingError(
            .invalidValue,
            "map key \(quotedPrefix(text)) is not a valid \(keyField.typeDescription)"
        )
        switch keyField.type {
        case .bool:
            if text.elementsEqual("true".utf8) { return 1 }
            if text.elementsEqual("false".utf8) { return 0 }
            throw invalid
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            guard let number = DecimalNumber(parsing: text), let value = try? number.int64() else { throw invalid }
            let is32 = keyField.type != .int64 && keyField.type != .sint64 && keyField.type != .sfixed64
            if is32 && (value < Int64(Int32.min) || value > Int64(Int32.max)) { throw invalid }
            return UInt64(bitPattern: value)
        case .uint32, .fixed32, .uint64, .fixed64:
            guard let number = DecimalNumber(parsing: text), let value = try? number.uint64() else { throw invalid }
            if (keyField.type == .uint32 || keyField.type == .fixed32) && value > UInt64(UInt32.max) { throw invalid }
            return value
        default:
            throw TranscodingError(.invalidDescriptorSet, "\(keyField.typeDescription) cannot be a map key type")
        }
    }

    mutating func stringKeyRecord(_ token: JSONString) -> MapKeyRecord {
        let scanner = self.scanner
        let hash = scanner.withValue(of: token) { JSONFieldNames.hash($0) }
        return MapKeyRecord(identity: hash, token: token, isString: true)
    }

    /// Throws if two of the keys recorded since `base` are equal.
    mutating func rejectDuplicateMapKeys(from base: Int) throws(TranscodingError) {
        guard self.mapKeys.count - base > 1 else { return }
        if self.mapKeys.count - base <= 16 {
            // Most maps are small: an insertion sort, where the standard sort would allocate a merge buffer.
            for index in (base + 1)..<self.mapKeys.count {
                let record = self.mapKeys[index]
                var slot = index
                while slot > base && self.mapKeys[slot - 1].identity > record.identity {
                    self.mapKeys[slot] = self.mapKeys[slot - 1]
                    slot -= 1
                }
                self.mapKeys[slot] = record
            }
        } else {
            self.mapKeys[base...].sort { $0.identity < $1.identity }
        }
        var runStart = base
        while runStart < self.mapKeys.count {
            var runEnd = runStart + 1
            while runEnd < self.mapKeys.count && self.mapKeys[runEnd].identity == self.mapKeys[runStart].identity {
                runEnd += 1
            }
            if runEnd - runStart > 1 {
                try self.rejectEqualKeys(in: runStart..<runEnd)
            }
            runStart = runEnd
        }
    }

    /// Keys with the same identity: integer keys are equal; string keys (whose identity is a hash) are
    /// compared as bytes, not as `String`s (which would equate different Unicode normalizations).
    mutating func rejectEqualKeys(in run: Range<Int>) throws(TranscodingError) {
        // Report the key as its later occurrence spells it.
        let records = self.mapKeys[run].sorted { $0.token.start < $1.token.start }
        var seen = Set<[UInt8]>()
        for record in records {
            var value: [UInt8] = []
            if record.isString {
                self.scanner.appendValue(of: record.token, to: &value)
            }
            if !seen.insert(value).inserted {
                throw TranscodingError(.invalidValue, "duplicate map key")
                    .nested(underMapKey: self.scanner.stringValue(record.token))
            }
        }
    }
}
