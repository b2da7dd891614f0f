/// Appends protobuf wire data to a byte array.
///
/// Length-delimited fields whose size is not known up front (nested messages written while JSON is read)
/// use `beginLengthDelimited()`/`endLengthDelimited(_:)`: one byte is reserved for the length and the
/// contents are shifted only when the length needs more than one byte, which is rare for small messages
/// and a single `memmove` for large ones.
public struct ProtobufWriter: Sendable {
    public var bytes: [UInt8]

    public init(capacity: Int = 0) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    public var count: Int { self.bytes.count }

    @inline(__always)
    public mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        self.bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    public mutating func writeTag(fieldNumber: Int32, wireType: WireType) {
        self.writeVarint(UInt64(UInt32(bitPattern: fieldNumber) << 3 | UInt32(wireType.rawValue)))
    }

    @inline(__always)
    public mutating func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    public mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { self.bytes.append(contentsOf: $0) }
    }

    /// Writes a length prefix and then the bytes.
    public mutating func writeLengthDelimited(_ contents: some Collection<UInt8>) {
        self.writeVarint(UInt64(contents.count))
        self.bytes.append(contentsOf: contents)
    }

    public mutating func writeLengthDelimited(_ contents: UnsafeRawBufferPointer) {
        self.writeVarint(UInt64(contents.count))
        self.bytes.append(contentsOf: contents)
    }

    /// Reserves room for a length prefix; returns the marker to pass to `endLengthDelimited(_:)`.
    @inline(__always)
    public mutating func beginLengthDelimited() -> Int {
        self.bytes.append(0)
        return self.bytes.count
    }

    /// Back-patches the length of everything written since `beginLengthDelimited()` returned `marker`.
    @inline(__always)
    public mutating func endLengthDelimited(_ marker: Int) {
        let length = self.bytes.count - marker
        if length < 0x80 {
            self.bytes[marker - 1] = UInt8(length)
            return
        }
        self.patchLongLength(marker: marker, length: length)
    }

    @inline(never)
    private mutating func patchLongLength(marker: Int, length: Int) {
        let size = Self.varintSize(UInt64(length))
        self.bytes.insert(contentsOf: repeatElement(0, count: size - 1), at: marker)
        var value = UInt64(length)
        var index = marker - 1
        while value >= 0x80 {
            self.bytes[index] = UInt8(truncatingIfNeeded: value) | 0x80
            value >>= 7
            index += 1
        }
        self.bytes[index] = UInt8(truncatingIfNeeded: value)
    }

    /// The number of bytes `writeVarint(value)` writes.
    @inline(__always)
    public static func varintSize(_ value: UInt64) -> Int {
        // 1 + floor(bitWidth - 1) / 7, with 0 taking one byte.
        let bits = 64 - (value | 1).leadingZeroBitCount
        return (bits + 6) / 7
    }
}
