import HTTPTypes
import Hummingbird
import NIOCore
import Testing

@testable import Gateway

/// Streamed responses are written once per burst of arrived messages, in batches of at most 64 KiB.
@Suite("CoalescingBodyWriter", .serialized)
struct CoalescingBodyWriterTests {
    final class Sizes {
        var values: [Int] = []
    }

    /// Records the sizes of the writes it gets.
    struct RecordingWriter: ResponseBodyWriter {
        let sizes: Sizes

        mutating func write(_ buffer: ByteBuffer) async throws {
            self.sizes.values.append(buffer.readableBytes)
        }

        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }

    /// The write sizes for a stream of `count` messages of `size` bytes that has wholly arrived before reading.
    static func writeSizes(count: Int, size: Int) async throws -> [Int] {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let call = pool.call(
                    UpstreamPoolTests.request(target, "Stream", UpstreamPoolTests.streamSpec(count: count, size: size)))
                #expect(await UpstreamPoolTests.eventually { call.stream.hasStatus })
                let sizes = Sizes()
                var writer: any ResponseBodyWriter = RecordingWriter(sizes: sizes)
                var output = CoalescingBodyWriter()
                while let event = try await output.next(from: call, writer: &writer) {
                    if case .message(let message) = event { output.append(Array(buffer: message)) }
                }
                try await output.finish(&writer)
                return sizes.values
            }
        }
    }

    @Test("messages that have all arrived go out in one write")
    func oneBurst() async throws {
        #expect(try await Self.writeSizes(count: 5, size: 8) == [40])
    }

    @Test("a burst larger than the batch limit is written in 64 KiB batches")
    func boundedBatches() async throws {
        #expect(try await Self.writeSizes(count: 20, size: 16 * 1024) == Array(repeating: 64 * 1024, count: 5))
    }
}
