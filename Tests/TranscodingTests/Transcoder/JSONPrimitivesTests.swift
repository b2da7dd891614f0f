import Foundation
import Testing

@testable import Transcoding

/// The JSON building blocks under the transcoder (grouped so that `swift test --filter Transcoder` runs them).
enum TranscoderJSONPrimitives {}

extension TranscoderJSONPrimitives {
    @Suite("JSON scanner")
    struct JSONScannerTests {
        /// Skips one value of `text` and checks that nothing else follows.
        static func skipAll(_ text: String, maxDepth: Int = 100) throws(TranscodingError) {
            let bytes = Array(text.utf8)
            try bytes.withTranscodingBytes { (buffer) throws(TranscodingError) in
                var scanner = JSONScanner(buffer, maxDepth: maxDepth)
                try scanner.skipValue()
                try scanner.expectEnd()
            }
        }

        @Test(
            "well-formed documents are accepted",
            arguments: [
                "0", "-0", "1.5e+10", "-1E-7", "1e999", "true", "false", "null", "\"\"", "[]", "{}",
                " \t\r\n[ 1 , 2 ] ",
                #"{"a":{"b":[null,{"c":"\u00e9\ud83e\udd9c\n\/\\\""}]}}"#, "\"\u{7F}\u{2028}é🦜\"", "[[[[[[]]]]]]",
            ]
        )
        func accepts(text: String) throws {
            try Self.skipAll(text)
        }

        @Test(
            "malformed documents are rejected",
            arguments: [
                "", " ", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "tru", "nul", "True",
                "[1,]", "{\"a\":1,}",
                "[1 2]", "{\"a\" 1}", "{a:1}", "{'a':1}", "[", "{", "]", "\"abc", "\"\\q\"", "\"\\u00G0\"",
                "\"\\ud800\"",
                "\"\\udc00\"", "\"a\u{1}\"", "\"tab\there\"", "// c\n1", "/* c */ 1", "1 2", "[1]]", "{}x", "[}", "{]",
            ]
        )
        func rejects(text: String) {
            #expect(throws: TranscodingError.self) { try Self.skipAll(text) }
        }

