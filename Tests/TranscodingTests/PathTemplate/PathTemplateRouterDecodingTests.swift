import Testing

@testable import Transcoding

@Suite("Router percent-decoding")
struct PathTemplateRouterDecodingTests {
    static let routes = [
        "GET /v1/things",
        "GET /v1/things/{id}",
        "GET /v1/files/{path=**}",
        "GET /v1/{name=buckets/*/objects/*}",
        "GET /v1/raw/*/{after}",
    ]

    @Test(
        "single-segment values are fully decoded, multi-segment values keep %2F, literals match raw text",
        arguments: [
            ("GET /v1/things/a%2Fb", "GET /v1/things/{id} id=a/b"),
            ("GET /v1/things/a%2fb", "GET /v1/things/{id} id=a/b"),
            ("GET /v1/files/a%2Fb/c", "GET /v1/files/{path=**} path=a%2Fb/c"),
            ("GET /v1/files/a%2fb", "GET /v1/files/{path=**} path=a%2fb"),
            ("GET /v1/files/a%20b/c%3Ad", "GET /v1/files/{path=**} path=a b/c:d"),
            ("GET /v1/buckets/b%2F1/objects/o", "GET /v1/{name=buckets/*/objects/*} name=buckets/b%2F1/objects/o"),
            ("GET /v1/buckets/b%41/objects/o%7e", "GET /v1/{name=buckets/*/objects/*} name=buckets/bA/objects/o~"),
            ("GET /v1/things/%25", "GET /v1/things/{id} id=%"),
            ("GET /v1/things/%252F", "GET /v1/things/{id} id=%2F"),
            ("GET /v1/things/a+b", "GET /v1/things/{id} id=a+b"),
            ("GET /v1/things/a%2Bb", "GET /v1/things/{id} id=a+b"),
            ("GET /v1/things/caf%C3%A9", "GET /v1/things/{id} id=caf\u{E9}"),
            ("GET /v1/things/caf%c3%a9", "GET /v1/things/{id} id=caf\u{E9}"),
            ("GET /v1/things/%E2%82%AC", "GET /v1/things/{id} id=\u{20AC}"),
            ("GET /v1/things/%F0%9F%98%80", "GET /v1/things/{id} id=\u{1F600}"),
            ("GET /v1/things/caf\u{E9}", "GET /v1/things/{id} id=caf\u{E9}"),
            ("GET /v1/files/%E2%82%AC/%2F", "GET /v1/files/{path=**} path=\u{20AC}/%2F"),
            // Literals are compared with the raw text: an escaped literal is a different segment.
            ("GET /v1/%74hings", "404"),
            ("GET /v1/%74hings/x", "404"),
            ("GET /v1/things%2Fx", "404"),
            // An escape in a segment no variable binds is checked but not decoded.
            ("GET /v1/raw/%41/b%20", "GET /v1/raw/*/{after} after=b "),
        ]
    )
    func decoding(_ request: String, _ expected: String) throws {
        #expect(try route(makeRouter(Self.routes), request) == expected)
    }

