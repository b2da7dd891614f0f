// Name lookups by UTF-8 bytes, for the JSON transcoder.

extension MessageDescriptor {
    /// The index of the proto2 group field whose group type is named `name` (`Item` for
    /// `optional group Item = 7`): some encoders, swift-protobuf among them, use that as the JSON key.
    func groupFieldIndex(namedByType name: UnsafeRawBufferPointer) -> Int? {
        for field in self.fields where field.type == .group {
            if let groupType = field.messageType, utf8Equals(groupType.name, name) { return field.index }
        }
        return nil
    }
}

extension EnumDescriptor {
    /// The number of the value named by these UTF-8 bytes (a short linear search: enums are small, and it
    /// avoids creating a `String` per lookup).
    func number(namedUTF8 name: UnsafeRawBufferPointer) -> Int32? {
        for value in self.values where utf8Equals(value.name, name) {
            return value.number
        }
        return nil
    }
}

/// Whether `string`'s UTF-8 is exactly `bytes`.
@inline(__always)
func utf8Equals(_ string: String, _ bytes: UnsafeRawBufferPointer) -> Bool {
    let utf8 = string.utf8
    guard utf8.count == bytes.count else { return false }
    return utf8.withContiguousStorageIfAvailable { stored in
        stored.elementsEqual(UnsafeRawBufferPointer(start: bytes.baseAddress, count: bytes.count))
    } ?? utf8.elementsEqual(bytes)
}
