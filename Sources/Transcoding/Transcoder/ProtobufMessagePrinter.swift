/// The state of one protobuf -> JSON transcoding: the JSON output, the options, and scratch space
/// reused by every nested message.
struct ProtobufMessagePrinter {
    var output: JSONWriter
    let emitUnpopulatedFields: Bool
    let enumsAsIntegers: Bool
    let useProtoFieldNames: Bool
    /// How many more messages may be opened inside the current one.
    var depthBudget: Int
    /// `SeenBits` words for messages with more than 64 fields or oneofs, innermost last.
    var seenWords: [UInt64] = []
    /// Entries of the maps being printed, innermost last.
    var mapEntries: [MapEntryRef] = []
    /// Buffers holding merged message values, alive until `releaseRetainedBuffers()`.
    var retainedBuffers: [UnsafeMutableRawBufferPointer] = []

    init(options: JSONEncodingOptions, output: JSONWriter) {
        self.output = output
        self.emitUnpopulatedFields = options.emitUnpopulatedFields
        self.enumsAsIntegers = options.enumsAsIntegers
        self.useProtoFieldNames = options.useProtoFieldNames
        self.depthBudget = options.maxDepth
    }

    /// Copies `parts` back to back into a buffer that lives as long as the printer's output is being
    /// made (merged message values must outlive the call that merged them).
    mutating func retainConcatenation(_ parts: [UnsafeRawBufferPointer]) -> UnsafeRawBufferPointer {
        let count = parts.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 1)
        var offset = 0
        for part in parts where part.count > 0 {
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + part.count)]).copyMemory(from: part)
            offset += part.count
        }
        self.retainedBuffers.append(buffer)
        return UnsafeRawBufferPointer(rebasing: buffer[0..<count])
    }

    mutating func releaseRetainedBuffers() {
        for buffer in self.retainedBuffers { buffer.deallocate() }
        self.retainedBuffers.removeAll()
    }

    // MARK: Messages

    /// Prints a message: a JSON object, or the special form of a well-known type.
    mutating func printMessage(_ bytes: UnsafeRawBufferPointer, _ type: MessageDescriptor) throws(TranscodingError) {
        guard self.depthBudget > 0 else {
            throw TranscodingError(
                .tooDeep,
                "messages are nested more deeply than the limit of the JSON encoding options"
            )
        }
        self.depthBudget -= 1
        defer { self.depthBudget += 1 }
        if let wellKnownType = type.wellKnownType, wellKnownType.hasSpecialJSON {
            try self.printWellKnown(bytes, type, wellKnownType)
            return
        }
        self.output.beginObject()
        try self.printFields(bytes, type)
        self.output.endObject()
    }

    /// Prints the fields of a message as members of the object already open.
    mutating func printFields(_ bytes: UnsafeRawBufferPointer, _ type: MessageDescriptor) throws(TranscodingError) {
        let checkpoint = self.output.checkpoint
        if try self.printFieldsInWireOrder(bytes, type) { return }
        // Not canonical: regroup the fields the way a parser would merge them, then print that.
        self.output.rewind(to: checkpoint)
        let canonical = try ProtobufCanonicalizer.canonicalize(bytes, type)
        let printed = try canonical.withTranscodingBytes { (buffer) throws(TranscodingError) -> Bool in
            try self.printFieldsInWireOrder(buffer, type)
        }
        guard printed else {
            throw TranscodingError(.malformedProtobuf, "could not regroup the fields of \(type.fullName)")
        }
    }

    /// Prints fields as they come. Returns false, having printed part of them, as soon as the layout
    /// needs merging: a singular field or a oneof set twice, a repeated field in two runs.
    mutating func printFieldsInWireOrder(
        _ bytes: UnsafeRawBufferPointer,
        _ type: MessageDescriptor
    ) throws(TranscodingError) -> Bool {
        var reader = ProtobufReader(bytes)
        var seenFields = SeenBits(count: type.fields.count, stack: &self.seenWords)
        var seenOneofs = SeenBits(count: type.oneofs.count, stack: &self.seenWords)
        defer { seenFields.release(&self.seenWords) }
        let names = type.jsonNames
        let protoNames = self.useProtoFieldNames

        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard let field = type.field(number: number) else {
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            guard seenFields.insert(field.index, stack: &self.seenWords) else { return false }
            if let oneofIndex = field.oneofIndex {
                guard seenOneofs.insert(oneofIndex, stack: &self.seenWords) else { return false }
            }
            do throws(TranscodingError) {
                if field.cardinality == .repeated {
                    if field.isMap {
                        try self.printMapRun(
                            field,
                            key: names.quotedKey(field.index, protoName: protoNames),
                            wireType,
                            &reader
                        )
                    } else {
                        try self.printRepeatedRun(
                            field,
                            key: names.quotedKey(field.index, protoName: protoNames),
                            wireType,
                            &reader
                        )
                    }
                } else {
                    try self.printSingular(
                        field,
                        key: names.quotedKey(field.index, protoName: protoNames),
                        wireType,
                        &reader
                    )
                }
            } catch {
                throw error.nested(under: field.jsonName)
            }
        }
        if self.emitUnpopulatedFields {
            for field in type.fields where !seenFields.contains(field.index, stack: self.seenWords) {
                self.printUnpopulated(field, key: names.quotedKey(field.index, protoName: protoNames))
            }
        }
        return true
    }

    // MARK: Fields

    /// Prints a singular field, skipping an implicit-presence default; with no key, prints just the
    /// value (default or not).
    @inline(__always)
    mutating func printSingular(
        _ field: FieldDescriptor,
        key: UnsafeRawBufferPointer?,
        _ wireType: WireType,
        _ reader: inout ProtobufReader
    ) throws(TranscodingError) {
        switch field.type {
        case .message:
            try Self.expect(wireType, .lengthDelimited, field)
            let contents = try reader.readLengthDelimited()
            if let key { self.output.writeKey(quoted: key) }
            try self.printMessage(contents, try field.resolvedMessageType())
        case .group:
            try Self.expect(wireType, .startGroup, field)
            let contents = try Self.readGroup(field.number, &reader)
            if let key { self.output.writeKey(quoted: key) }
            try self.printMessage(contents, try field.resolvedMessageType())
        default:
            try Self.expect(wireType, field.type.wireType, field)
            let value = try Self.readScalar(wireType, &reader)
            if let key {
                if field.cardinality == .singular && !self.emitUnpopulatedFields && value.isDefault { return }
                self.output.writeKey(quoted: key)
            }
            try self.printScalar(value, field)
        }
    }

    /// Prints every value of a repeated field from this tag on, as long as the next tags are the same
    /// field (packed and unpacked runs alike). With no key, prints just the array.
    mutating func printRepeatedRun(
        _ field: FieldDescriptor,
        key: UnsafeRawBufferPointer?,
        _ firstWireType: WireType,
        _ reader: inout ProtobufReader
    ) throws(TranscodingError) {
        if let key { self.output.writeKey(quoted: key) }
        self.output.beginArray()
        var wireType = firstWireType
        var index = 0
        let elementWireType = field.type.wireType
        while true {
            do throws(TranscodingError) {
                if wireType == .lengthDelimited && field.type.isPackable {
                    var packed = ProtobufReader(try reader.readLengthDelimited())
                    while !packed.isAtEnd {
                        let value = try Self.readScalar(elementWireType, &packed)
                        self.output.beginElement()
                        try self.printScalar(value, field)
                        index += 1
                    }
                } else {
                    self.output.beginElement()
                    switch field.type {
                    case .message:
                        try Self.expect(wireType, .lengthDelimited, field)
                        try self.printMessage(try reader.readLengthDelimited(), try field.resolvedMessageType())
                    case .group:
                        try Self.expect(wireType, .startGroup, field)
                        try self.printMessage(
                            try Self.readGroup(field.number, &reader),
                            try field.resolvedMessageType()
                        )
                    default:
                        try Self.expect(wireType, elementWireType, field)
                        try self.printScalar(try Self.readScalar(wireType, &reader), field)
                    }
                    index += 1
                }
            } catch {
                throw error.nested(underIndex: index)
            }
            guard let next = try Self.nextTag(ifField: field.number, &reader) else { break }
            wireType = next
        }
        self.output.endArray()
    }

    /// If the next tag is for field `number`, consumes it and returns its wire type.
    @inline(__always)
    static func nextTag(ifField number: Int32, _ reader: inout ProtobufReader) throws(TranscodingError) -> WireType? {
        guard !reader.isAtEnd else { return nil }
        let position = reader.position
        let (nextNumber, wireType) = try reader.readTag()
        guard nextNumber == number else {
            reader.position = position
            return nil
        }
        return wireType
    }

    /// The default an unset implicit-presence field prints with `emitUnpopulatedFields`; `[]` and
    /// `{}` for repeated fields and maps. Fields with explicit presence print nothing.
    mutating func printUnpopulated(_ field: FieldDescriptor, key: UnsafeRawBufferPointer) {
        switch field.cardinality {
        case .optional:
            return
        case .repeated:
            self.output.writeKey(quoted: key)
            if field.isMap {
                self.output.beginObject()
                self.output.endObject()
            } else {
                self.output.beginArray()
                self.output.endArray()
            }
        case .singular:
            guard field.type != .message && field.type != .group else { return }
            self.output.writeKey(quoted: key)
            // Printing a zero value cannot fail (strings are empty, enums fall back to numbers).
            try? self.printScalar(
                field.type == .string || field.type == .bytes
                    ? .bytes(UnsafeRawBufferPointer(start: nil, count: 0)) : .bits(0),
                field
            )
        }
    }

    static func expect(_ wireType: WireType, _ expected: WireType, _ field: FieldDescriptor) throws(TranscodingError) {
        guard wireType == expected else {
            throw TranscodingError(
                .malformedProtobuf,
                "field \(field.name) (\(field.typeDescription)) has wire type \(wireType.rawValue), expected \(expected.rawValue)"
            )
        }
    }

    /// Reads the contents of a group whose start tag was just read, up to (not including) its end tag.
    static func readGroup(
        _ number: Int32,
        _ reader: inout ProtobufReader
    ) throws(TranscodingError) -> UnsafeRawBufferPointer {
        let start = reader.position
        while true {
            // The end tag is found by reading tags, not by its size: varints may be padded.
            let tagStart = reader.position
            let (fieldNumber, wireType) = try reader.readTag()
            if wireType == .endGroup {
                guard fieldNumber == number else {
                    throw TranscodingError(
                        .malformedProtobuf,
                        "group \(number) ends with the end tag of \(fieldNumber)"
                    )
                }
                return UnsafeRawBufferPointer(rebasing: reader.base[start..<tagStart])
            }
            try reader.skip(wireType, fieldNumber: fieldNumber)
        }
    }

    // MARK: A single field's value

    /// Prints just the value of `field` (merged from every occurrence), or its default if absent.
    mutating func printFieldValueOnly(
        _ bytes: UnsafeRawBufferPointer,
        of message: MessageDescriptor,
        field: FieldDescriptor
    ) throws(TranscodingError) {
        let occurrences = try ProtobufCanonicalizer.canonicalize(bytes, message, onlyField: field.index)
        try occurrences.withTranscodingBytes { (buffer) throws(TranscodingError) in
            var reader = ProtobufReader(buffer)
            guard !reader.isAtEnd else {
                try self.printAbsentValue(field)
                return
            }
            let (_, wireType) = try reader.readTag()
            if field.cardinality == .repeated {
                if field.isMap {
                    try self.printMapRun(field, key: nil, wireType, &reader)
                } else {
                    try self.printRepeatedRun(field, key: nil, wireType, &reader)
                }
            } else {
                try self.printSingular(field, key: nil, wireType, &reader)
            }
        }
    }

    mutating func printAbsentValue(_ field: FieldDescriptor) throws(TranscodingError) {
        if field.cardinality == .repeated {
            if field.isMap {
                self.output.beginObject()
                self.output.endObject()
            } else {
                self.output.beginArray()
                self.output.endArray()
            }
            return
        }
        switch field.type {
        case .message, .group:
            let type = try field.resolvedMessageType()
            if type.wellKnownType == .value {
                self.output.writeNull()
            } else {
                try self.printMessage(UnsafeRawBufferPointer(start: nil, count: 0), type)
            }
        case .string, .bytes:
            try self.printScalar(.bytes(UnsafeRawBufferPointer(start: nil, count: 0)), field)
        default:
            try self.printScalar(.bits(0), field)
        }
    }
}
