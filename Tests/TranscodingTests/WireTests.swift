import Testing

@testable import Transcoding

@Suite("Protobuf wire primitives")
struct WireTests {
    @Test(
        "varints round-trip", arguments: [UInt64(0), 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64.max])
    func varintRoundTrip(value: UInt64) throws {
        var writer = ProtobufWriter()
        writer.writeVarint(value)
        #expect(writer.count == ProtobufWriter.varintSize(value))
        let decoded = try writer.bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            return try reader.readVarint()
        }
        #expect(decoded == value)
    }

    @Test("a long nested length is back-patched", arguments: [0, 1, 127, 128, 20_000])
    func backPatchedLength(length: Int) throws {
        var writer = ProtobufWriter()
        writer.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
        let marker = writer.beginLengthDelimited()
        writer.bytes.append(contentsOf: repeatElement(7, count: length))
        writer.endLengthDelimited(marker)
        try writer.bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            let tag = try reader.readTag()
            #expect(tag.fieldNumber == 1 && tag.wireType == .lengthDelimited)
            let contents = try reader.readLengthDelimited()
            #expect(contents.count == length)
            #expect(reader.isAtEnd)
        }
    }

    @Test(
        "truncated input throws instead of trapping",
        arguments: [[0x80], [0x0A, 0x05, 0x01], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]]
            as [[UInt8]])
    func truncated(bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            #expect(throws: TranscodingError.self) {
                _ = try reader.readTag()
                _ = try reader.readLengthDelimited()
            }
        }
    }
}
