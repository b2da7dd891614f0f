import Testing

@testable import Transcoding

@Suite("gRPC status message percent-encoding")
struct GRPCWebStatusMessageTests {
    @Test(
        "encodes bytes outside 0x20-0x7E, and '%', as upper-case %XX",
        arguments: [
            ("", ""),
            ("plain ASCII: ok! ~", "plain ASCII: ok! ~"),
            ("100%", "100%25"),
            ("%%", "%25%25"),
            ("caf\u{E9}", "caf%C3%A9"),
            ("\u{65E5}\u{672C}", "%E6%97%A5%E6%9C%AC"),
            ("\u{1F600}", "%F0%9F%98%80"),
            ("a\r\nb\tc", "a%0D%0Ab%09c"),
            ("nul\u{0}", "nul%00"),
            ("del\u{7F}", "del%7F"),
            (" ", " "),
        ]
    )
    func encode(message: String, encoded: String) {
        #expect(GRPCStatusMessage.percentEncode(message) == encoded)
        #expect(GRPCStatusMessage.percentDecode(encoded) == message)
    }

    @Test(
        "decoding never fails: bad escapes stay as they are, non-UTF-8 results are returned undecoded",
        arguments: [
            ("100%", "100%"),
            ("%", "%"),
            ("%4", "%4"),
            ("%zz", "%zz"),
            ("%4g1", "%4g1"),
            ("%41%", "A%"),
            ("%e6%97%a5", "\u{65E5}"),
            ("%25%41", "%A"),
            ("%FF", "%FF"),
            ("ok %C3", "ok %C3"),
            ("%C3%A9 %zz", "\u{E9} %zz"),
        ]
    )
    func tolerantDecode(encoded: String, decoded: String) {
        #expect(GRPCStatusMessage.percentDecode(encoded) == decoded)
    }
}