        @Test(
            "invalid UTF-8 is rejected in strings",
            arguments: [
                [0xC0, 0x80], [0xC1, 0xBF], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],
                [0xF0, 0x8F, 0xBF, 0xBF],
                [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xBF], [0xC3], [0xE2, 0x82], [0xFE],
                [0xFF],
            ] as [[UInt8]]
        )
        func invalidUTF8(sequence: [UInt8]) {
            let bytes = [UInt8(ascii: "\"")] + sequence + [UInt8(ascii: "\"")]
            #expect(throws: TranscodingError.self) {
                try bytes.withTranscodingBytes { (buffer) throws(TranscodingError) in
                    var scanner = JSONScanner(buffer, maxDepth: 10)
                    try scanner.skipValue()
                }
            }
            #expect(!sequence.withUnsafeBytes { UTF8Validation.isValid($0) })
        }

        @Test("the depth budget counts objects and arrays", arguments: [1, 2, 10])
        func depth(limit: Int) throws {
            let fits = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
            try Self.skipAll(fits, maxDepth: limit)
            let tooDeep = "[" + fits + "]"
            let error = #expect(throws: TranscodingError.self) { try Self.skipAll(tooDeep, maxDepth: limit) }
            #expect(error?.code == .tooDeep)
            // Closing a container gives its level back.
            try Self.skipAll("[" + Array(repeating: fits, count: 3).joined(separator: ",") + "]", maxDepth: limit + 1)
        }

        @Test(
            "strings decode escapes and surrogate pairs",
            arguments: [
                (#""plain""#, "plain"), (#""a\"b\\c\/d""#, "a\"b\\c/d"), (#""\b\f\n\r\t""#, "\u{8}\u{C}\n\r\t"),
                (#""\u0000\u001f\u00e9\u20AC""#, "\u{0}\u{1F}é€"), (#""\ud83e\udd9c!""#, "🦜!"),
                (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
                ("\"raw é 🦜\"", "raw é 🦜"), ("\"0123456789abcdef\\n0123456789\"", "0123456789abcdef\n0123456789"),
            ]
        )
        func strings(json: String, expected: String) throws {
            let bytes = Array(json.utf8)
            let value = try bytes.withTranscodingBytes { (buffer) throws(TranscodingError) -> String in
                var scanner = JSONScanner(buffer, maxDepth: 10)
                let token = try scanner.readString()
                try scanner.expectEnd()
                var decoded: [UInt8] = []
                scanner.appendValue(of: token, to: &decoded)
                #expect(token.hasEscapes == json.contains("\\"))
                return String(decoding: decoded, as: UTF8.self)
            }
            #expect(Array(value.utf8) == Array(expected.utf8))
        }
    }

    @Suite("Decimal numbers")
    struct DecimalNumberTests {
        static func parse(_ text: String) -> DecimalNumber? {
            Array(text.utf8).withUnsafeBytes { DecimalNumber(parsing: $0) }
        }

        @Test(
            "integers, exponents included",
            arguments: [
                ("0", 0), ("-0", 0), ("1e3", 1000), ("1.0", 1), ("100e-2", 1), ("1.5e1", 15),
                ("-9223372036854775808", Int64.min),
                ("9223372036854775807", Int64.max), ("9.223372036854775807e18", Int64.max), ("0.0000e99999", 0),
                ("12300e-2", 123),
                ("1.000000000000000000000000000", 1),
            ] as [(String, Int64)]
        )
        func integers(text: String, expected: Int64) throws {
            let number = try #require(Self.parse(text))
            #expect(try number.int64() == expected)
        }

        @Test(
            "integers that are not, or do not fit",
            arguments: [
                ("1.5", DecimalNumber.IntegerProblem.notAnInteger), ("1e-1", .notAnInteger),
                ("9223372036854775808", .outOfRange),
                ("-9223372036854775809", .outOfRange), ("1e19", .outOfRange), ("1e99999999", .outOfRange),
                ("123456789012345678901234567890", .outOfRange), ("1.0000000000000000000001", .notAnInteger),
            ]
        )
        func notIntegers(text: String, problem: DecimalNumber.IntegerProblem) throws {
            let number = try #require(Self.parse(text))
            #expect(throws: problem) { try number.int64() }
        }

        @Test("uint64 covers the full range and refuses negatives")
        func unsigned() throws {
            #expect(try Self.parse("18446744073709551615")?.uint64() == .max)
            #expect(try Self.parse("1.8446744073709551615e19")?.uint64() == .max)
            #expect(try Self.parse("-0")?.uint64() == 0)
            #expect(throws: DecimalNumber.IntegerProblem.outOfRange) {
                try Self.parse("18446744073709551616")?.uint64()
            }
            #expect(throws: DecimalNumber.IntegerProblem.outOfRange) { try Self.parse("-1")?.uint64() }
        }

        @Test(
            "doubles round correctly on the fast path and the slow one",
            arguments: [
                "0", "-0", "1", "0.1", "0.3", "1e22", "1e23", "9007199254740993", "123456789.125",
                "2.2250738585072014e-308",
                "4.9e-324", "1.7976931348623157e308", "0.30000000000000004", "3.141592653589793", "1e-7", "-12.5e-3",
            ]
        )
        func doubles(text: String) throws {
            let number = try #require(Self.parse(text))
            let value = Array(text.utf8).withUnsafeBytes { number.double(text: $0) }
            let expected = try #require(Double(text))
            #expect(value.bitPattern == expected.bitPattern)
        }

        @Test(
            "floats round once, from the decimal text",
            arguments: ["0.1", "3.4028235e38", "1e-45", "16777217", "1.00000005960464477539"]
        )
        func floats(text: String) throws {
            let number = try #require(Self.parse(text))
            let value = Array(text.utf8).withUnsafeBytes { number.float(text: $0) }
            let expected = try #require(Float(text))
            #expect(value.bitPattern == expected.bitPattern)
        }

        @Test(
            "JSON number syntax is enforced",
            arguments: ["", "-", "01", "1.", ".1", "1e", "+1", "1e+", "0x1", "1_000", " 1", "1 ", "--1", "1.2.3"]
        )
        func syntax(text: String) {
            #expect(Self.parse(text) == nil)
        }
    }

    @Suite("JSON writer")
    struct JSONWriterTests {
        @Test(
            "strings are escaped",
            arguments: [
                ("plain", #""plain""#), ("a\"b\\c", #""a\"b\\c""#), ("\n\r\t\u{8}\u{C}", #""\n\r\t\b\f""#),
                ("\u{0}\u{1F}\u{7F}", #""\u0000\u001f"# + "\u{7F}\""), ("é🦜\u{2028}", "\"é🦜\u{2028}\""), ("/", #""/""#),
                ("exactly eight", #""exactly eight""#), ("sixteen chars!!!", #""sixteen chars!!!""#),
            ]
        )
        func escaping(value: String, expected: String) {
            var writer = JSONWriter()
            writer.writeString(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        }

        @Test(
            "validating UTF-8 while writing",
            arguments: [
                [0x61, 0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xFF],
            ] as [[UInt8]]
        )
        func invalidUTF8(bytes: [UInt8]) {
            var writer = JSONWriter()
            #expect(!bytes.withUnsafeBytes { writer.writeString(validatingUTF8: $0) })
        }

        @Test(
            "integers",
            arguments: [
                (Int64(0), "0"), (7, "7"), (10, "10"), (99, "99"), (100, "100"), (-1, "-1"),
                (1_234_567_890, "1234567890"),
                (.max, "9223372036854775807"), (.min, "-9223372036854775808"),
            ]
        )
        func integers(value: Int64, expected: String) {
            var writer = JSONWriter()
            writer.writeInt64(value)
            writer.writeQuotedUInt64(UInt64.max)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected + "\"18446744073709551615\"")
        }

        @Test(
            "doubles print shortest, integral ones without .0",
            arguments: [
                (1.0, "1"), (-0.0, "-0"), (0.1, "0.1"), (1e15, "1000000000000000"), (1e16, "1e+16"),
                (123456789012345, "123456789012345"), (1e-7, "1e-07"),
                (0.30000000000000004, "0.30000000000000004"), (.infinity, "\"Infinity\""),
                (-.infinity, "\"-Infinity\""),
                (.nan, "\"NaN\""), (.leastNonzeroMagnitude, "5e-324"),
            ]
        )
        func doubles(value: Double, expected: String) {
            var writer = JSONWriter()
            writer.writeDouble(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        }

        @Test(
            "floats print as Float's shortest form",
            arguments: [
                (Float(0.1), "0.1"), (3.4028235e38, "3.4028235e+38"), (16_777_216, "16777216"), (1e10, "1e+10"),
                (2.5, "2.5"), (-3, "-3"),
            ]
        )
        func floats(value: Float, expected: String) {
            var writer = JSONWriter()
            writer.writeFloat(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        }

        @Test("structure: commas, and indentation when asked")
        func structure() {
            func write(_ writer: inout JSONWriter) {
                writer.beginObject()
                writer.writeKey("a")
                writer.writeInt64(1)
                writer.writeKey("b")
                writer.beginArray()
                writer.beginElement()
                writer.writeBool(true)
                writer.beginElement()
                writer.beginObject()
                writer.endObject()
                writer.endArray()
                writer.writeKey("c")
                writer.beginArray()
                writer.endArray()
                writer.endObject()
            }
            var compact = JSONWriter()
            write(&compact)
            #expect(String(decoding: compact.bytes, as: UTF8.self) == #"{"a":1,"b":[true,{}],"c":[]}"#)
            var pretty = JSONWriter(indentWidth: 2)
            write(&pretty)
            #expect(
                String(decoding: pretty.bytes, as: UTF8.self)
                    == "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    {}\n  ],\n  \"c\": []\n}"
            )
        }
    }

    @Suite("Base64")
    struct Base64Tests {
        static func decode(_ text: String) -> [UInt8]? {
            var output: [UInt8] = []
            let ok = Array(text.utf8).withUnsafeBytes { Base64.decode($0, into: &output) }
            return ok ? output : nil
        }

        @Test(
            "encodes with the standard alphabet and padding",
            arguments: [
                ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
                ("\u{FB}\u{FF}", "w7vDvw=="),
            ]
        )
        func encode(plain: String, expected: String) {
            var output: [UInt8] = []
            Array(plain.utf8).withUnsafeBytes { Base64.encode($0, into: &output) }
            #expect(String(decoding: output, as: UTF8.self) == expected)
            #expect(Self.decode(expected) == Array(plain.utf8))
        }

        @Test(
            "decodes both alphabets, padded or not",
            arguments: [
                ("+/+/", [0xFB, 0xFF, 0xBF]), ("-_-_", [0xFB, 0xFF, 0xBF]), ("Zg", [0x66]), ("Zm8", [0x66, 0x6F]),
                ("Zg==", [0x66]), ("", []),
            ] as [(String, [UInt8])]
        )
        func decode(text: String, expected: [UInt8]) {
            #expect(Self.decode(text) == expected)
        }

        @Test(
            "rejects what is not strictly base64",
            arguments: [
                "Z", "Zg=", "Zg===", "Z===", "=", "====", "Zm9v!", "Zm 9v", "Zh==", "Zm9=", "Zm8==", "Zg==Zg==", "\n",
            ]
        )
        func rejects(text: String) {
            #expect(Self.decode(text) == nil)
        }

        @Test("round-trips every length and byte", arguments: 0..<40)
        func roundTrip(length: Int) {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ length) }
            var encoded: [UInt8] = []
            bytes.withUnsafeBytes { Base64.encode($0, into: &encoded) }
            #expect(Self.decode(String(decoding: encoded, as: UTF8.self)) == bytes)
            let unpadded = String(decoding: encoded, as: UTF8.self).replacingOccurrences(of: "=", with: "")
            #expect(Self.decode(unpadded) == bytes)
        }
    }
}