    @Test(
        "invalid escapes and escapes that are not UTF-8 throw invalidPath naming the escape",
        arguments: [
            ("/v1/things/%ZZ", "invalid percent-escape '%ZZ' at offset 11 of the path"),
            ("/v1/things/%4", "truncated percent-escape '%4' at offset 11"),
            ("/v1/things/abc%", "truncated percent-escape '%' at offset 14"),
            ("/v1/things/a%G1", "invalid percent-escape '%G1' at offset 12"),
            ("/v1/things/%%41", "invalid percent-escape '%%4' at offset 11"),
            ("/nowhere/%ZZ", "invalid percent-escape '%ZZ' at offset 9"),
            ("/v1/things/%FF", "percent-escape '%FF' at offset 11 of the path does not decode to valid UTF-8"),
            ("/v1/things/ab%C3%28", "percent-escape '%C3' at offset 13 of the path does not decode to valid UTF-8"),
            ("/v1/things/%E2%82", "percent-escape '%E2%82' at offset 11"),
            ("/v1/things/%E2%82x", "percent-escape '%E2%82' at offset 11"),
            ("/v1/things/%ED%A0%80", "percent-escape '%ED' at offset 11"),
            ("/v1/things/%C0%AF", "percent-escape '%C0' at offset 11"),
            ("/v1/things/%80", "percent-escape '%80' at offset 11"),
            ("/v1/files/ok/%F4%90%80%80", "percent-escape '%F4' at offset 13"),
            ("/v1/things/\u{E9}%A9", "percent-escape '%A9' at offset 13"),
            ("/v1/things/%C3\u{E9}", "percent-escape '%C3' at offset 11"),
        ]
    )
    func invalidEscapes(_ path: String, _ fragment: String) throws {
        let router = try makeRouter(Self.routes)
        let error = try #require(throws: TranscodingError.self) { try router.match(method: "GET", path: path) }
        #expect(error.code == .invalidPath)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test(
        "the UTF-8 check finds the first ill-formed subsequence",
        arguments: [
            ([], nil),
            ([0x41, 0x42], nil),
            ([0xC3, 0xA9], nil),
            ([0xE2, 0x82, 0xAC], nil),
            ([0xF0, 0x9F, 0x98, 0x80], nil),
            ([0xF4, 0x8F, 0xBF, 0xBF], nil),
            ([0xED, 0x9F, 0xBF], nil),
            ([0x80], 0..<1),
            ([0x41, 0xFF], 1..<2),
            ([0xC0, 0x80], 0..<1),
            ([0xC1, 0xBF], 0..<1),
            ([0xC3], 0..<1),
            ([0xC3, 0x28], 0..<1),
            ([0xE0, 0x80, 0x80], 0..<1),
            ([0xE2, 0x82], 0..<2),
            ([0xED, 0xA0, 0x80], 0..<1),
            ([0xF0, 0x8F, 0xBF, 0xBF], 0..<1),
            ([0xF4, 0x90, 0x80, 0x80], 0..<1),
            ([0xF0, 0x9F, 0x98], 0..<3),
            ([0xF5, 0x80, 0x80, 0x80], 0..<1),
            ([0x41, 0xE2, 0x82, 0xAC, 0xE2, 0x41], 4..<5),
        ] as [([UInt8], Range<Int>?)]
    )
    func utf8Validation(_ bytes: [UInt8], _ expected: Range<Int>?) {
        let found = bytes.withUnsafeBufferPointer { PercentDecoding.firstInvalidUTF8($0) }
        #expect(found == expected)
        #expect((found == nil) == (String(validating: bytes, as: UTF8.self) != nil))
    }
}

@Suite("PathTemplate byte search")
struct PathTemplateByteSearchTests {
    @Test("the word-at-a-time search agrees with a plain scan at every length, start and position", arguments: 0..<20)
    func agreesWithPlainScan(length: Int) {
        for start in 0...length {
            for position in -1..<length {
                // Bytes next to the target (0x2E, 0x2F ^ 0x80, 0xAF) catch false positives from borrows and high bits.
                var bytes = (0..<length).map { [UInt8(0x2E), 0xAF, 0x30, 0x00, 0xFF][$0 % 5] }
                if position >= 0 { bytes[position] = UInt8(ascii: "/") }
                if position + 2 < length { bytes[position + 2] = UInt8(ascii: "/") }
                let found = bytes.withUnsafeBytes {
                    ByteSearch.firstIndex(of: UInt8(ascii: "/"), in: $0, from: start, to: length)
                }
                let expected = bytes[start...].firstIndex(of: UInt8(ascii: "/")) ?? length
                #expect(found == expected, "length \(length), start \(start), position \(position)")
            }
        }
    }
}
