import Testing
import Transcoding

@testable import Gateway

@Suite("Stream formats")
struct StreamFormatTests {
    static func write(_ text: String) -> (inout [UInt8]) throws(TranscodingError) -> Void {
        { output throws(TranscodingError) in output.append(contentsOf: text.utf8) }
    }

    /// Writes half a message, then fails, as a transcoder meeting a malformed message would.
    static func failing(_ output: inout [UInt8]) throws(TranscodingError) {
        output.append(contentsOf: #"{"half"#.utf8)
        throw TranscodingError(.malformedProtobuf, "cut short")
    }

    @Test(
        "messages are framed for the format; one whose JSON fails to write leaves no trace",
        arguments: [
            (StreamFormat.array, #"[{"a":1},{"b":2}"#),
            (.ndjson, "{\"a\":1}\n{\"b\":2}\n"),
            (.serverSentEvents, "data: {\"a\":1}\n\ndata: {\"b\":2}\n\n"),
        ])
    func framing(format: StreamFormat, expected: String) throws {
        var output = format.opening
        try format.appendMessage(index: 0, to: &output, writeJSON: Self.write(#"{"a":1}"#))
        #expect(throws: TranscodingError.self) {
            try format.appendMessage(index: 1, to: &output, writeJSON: Self.failing)
        }
        try format.appendMessage(index: 1, to: &output, writeJSON: Self.write(#"{"b":2}"#))
        #expect(String(decoding: output, as: UTF8.self) == expected)
    }
}
