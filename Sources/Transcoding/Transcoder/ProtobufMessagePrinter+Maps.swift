/// One decoded map entry, pointing into the input.
struct MapEntryRef {
    /// The key itself for integer and bool keys, a hash of the UTF-8 for string keys.
    let identity: UInt64
    let key: WireValue
    /// Nil when the entry has no value (it means the value type's default).
    let value: WireValue?
}

extension ProtobufMessagePrinter {
    /// Prints a map field from its entries at this tag on, as long as the next tags are the same field.
    /// With no key, prints just the object.
    mutating func printMapRun(
        _ field: FieldDescriptor,
        key: UnsafeRawBufferPointer?,
        _ firstWireType: WireType,
        _ reader: inout ProtobufReader
    ) throws(TranscodingError) {
        let entryType = try field.resolvedMessageType()
        let base = self.mapEntries.count
        defer { self.mapEntries.removeSubrange(base...) }
        var wireType = firstWireType
        while true {
            try Self.expect(wireType, .lengthDelimited, field)
            let entry = try self.readMapEntry(try reader.readLengthDelimited(), entryType)
            self.mapEntries.append(entry)
            guard let next = try Self.nextTag(ifField: field.number, &reader) else { break }
            wireType = next
        }
        if let key { self.output.writeKey(quoted: key) }
        try self.printMapEntries(from: base, entryType)
    }

    /// Prints a map whose entries are every occurrence of `field` in `bytes` (Struct's `fields`).
    mutating func printAllMapEntries(
        _ bytes: UnsafeRawBufferPointer,
        _ field: FieldDescriptor
    ) throws(TranscodingError) {
        let entryType = try field.resolvedMessageType()
        let base = self.mapEntries.count
        defer { self.mapEntries.removeSubrange(base...) }
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard number == field.number else {
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            try Self.expect(wireType, .lengthDelimited, field)
            let entry = try self.readMapEntry(try reader.readLengthDelimited(), entryType)
            self.mapEntries.append(entry)
        }
        try self.printMapEntries(from: base, entryType)
    }

