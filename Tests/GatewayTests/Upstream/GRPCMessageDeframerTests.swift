import NIOCore
import Testing

@testable import Gateway

@Suite("GRPCMessageDeframer")
struct UpstreamMessageDeframerTests {
    /// Frames payloads the way a gRPC peer does.
    static func framed(_ payloads: [[UInt8]], flags: UInt8 = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        for payload in payloads {
            bytes.append(flags)
            let length = UInt32(payload.count)
            bytes += [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            bytes += payload
        }
        return bytes
    }

    /// Feeds `bytes` in chunks of `chunkSize` and collects every message.
    static func deframe(
        _ bytes: [UInt8],
        chunkSize: Int,
        limit: Int = 1 << 20
    ) throws(GRPCMessageDeframer.Error) -> (messages: [[UInt8]], leftover: Int) {
        var deframer = GRPCMessageDeframer(maximumMessageSize: limit)
        var messages: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(offset + chunkSize, bytes.count)
            deframer.append(ByteBuffer(bytes: bytes[offset..<end]))
            while let message = try deframer.nextMessage() {
                messages.append(Array(message.readableBytesView))
            }
            offset = end
        }
        return (messages, deframer.bufferedByteCount)
    }

    static let payloads: [[UInt8]] = [
        [],
        [1],
        Array(0..<200),
        Array(repeating: 7, count: 20_000),
        [9, 8, 7],
    ]

    @Test("every chunking yields the same messages", arguments: [1, 2, 3, 4, 5, 6, 7, 64, 4096, 1 << 20])
    func chunking(chunkSize: Int) throws {
        let result = try Self.deframe(Self.framed(Self.payloads), chunkSize: chunkSize)
        #expect(result.messages == Self.payloads)
        #expect(result.leftover == 0)
    }

    @Test("several messages in one buffer are all returned")
    func severalInOneBuffer() throws {
        var deframer = GRPCMessageDeframer(maximumMessageSize: 100)
        deframer.append(ByteBuffer(bytes: Self.framed([[1, 2], [3], [4, 5, 6]])))
        #expect(try deframer.nextMessage().map { Array($0.readableBytesView) } == [1, 2])
        #expect(try deframer.nextMessage().map { Array($0.readableBytesView) } == [3])
        #expect(try deframer.nextMessage().map { Array($0.readableBytesView) } == [4, 5, 6])
        #expect(try deframer.nextMessage() == nil)
    }

    @Test("a partial message stays buffered and is counted")
    func partial() throws {
        let bytes = Self.framed([[1, 2, 3, 4]])
        let result = try Self.deframe(Array(bytes.dropLast()), chunkSize: 1)
        #expect(result.messages.isEmpty)
        #expect(result.leftover == bytes.count - 1)
    }

    @Test("a message of exactly the limit is accepted")
    func exactlyTheLimit() throws {
        let result = try Self.deframe(Self.framed([Array(repeating: 1, count: 10)]), chunkSize: 1, limit: 10)
        #expect(result.messages == [Array(repeating: 1, count: 10)])
    }

    @Test("a declared length above the limit fails as soon as the prefix is complete")
    func tooLarge() throws {
        var deframer = GRPCMessageDeframer(maximumMessageSize: 10)
        // Only the prefix: the payload (11 bytes) has not arrived, yet the error is immediate.
        deframer.append(ByteBuffer(bytes: [0, 0, 0, 0, 11]))
        #expect(throws: GRPCMessageDeframer.Error(kind: .messageTooLarge(declaredLength: 11, limit: 10))) {
            try deframer.nextMessage()
        }
    }

    @Test("a 4 GiB declaration is rejected without buffering anything")
    func hugeDeclaration() throws {
        var deframer = GRPCMessageDeframer(maximumMessageSize: 4 << 20)
        for byte: UInt8 in [0, 0xFF, 0xFF, 0xFF] {
            deframer.append(ByteBuffer(bytes: [byte]))
            #expect(try deframer.nextMessage() == nil)
        }
        deframer.append(ByteBuffer(bytes: [0xFF]))
        #expect(
            throws: GRPCMessageDeframer.Error(kind: .messageTooLarge(declaredLength: Int(UInt32.max), limit: 4 << 20))
        ) {
            try deframer.nextMessage()
        }
        #expect(deframer.bufferedByteCount == 5)
    }

    @Test("the compressed flag is rejected")
    func compressed() throws {
        #expect(throws: GRPCMessageDeframer.Error(kind: .compressedMessage)) {
            try Self.deframe(Self.framed([[1]], flags: 1), chunkSize: 1)
        }
    }

    @Test("unknown flag bits are rejected", arguments: [UInt8(2), 0x80, 0xFF])
    func invalidFlags(flags: UInt8) throws {
        #expect(throws: GRPCMessageDeframer.Error(kind: .invalidFlags(flags))) {
            try Self.deframe(Self.framed([[1]], flags: flags), chunkSize: 3)
        }
    }

    @Test("a message inside one buffer is a slice of it, not a copy")
    func zeroCopy() throws {
        var deframer = GRPCMessageDeframer(maximumMessageSize: 100)
        let buffer = ByteBuffer(bytes: Self.framed([[1, 2, 3]]))
        deframer.append(buffer)
        let message = try #require(try deframer.nextMessage())
        let sameStorage = buffer.withUnsafeReadableBytes { whole in
            message.withUnsafeReadableBytes { part in
                part.baseAddress == whole.baseAddress.map { $0 + 5 }
            }
        }
        #expect(sameStorage)
    }
}
