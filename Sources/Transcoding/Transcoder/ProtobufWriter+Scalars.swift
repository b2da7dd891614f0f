extension ProtobufWriter {
    /// Writes a signed integer value (no tag) in the encoding of `type`: int32/int64/enum as varints,
    /// sint32/sint64 zigzagged, sfixed32/sfixed64 as fixed-width.
    @inline(__always)
    mutating func writeSigned(_ value: Int64, as type: FieldType) {
        switch type {
        case .sint32, .sint64: self.writeVarint(ZigZag.encode(value))
        case .sfixed32: self.writeFixed32(UInt32(truncatingIfNeeded: value))
        case .sfixed64: self.writeFixed64(UInt64(bitPattern: value))
        default: self.writeVarint(UInt64(bitPattern: value))
        }
    }

    /// Writes an unsigned integer value (no tag): uint32/uint64 as varints, fixed32/fixed64 fixed-width.
    @inline(__always)
    mutating func writeUnsigned(_ value: UInt64, as type: FieldType) {
        switch type {
        case .fixed32: self.writeFixed32(UInt32(truncatingIfNeeded: value))
        case .fixed64: self.writeFixed64(value)
        default: self.writeVarint(value)
        }
    }
}