    /// Reads a map entry's key (1) and value (2); the last of each wins, as for any message (and
    /// message values given twice merge).
    mutating func readMapEntry(
        _ bytes: UnsafeRawBufferPointer,
        _ entryType: MessageDescriptor
    ) throws(TranscodingError) -> MapEntryRef {
        let keyField = entryType.mapKey
        let valueField = entryType.mapValue
        var reader = ProtobufReader(bytes)
        var key: WireValue = keyField.type == .string ? .bytes(UnsafeRawBufferPointer(start: nil, count: 0)) : .bits(0)
        var value: WireValue?
        var firstMessagePart: UnsafeRawBufferPointer?
        var laterMessageParts: [UnsafeRawBufferPointer] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch number {
            case 1:
                try Self.expect(wireType, keyField.type.wireType, keyField)
                key = try Self.readScalar(wireType, &reader)
            case 2:
                try Self.expect(wireType, valueField.type.wireType, valueField)
                value = try Self.readScalar(wireType, &reader)
                if valueField.type == .message, case .bytes(let part)? = value {
                    if firstMessagePart == nil { firstMessagePart = part } else { laterMessageParts.append(part) }
                }
            default:
                try reader.skip(wireType, fieldNumber: number)
            }
        }
        if let firstMessagePart, !laterMessageParts.isEmpty {
            value = .bytes(self.retainConcatenation([firstMessagePart] + laterMessageParts))
        }
        let identity: UInt64
        switch key {
        case .bits(let bits):
            // Normalize to the key type's width so that equal keys have equal identities.
            switch keyField.type {
            case .int32, .sint32, .uint32, .fixed32, .sfixed32: identity = UInt64(UInt32(truncatingIfNeeded: bits))
            case .bool: identity = bits == 0 ? 0 : 1
            default: identity = bits
            }
        case .bytes(let bytes):
            identity = JSONFieldNames.hash(bytes)
        }
        return MapEntryRef(identity: identity, key: key, value: value)
    }

    /// Prints the collected entries from `base` as a JSON object; when keys repeat, the last entry wins.
    mutating func printMapEntries(from base: Int, _ entryType: MessageDescriptor) throws(TranscodingError) {
        let keyField = entryType.mapKey
        let valueField = entryType.mapValue
        let end = self.mapEntries.count
        let winners = self.duplicateKeyLosers(base, end, keyField)
        self.output.beginObject()
        for index in base..<end {
            if let winners, winners[index - base] == false { continue }
            let entry = self.mapEntries[index]
            do throws(TranscodingError) {
                try self.printMapKey(entry.key, keyField)
                if let value = entry.value {
                    if valueField.type == .message, case .bytes(let contents) = value {
                        try self.printMessage(contents, try valueField.resolvedMessageType())
                    } else {
                        try self.printScalar(value, valueField)
                    }
                } else {
                    try self.printAbsentValue(valueField)
                }
            } catch {
                throw error.nested(underMapKey: Self.keyDescription(entry.key, keyField))
            }
        }
        self.output.endObject()
    }

    /// Nil when all keys differ (the usual case); otherwise, per entry, whether it is the last with its key.
    func duplicateKeyLosers(_ base: Int, _ end: Int, _ keyField: FieldDescriptor) -> [Bool]? {
        let count = end - base
        guard count > 1 else { return nil }
        var mayRepeat = false
        if count <= 8 {
            outer: for first in base..<end {
                for second in (first + 1)..<end
                where self.mapEntries[first].identity == self.mapEntries[second].identity {
                    mayRepeat = true
                    break outer
                }
            }
        } else {
            var identities = self.mapEntries[base..<end].map(\.identity)
            identities.sort()
            for index in 1..<identities.count where identities[index] == identities[index - 1] {
                mayRepeat = true
                break
            }
        }
        guard mayRepeat else { return nil }
        // Exact comparison: integer identities are the keys; string keys compare as bytes.
        var lastIndexByKey: [[UInt8]: Int] = [:]
        for index in base..<end {
            switch self.mapEntries[index].key {
            case .bits:
                lastIndexByKey[withUnsafeBytes(of: self.mapEntries[index].identity) { Array($0) }] = index
            case .bytes(let bytes):
                lastIndexByKey[[0xFF] + Array(bytes)] = index
            }
        }
        var winners = [Bool](repeating: false, count: count)
        for index in lastIndexByKey.values { winners[index - base] = true }
        return winners
    }

    /// Prints the key of a map entry and the colon: JSON keys are strings, so numbers and bools are quoted.
    mutating func printMapKey(_ key: WireValue, _ keyField: FieldDescriptor) throws(TranscodingError) {
        switch key {
        case .bytes(let bytes):
            self.output.beginElement()
            guard self.output.writeString(validatingUTF8: bytes) else {
                throw TranscodingError(.malformedProtobuf, "a string map key holds invalid UTF-8")
            }
            self.output.writeColon()
        case .bits(let bits):
            self.output.beginElement()
            self.output.bytes.append(UInt8(ascii: "\""))
            Self.writeMapKeyNumber(bits, keyField, into: &self.output)
            self.output.bytes.append(UInt8(ascii: "\""))
            self.output.writeColon()
        }
    }

    /// A map key as text, for error paths.
    static func keyDescription(_ key: WireValue, _ keyField: FieldDescriptor) -> String {
        switch key {
        case .bytes(let bytes):
            return String(decoding: bytes, as: UTF8.self)
        case .bits(let bits):
            var writer = JSONWriter()
            writeMapKeyNumber(bits, keyField, into: &writer)
            return String(decoding: writer.bytes, as: UTF8.self)
        }
    }

    /// The text of a non-string map key (without quotes).
    static func writeMapKeyNumber(_ bits: UInt64, _ keyField: FieldDescriptor, into writer: inout JSONWriter) {
        switch keyField.type {
        case .bool:
            writer.writeBool(bits != 0)
        case .int32, .sfixed32:
            writer.writeInt64(Int64(Int32(truncatingIfNeeded: bits)))
        case .sint32:
            writer.writeInt64(ZigZag.decode(UInt64(UInt32(truncatingIfNeeded: bits))))
        case .uint32, .fixed32:
            writer.writeUInt64(UInt64(UInt32(truncatingIfNeeded: bits)))
        case .int64, .sfixed64:
            writer.writeInt64(Int64(bitPattern: bits))
        case .sint64:
            writer.writeInt64(ZigZag.decode(bits))
        default:
            writer.writeUInt64(bits)
        }
    }
}
