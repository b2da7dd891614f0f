extension JSONWriter {
    /// Writes a quoted, escaped JSON string.
    public mutating func writeString(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            self.writeString(validUTF8: UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes a quoted, escaped JSON string from bytes known to be valid UTF-8.
    @inline(__always)
    public mutating func writeString(validUTF8 value: UnsafeRawBufferPointer) {
        _ = self.writeEscapedString(value, validating: false)
    }

    /// Writes a quoted, escaped JSON string from bytes that may not be UTF-8 (protobuf `string` fields
    /// on the wire); returns false, having written part of the string, when they are not valid UTF-8.
    @inline(__always)
    public mutating func writeString(validatingUTF8 value: UnsafeRawBufferPointer) -> Bool {
        self.writeEscapedString(value, validating: true)
    }

    /// Copies runs of plain characters in one go and escapes `"`, `\` and control characters.
    /// U+2028 and U+2029 are written as they are: RFC 8259 allows them and every modern JSON parser
    /// (ECMAScript 2019 included) accepts them.
    @inline(__always)
    mutating func writeEscapedString(_ value: UnsafeRawBufferPointer, validating: Bool) -> Bool {
        self.bytes.append(UInt8(ascii: "\""))
        let count = value.count
        var runStart = 0
        var index = 0
        while index < count {
            if index + 8 <= count {
                let mask = ByteWord.stringAttentionMask(value.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if mask == 0 {
                    index += 8
                    continue
                }
                index += ByteWord.bytesBefore(mask)
            }
            let byte = value[index]
            if byte >= 0x80 {
                if validating {
                    let length = UTF8Validation.multiByteSequenceLength(in: value, at: index)
                    if length == 0 { return false }
                    index += length
                } else {
                    index += 1
                }
                continue
            }
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if index > runStart {
                self.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[runStart..<index]))
            }
            self.appendEscape(for: byte)
            index += 1
            runStart = index
        }
        if count > runStart {
            self.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: value[runStart..<count]))
        }
        self.bytes.append(UInt8(ascii: "\""))
        return true
    }

    @inline(never)
    mutating func appendEscape(for byte: UInt8) {
        self.bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): self.bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): self.bytes.append(UInt8(ascii: "\\"))
        case 0x08: self.bytes.append(UInt8(ascii: "b"))
        case 0x0C: self.bytes.append(UInt8(ascii: "f"))
        case 0x0A: self.bytes.append(UInt8(ascii: "n"))
        case 0x0D: self.bytes.append(UInt8(ascii: "r"))
        case 0x09: self.bytes.append(UInt8(ascii: "t"))
        default:
            self.appendASCII("u00")
            self.bytes.append(hexDigit(byte >> 4))
            self.bytes.append(hexDigit(byte & 0xF))
        }
    }

    /// Writes bytes as a quoted standard base64 string with padding (the proto3 JSON form of `bytes`).
    public mutating func writeBase64String(_ value: UnsafeRawBufferPointer) {
        self.bytes.append(UInt8(ascii: "\""))
        Base64.encode(value, into: &self.bytes)
        self.bytes.append(UInt8(ascii: "\""))
    }
}

@inline(__always)
private func hexDigit(_ nibble: UInt8) -> UInt8 {
    nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
}
