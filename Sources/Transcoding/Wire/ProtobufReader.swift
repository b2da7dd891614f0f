/// Reads protobuf wire data from borrowed bytes. Every read checks bounds and throws on truncation;
/// nothing traps on malformed input.
public struct ProtobufReader {
    @usableFromInline let base: UnsafeRawBufferPointer
    @usableFromInline var position: Int

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.base = bytes
        self.position = 0
    }

    public var isAtEnd: Bool { self.position >= self.base.count }
    public var remaining: Int { self.base.count - self.position }
    public var offset: Int { self.position }

    @inline(__always)
    public mutating func readVarint() throws(TranscodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while self.position < self.base.count {
            let byte = self.base[self.position]
            self.position += 1
            if shift == 63 && byte > 1 {
                throw TranscodingError(.malformedProtobuf, "varint is longer than 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
            if shift > 63 { throw TranscodingError(.malformedProtobuf, "varint is longer than 10 bytes") }
        }
        throw TranscodingError(.malformedProtobuf, "truncated varint")
    }

    /// Reads a tag; field number 0 and unknown wire types are errors.
    @inline(__always)
    public mutating func readTag() throws(TranscodingError) -> (fieldNumber: Int32, wireType: WireType) {
        let raw = try self.readVarint()
        guard raw <= UInt64(UInt32.max), let wireType = WireType(rawValue: UInt8(raw & 7)) else {
            throw TranscodingError(.malformedProtobuf, "invalid tag \(raw)")
        }
        let number = Int32(truncatingIfNeeded: raw >> 3)
        guard number > 0 else { throw TranscodingError(.malformedProtobuf, "field number 0 is invalid") }
        return (number, wireType)
    }

    @inline(__always)
    public mutating func readFixed32() throws(TranscodingError) -> UInt32 {
        guard self.remaining >= 4 else { throw TranscodingError(.malformedProtobuf, "truncated fixed32") }
        let value = self.base.loadUnaligned(fromByteOffset: self.position, as: UInt32.self)
        self.position += 4
        return UInt32(littleEndian: value)
    }

    @inline(__always)
    public mutating func readFixed64() throws(TranscodingError) -> UInt64 {
        guard self.remaining >= 8 else { throw TranscodingError(.malformedProtobuf, "truncated fixed64") }
        let value = self.base.loadUnaligned(fromByteOffset: self.position, as: UInt64.self)
        self.position += 8
        return UInt64(littleEndian: value)
    }

    /// Reads a length prefix and returns the bytes it covers, borrowed from the input.
    @inline(__always)
    public mutating func readLengthDelimited() throws(TranscodingError) -> UnsafeRawBufferPointer {
        let length = try self.readVarint()
        guard length <= UInt64(self.remaining) else {
            throw TranscodingError(.malformedProtobuf, "length \(length) runs past the end of the data")
        }
        let start = self.position
        self.position += Int(length)
        return UnsafeRawBufferPointer(rebasing: self.base[start..<self.position])
    }

    /// Skips one value of the given wire type (groups included, up to `depth` levels).
    public mutating func skip(_ wireType: WireType, fieldNumber: Int32, depth: Int = 100) throws(TranscodingError) {
        switch wireType {
        case .varint: _ = try self.readVarint()
        case .fixed64: _ = try self.readFixed64()
        case .fixed32: _ = try self.readFixed32()
        case .lengthDelimited: _ = try self.readLengthDelimited()
        case .startGroup:
            guard depth > 0 else { throw TranscodingError(.tooDeep, "groups nested too deeply") }
            while true {
                let (number, type) = try self.readTag()
                if type == .endGroup {
                    guard number == fieldNumber else {
                        throw TranscodingError(.malformedProtobuf, "mismatched end of group \(fieldNumber)")
                    }
                    return
                }
                try self.skip(type, fieldNumber: number, depth: depth - 1)
            }
        case .endGroup:
            throw TranscodingError(.malformedProtobuf, "unexpected end of group \(fieldNumber)")
        }
    }
}
