/// Regroups a message's fields the way a protobuf parser merges them, for the printer's slow path.
///
/// The result has each field once, in declaration order: repeated fields with all their values in
/// wire order, singular scalars with their last value, singular messages and groups with all their
/// occurrences merged (their contents concatenated, which is protobuf's merge), only the last-set
/// member of each oneof (a message member merging only the occurrences since the oneof last switched
/// to it), and no unknown fields.
enum ProtobufCanonicalizer {
    private struct Occurrence {
        let fieldIndex: Int
        let sequence: Int
        /// Tag and value.
        let start: Int
        let valueStart: Int
        let end: Int
        let wireType: WireType
    }

    /// `bytes` regrouped; with `onlyField`, only that field (by index) is kept.
    static func canonicalize(
        _ bytes: UnsafeRawBufferPointer,
        _ type: MessageDescriptor,
        onlyField: Int? = nil
    ) throws(TranscodingError) -> [UInt8] {
        var occurrences: [Occurrence] = []
        // For oneof members: the sequence number from which their occurrences count.
        var validFrom: [Int: Int] = [:]
        var lastMemberOfOneof: [Int: Int] = [:]
        var reader = ProtobufReader(bytes)
        while !reader.isAtEnd {
            let start = reader.position
            let (number, wireType) = try reader.readTag()
            let valueStart = reader.position
            try reader.skip(wireType, fieldNumber: number)
            guard let field = type.field(number: number) else { continue }
            if let oneofIndex = field.oneofIndex {
                if lastMemberOfOneof[oneofIndex] != field.index {
                    lastMemberOfOneof[oneofIndex] = field.index
                    validFrom[field.index] = occurrences.count
                }
            }
            if let onlyField, field.index != onlyField { continue }
            occurrences.append(
                Occurrence(
                    fieldIndex: field.index,
                    sequence: occurrences.count,
                    start: start,
                    valueStart: valueStart,
                    end: reader.position,
                    wireType: wireType
                )
            )
        }
        occurrences.removeAll { occurrence in
            guard let oneofIndex = type.fields[occurrence.fieldIndex].oneofIndex else { return false }
            return lastMemberOfOneof[oneofIndex] != occurrence.fieldIndex
                || occurrence.sequence < validFrom[occurrence.fieldIndex, default: 0]
        }
        occurrences.sort { ($0.fieldIndex, $0.sequence) < ($1.fieldIndex, $1.sequence) }

        var output = ProtobufWriter(capacity: bytes.count)
        var groupStart = 0
        while groupStart < occurrences.count {
            var groupEnd = groupStart + 1
            while groupEnd < occurrences.count && occurrences[groupEnd].fieldIndex == occurrences[groupStart].fieldIndex
            {
                groupEnd += 1
            }
            let field = type.fields[occurrences[groupStart].fieldIndex]
            let group = occurrences[groupStart..<groupEnd]
            groupStart = groupEnd
            func raw(_ occurrence: Occurrence) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: bytes[occurrence.start..<occurrence.end])
            }
            if field.cardinality == .repeated || group.count == 1 {
                for occurrence in group { output.bytes.append(contentsOf: raw(occurrence)) }
            } else if field.type == .message {
                // Merge: one length-delimited value holding every occurrence's contents.
                var contents: [UInt8] = []
                for occurrence in group {
                    guard occurrence.wireType == .lengthDelimited else {
                        throw wireTypeError(field, occurrence.wireType)
                    }
                    var valueReader = ProtobufReader(raw(occurrence))
                    _ = try valueReader.readTag()
                    contents.append(contentsOf: try valueReader.readLengthDelimited())
                }
                output.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
                output.writeLengthDelimited(contents)
            } else if field.type == .group {
                output.writeTag(fieldNumber: field.number, wireType: .startGroup)
                for occurrence in group {
                    guard occurrence.wireType == .startGroup else { throw wireTypeError(field, occurrence.wireType) }
                    var groupReader = ProtobufReader(
                        UnsafeRawBufferPointer(rebasing: bytes[occurrence.valueStart..<occurrence.end])
                    )
                    output.bytes.append(contentsOf: try ProtobufMessagePrinter.readGroup(field.number, &groupReader))
                }
                output.writeTag(fieldNumber: field.number, wireType: .endGroup)
            } else if let last = group.last {
                output.bytes.append(contentsOf: raw(last))
            }
        }
        return output.bytes
    }

    private static func wireTypeError(_ field: FieldDescriptor, _ wireType: WireType) -> TranscodingError {
        TranscodingError(
            .malformedProtobuf,
            "field \(field.name) (\(field.typeDescription)) has wire type \(wireType.rawValue)",
            fieldPath: field.jsonName
        )
    }
}
