import Testing

@testable import Transcoding

@Suite("gRPC-Web trailer frame parsing")
struct GRPCWebTrailersTests {
    private func parse(_ text: String) throws -> GRPCWebTrailers {
        try Array(text.utf8).withUnsafeBytes { bytes in try GRPCWebTrailers(parsing: bytes) }
    }

    private func fields(_ pairs: [(String, String)]) -> GRPCWebTrailers {
        GRPCWebTrailers(pairs.map { GRPCWebTrailers.Field(name: $0.0, value: $0.1) })
    }

    @Test(
        "lines parse to lower-case names and trimmed values",
        arguments: [
            ("grpc-status: 0\r\n", [("grpc-status", "0")]),
            ("grpc-status:0\r\n", [("grpc-status", "0")]),
            ("grpc-status:   0  \r\n", [("grpc-status", "0")]),
            ("grpc-status:\t0\t\r\n", [("grpc-status", "0")]),
            ("Grpc-Status: 0\r\nX-Custom-ID: AbC\r\n", [("grpc-status", "0"), ("x-custom-id", "AbC")]),
            ("grpc-status: 0", [("grpc-status", "0")]),
            ("grpc-message:\r\n", [("grpc-message", "")]),
            ("grpc-message: a: b  c\r\n", [("grpc-message", "a: b  c")]),
            ("\r\ngrpc-status: 0\r\n\r\n", [("grpc-status", "0")]),
            ("x-a: 1\r\nx-b: 2\r\nx-a: 3\r\n", [("x-a", "1"), ("x-b", "2"), ("x-a", "3")]),
            ("x-utf8: caf\u{E9}\r\n", [("x-utf8", "caf\u{E9}")]),
            ("", []),
        ] as [(String, [(String, String)])]
    )
    func parses(text: String, expected: [(String, String)]) throws {
        #expect(try self.parse(text) == self.fields(expected))
    }

    @Test("duplicate names keep their order; lookups ignore case")
    func duplicates() throws {
        let trailers = try self.parse("x-a: 1\r\nX-B: 2\r\nX-A: 3\r\n")
        #expect(trailers.values(for: "X-a") == ["1", "3"])
        #expect(trailers["x-A"] == "1")
        #expect(trailers["x-b"] == "2")
        #expect(trailers["missing"] == nil)
        #expect(trailers.values(for: "missing") == [])
    }

    @Test("grpcStatus and grpcMessage read the status, percent-decoding the message")
    func status() throws {
        let trailers = try self.parse("grpc-status: 5\r\ngrpc-message: no such book: caf%C3%A9 %25\r\n")
        #expect(trailers.grpcStatus == 5)
        #expect(trailers.grpcMessage == "no such book: caf\u{E9} %")
        let bare = try self.parse("grpc-status: five\r\n")
        #expect(bare.grpcStatus == nil)
        #expect(bare.grpcMessage == nil)
    }

    @Test(
        "malformed lines fail with a specific error",
        arguments: [
            ("grpc-status 0\r\n", "trailer line 1 has no ':' between name and value"),
            ("grpc-status: 0\r\n: 1\r\n", "trailer line 2 has an empty name"),
            ("grpc-status : 0\r\n", "trailer line 1 has 0x20 (space) in its name, which must be an HTTP token"),
            ("grpc(status): 0\r\n", "trailer line 1 has '(' in its name, which must be an HTTP token"),
            ("grpc-status: 0\nx: 1\r\n", "trailer line 1 contains a LF that is not part of a CRLF"),
            ("grpc-status: 0\rx: 1\r\n", "trailer line 1 contains a CR that is not part of a CRLF"),
            ("grpc-status: 0\r", "trailer line 1 contains a CR that is not part of a CRLF"),
            ("a: 1\r\nb: x\u{0}y\r\n", "trailer line 2 has the control character 0x00 (NUL) in its value"),
            ("a: x\u{7F}\r\n", "trailer line 1 has the control character 0x7F in its value"),
        ]
    )
    func malformed(text: String, message: String) {
        #expect(grpcWebError { _ = try self.parse(text) } == TranscodingError(.invalidValue, message))
    }

    @Test("a value that is not UTF-8 fails")
    func notUTF8() {
        let bytes: [UInt8] = Array("x-a: ".utf8) + [0xC3, 0x28] + Array("\r\n".utf8)
        let error = grpcWebError {
            _ = try bytes.withUnsafeBytes { bytes in try GRPCWebTrailers(parsing: bytes) }
        }
        #expect(error == TranscodingError(.invalidValue, "trailer line 1 has a value that is not UTF-8"))
    }
}
