import Testing

@testable import Transcoding

/// SplitMix64: a small deterministic generator, so that "random" chunkings are the same on every run.
struct GRPCWebSeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// How a test splits an input into the chunks it feeds a decoder.
enum GRPCWebChunking: CustomTestStringConvertible, Sendable {
    case whole
    case oneByteAtATime
    case random(seed: UInt64)

    /// Whole, one byte at a time, and a few seeded random splits.
    static let all: [GRPCWebChunking] = [.whole, .oneByteAtATime] + (1...8).map { .random(seed: $0) }

    var testDescription: String {
        switch self {
        case .whole: "whole"
        case .oneByteAtATime: "one byte at a time"
        case .random(let seed): "random chunks (seed \(seed))"
        }
    }

    /// The chunks of `input`, which concatenate back to it.
    func split(_ input: [UInt8]) -> [ArraySlice<UInt8>] {
        switch self {
        case .whole:
            return [input[...]]
        case .oneByteAtATime:
            return input.indices.map { input[$0..<($0 + 1)] }
        case .random(let seed):
            var generator = GRPCWebSeededGenerator(seed: seed)
            var chunks: [ArraySlice<UInt8>] = []
            var start = 0
            while start < input.count {
                // Mostly small pieces, sometimes empty ones, sometimes large ones.
                let size = Int.random(in: 0...(Bool.random(using: &generator) ? 7 : 300), using: &generator)
                let end = min(input.count, start + size)
                chunks.append(input[start..<end])
                start = end
            }
            return chunks
        }
    }
}

/// Feeds `body` to a frame decoder in the chunks `chunking` makes, draining frames after every chunk.
func decodeGRPCWebFrames(
    _ body: [UInt8],
    _ chunking: GRPCWebChunking = .whole,
    maximumMessageSize: Int = GRPCWebFrameDecoder.defaultMaximumMessageSize
) throws -> [GRPCWebFrame] {
    var decoder = GRPCWebFrameDecoder(maximumMessageSize: maximumMessageSize)
    var frames: [GRPCWebFrame] = []
    for chunk in chunking.split(body) {
        chunk.withUnsafeBytes { decoder.append($0) }
        while let frame = try decoder.next() { frames.append(frame) }
    }
    try decoder.finish()
    return frames
}

/// Feeds `text` to a text decoder and a frame decoder in the chunks `chunking` makes.
func decodeGRPCWebTextFrames(_ text: [UInt8], _ chunking: GRPCWebChunking = .whole) throws -> [GRPCWebFrame] {
    var textDecoder = GRPCWebTextDecoder()
    var decoder = GRPCWebFrameDecoder()
    var frames: [GRPCWebFrame] = []
    for chunk in chunking.split(text) {
        try chunk.withUnsafeBytes { chunk in try textDecoder.decode(chunk, into: &decoder) }
        while let frame = try decoder.next() { frames.append(frame) }
    }
    try textDecoder.finish()
    try decoder.finish()
    return frames
}

/// Base64-decodes `text` fed in the chunks `chunking` makes.
func decodeGRPCWebText(_ text: [UInt8], _ chunking: GRPCWebChunking = .whole) throws -> [UInt8] {
    var decoder = GRPCWebTextDecoder()
    var output: [UInt8] = []
    for chunk in chunking.split(text) {
        try chunk.withUnsafeBytes { chunk in try decoder.decode(chunk, appendingTo: &output) }
    }
    try decoder.finish()
    return output
}

/// Raw frame bytes: a flags byte, a big-endian length (the payload's, unless given) and the payload.
func grpcWebFrame(flags: UInt8, length: UInt32? = nil, _ payload: [UInt8]) -> [UInt8] {
    let length = length ?? UInt32(payload.count)
    return [flags, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
        + payload
}

/// A trailer frame with the given text as its payload.
func grpcWebTrailerFrame(_ text: String) -> [UInt8] {
    grpcWebFrame(flags: 0x80, Array(text.utf8))
}

/// The error `body` throws, or nil.
/// The error `body` throws, or nil. A non-`TranscodingError` error is recorded as an issue.
func grpcWebError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> TranscodingError? {
    do {
        try body()
        return nil
    } catch let error as TranscodingError {
        return error
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
