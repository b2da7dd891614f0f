/// One scalar value as it is on the wire: the bits of a varint or fixed-width value, or the bytes of a
/// length-delimited one.
enum WireValue {
    case bits(UInt64)
    case bytes(UnsafeRawBufferPointer)

    /// Zero, false, the empty string (implicit-presence fields holding these are not printed).
    /// A double's -0.0 is not the default: its bits are not zero.
    var isDefault: Bool {
        switch self {
        case .bits(let bits): bits == 0
        case .bytes(let bytes): bytes.count == 0
        }
    }

    @inline(__always)
    var bits: UInt64 {
        if case .bits(let bits) = self { return bits }
        return 0
    }
}

extension ProtobufMessagePrinter {
    /// Reads one value of a scalar wire type.
    @inline(__always)
    static func readScalar(_ wireType: WireType, _ reader: inout ProtobufReader) throws(TranscodingError) -> WireValue {
        switch wireType {
        case .varint: return .bits(try reader.readVarint())
        case .fixed64: return .bits(try reader.readFixed64())
        case .fixed32: return .bits(UInt64(try reader.readFixed32()))
        case .lengthDelimited: return .bytes(try reader.readLengthDelimited())
        case .startGroup, .endGroup:
            throw TranscodingError(.malformedProtobuf, "unexpected group wire type for a scalar field")
        }
    }

    /// Prints a scalar or enum value the proto3 JSON way: 64-bit integers quoted, floats shortest,
    /// bytes in base64, enums by name.
    @inline(__always)
    mutating func printScalar(_ value: WireValue, _ field: FieldDescriptor) throws(TranscodingError) {
        switch field.type {
        case .int32, .sfixed32:
            self.output.writeInt64(Int64(Int32(truncatingIfNeeded: value.bits)))
        case .sint32:
            self.output.writeInt64(ZigZag.decode(UInt64(UInt32(truncatingIfNeeded: value.bits))))
        case .uint32, .fixed32:
            self.output.writeUInt64(UInt64(UInt32(truncatingIfNeeded: value.bits)))
        case .int64, .sfixed64:
            self.output.writeQuotedInt64(Int64(bitPattern: value.bits))
        case .sint64:
            self.output.writeQuotedInt64(ZigZag.decode(value.bits))
        case .uint64, .fixed64:
            self.output.writeQuotedUInt64(value.bits)
        case .bool:
            self.output.writeBool(value.bits != 0)
        case .double:
            self.output.writeDouble(Double(bitPattern: value.bits))
        case .float:
            self.output.writeFloat(Float(bitPattern: UInt32(truncatingIfNeeded: value.bits)))
        case .enum:
            self.printEnum(Int32(truncatingIfNeeded: value.bits), field.enumType)
        case .string:
            guard case .bytes(let bytes) = value else { return }
            guard self.output.writeString(validatingUTF8: bytes) else {
                throw TranscodingError(.malformedProtobuf, "string field \(field.name) holds invalid UTF-8")
            }
        case .bytes:
            guard case .bytes(let bytes) = value else { return }
            self.output.writeBase64String(bytes)
        case .message, .group:
            throw TranscodingError(.invalidDescriptorSet, "field \(field.name) is not a scalar")
        }
    }

    /// An enum value: `null` for NullValue, its name, or its number when it has no name (or when
    /// `enumsAsIntegers` is set).
    @inline(__always)
    mutating func printEnum(_ number: Int32, _ enumType: EnumDescriptor?) {
        guard let enumType else {
            self.output.writeInt64(Int64(number))
            return
        }
        if enumType.isNullValue {
            self.output.writeNull()
        } else if !self.enumsAsIntegers, let name = enumType.name(of: number) {
            self.output.writeString(name)
        } else {
            self.output.writeInt64(Int64(number))
        }
    }
}
