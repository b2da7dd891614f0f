import Foundation
import Testing

@testable import Transcoding

@Suite("gRPC-Web text (base64) codec")
struct GRPCWebTextCodecTests {
    /// RFC 4648 section 10 test vectors.
    static let vectors: [(plain: String, encoded: String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test(
        "encodes and decodes the RFC 4648 vectors, however the text is split",
        arguments: Self.vectors.indices,
        GRPCWebChunking.all
    )
    func rfcVectors(index: Int, chunking: GRPCWebChunking) throws {
        let (plain, encoded) = Self.vectors[index]
        #expect(GRPCWebTextEncoder.encode(Array(plain.utf8)) == Array(encoded.utf8))
        #expect(try decodeGRPCWebText(Array(encoded.utf8), chunking) == Array(plain.utf8))
    }

    @Test("matches Foundation's base64 for every length up to 100 and all byte values")
    func matchesFoundation() throws {
        var generator = GRPCWebSeededGenerator(seed: 42)
        for length in 0...100 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = GRPCWebTextEncoder.encode(bytes)
            #expect(encoded == Array(Data(bytes).base64EncodedString().utf8))
            #expect(GRPCWebTextEncoder.encodedCount(of: length) == encoded.count)
            #expect(try decodeGRPCWebText(encoded, .random(seed: UInt64(length))) == bytes)
        }
        let allBytes = (0...255).map { UInt8($0) }
        #expect(try decodeGRPCWebText(GRPCWebTextEncoder.encode(allBytes), .oneByteAtATime) == allBytes)
    }

    @Test("encode(appendingTo:) appends after what is there")
    func appending() {
        var output = Array("x".utf8)
        Array("fo".utf8).withUnsafeBytes { GRPCWebTextEncoder.encode($0, appendingTo: &output) }
        #expect(output == Array("xZm8=".utf8))
    }

    @Test(
        "decoding restarts after padding: separately padded strings concatenate",
        arguments: GRPCWebChunking.all
    )
    func concatenatedChunks(chunking: GRPCWebChunking) throws {
        #expect(try decodeGRPCWebText(Array("Zg==Zm8=Zm9vZg==".utf8), chunking) == Array("ffofoof".utf8))
    }

    @Test(
        "frames encoded one by one decode through the text decoder into the frame decoder",
        arguments: GRPCWebChunking.all
    )
    func framesThroughText(chunking: GRPCWebChunking) throws {
        let payloads: [[UInt8]] = [[], [1], [1, 2], [1, 2, 3], (0..<1000).map { UInt8(truncatingIfNeeded: $0) }]
        var text: [UInt8] = []
        for payload in payloads {
            text += GRPCWebTextEncoder.encode(try GRPCWebFrameEncoder.message(payload))
        }
        text += GRPCWebTextEncoder.encode(GRPCWebFrameEncoder.trailers(status: 0, message: "fine"))
        let frames = try decodeGRPCWebTextFrames(text, chunking)
        #expect(frames.dropLast() == payloads.map { .message($0, compressed: false) }[...])
        guard case .trailers(let trailers) = frames.last else {
            Issue.record("the last frame is not the trailer frame: \(String(describing: frames.last))")
            return
        }
        #expect(trailers.grpcStatus == 0 && trailers.grpcMessage == "fine")
    }

    @Test("a whole body encoded at once decodes the same as one encoded frame by frame")
    func wholeBodyText() throws {
        let body =
            try GRPCWebFrameEncoder.message([7, 7, 7, 7]) + GRPCWebFrameEncoder.trailers(status: 0, message: nil)
        let frames = try decodeGRPCWebFrames(body)
        #expect(try decodeGRPCWebTextFrames(GRPCWebTextEncoder.encode(body), .oneByteAtATime) == frames)
    }

    private static let misplacedPadding = "of its group of 4; padding may only be the third or fourth"
    private static let whitespace = "is whitespace, which grpc-web-text does not allow"
    private static let urlSafe = "is from the URL-safe alphabet; grpc-web-text uses the standard one"
    private static let notCanonical = "has non-zero unused bits before the padding (not canonical base64)"
    private static let unpadded = "of 4 characters (a group must be padded with '=')"

    static let malformed: [(text: String, message: String)] = [
        ("A===", "invalid base64 text: character '=' at offset 1 is character 2 \(misplacedPadding)"),
        ("====", "invalid base64 text: character '=' at offset 0 is character 1 \(misplacedPadding)"),
        ("Zg===", "invalid base64 text: character '=' at offset 4 is character 1 \(misplacedPadding)"),
        ("Zm9vZ=", "invalid base64 text: character '=' at offset 5 is character 2 \(misplacedPadding)"),
        ("Zg=A", "invalid base64 text: character 'A' at offset 3 follows '=' in its group of 4"),
        ("Zg==A", "the text ended inside a base64 group: 1 \(unpadded)"),
        ("Zg==Zm", "the text ended inside a base64 group: 2 \(unpadded)"),
        ("Zm9vZm9", "the text ended inside a base64 group: 3 \(unpadded)"),
        ("Zg=", "the text ended inside a base64 group: 3 \(unpadded)"),
        ("Zm9v\r\n", "invalid base64 text: character 0x0D (CR) at offset 4 \(whitespace)"),
        ("Zm9v\nZg==", "invalid base64 text: character 0x0A (LF) at offset 4 \(whitespace)"),
        ("Zm 9v", "invalid base64 text: character 0x20 (space) at offset 2 \(whitespace)"),
        ("Zm9v\tZg==", "invalid base64 text: character 0x09 (tab) at offset 4 \(whitespace)"),
        ("Zm-v", "invalid base64 text: character '-' at offset 2 \(urlSafe)"),
        ("Zm9vZ_==", "invalid base64 text: character '_' at offset 5 \(urlSafe)"),
        ("Zm9*", "invalid base64 text: character '*' at offset 3 is not in the base64 alphabet"),
        ("Zm9v\u{E9}", "invalid base64 text: character 0xC3 at offset 4 is not in the base64 alphabet"),
        ("Zm9v\u{0}", "invalid base64 text: character 0x00 (NUL) at offset 4 is not in the base64 alphabet"),
        ("Zh==", "invalid base64 text: character 'h' at offset 1 \(notCanonical)"),
        ("Zm9vZm9=", "invalid base64 text: character '9' at offset 6 \(notCanonical)"),
    ]

    @Test(
        "malformed text fails with a specific error and offset, however it is split",
        arguments: Self.malformed.indices,
        GRPCWebChunking.all
    )
    func malformedText(index: Int, chunking: GRPCWebChunking) {
        let (text, message) = Self.malformed[index]
        #expect(
            grpcWebError { _ = try decodeGRPCWebText(Array(text.utf8), chunking) }
                == TranscodingError(.invalidValue, message)
        )
    }

    @Test("errors are sticky: later text is not decoded")
    func sticky() throws {
        var decoder = GRPCWebTextDecoder()
        var output: [UInt8] = []
        let bad = Array("Zg==*".utf8)
        let first = grpcWebError { try bad.withUnsafeBytes { b in try decoder.decode(b, appendingTo: &output) } }
        #expect(first?.code == .invalidValue)
        #expect(output == Array("f".utf8))
        let good = Array("Zm9v".utf8)
        let second = grpcWebError { try good.withUnsafeBytes { b in try decoder.decode(b, appendingTo: &output) } }
        #expect(second == first)
        #expect(grpcWebError { try decoder.finish() } == first)
        #expect(output == Array("f".utf8))
    }
}
