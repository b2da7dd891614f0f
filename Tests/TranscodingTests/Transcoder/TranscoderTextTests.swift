import Foundation
import SwiftProtobuf
import Testing

@testable import Transcoding

/// `encodeText`: query parameters and path variables.
@Suite("Transcoder text values")
struct TranscoderTextTests {
    typealias Check = @Sendable (Portico_Test_V1_Everything) -> Bool

    struct Case: CustomTestStringConvertible, Sendable {
        let field: String
        let text: String
        let check: Check
        var testDescription: String { "\(self.field)=\(self.text)" }
    }

    static let cases: [Case] = [
        Case(field: "fInt32", text: "-42", check: { $0.fInt32 == -42 }),
        Case(field: "fInt32", text: "1e3", check: { $0.fInt32 == 1000 }),
        Case(field: "fInt64", text: "-9223372036854775808", check: { $0.fInt64 == .min }),
        Case(field: "fUint64", text: "18446744073709551615", check: { $0.fUint64 == .max }),
        Case(field: "fSint64", text: "-3", check: { $0.fSint64 == -3 }),
        Case(field: "fFixed32", text: "4294967295", check: { $0.fFixed32 == .max }),
        Case(field: "fSfixed32", text: "-1", check: { $0.fSfixed32 == -1 }),
        Case(field: "fDouble", text: "NaN", check: { $0.fDouble.isNaN }),
        Case(field: "fDouble", text: "-Infinity", check: { $0.fDouble == -.infinity }),
        Case(field: "fDouble", text: "2.5e-3", check: { $0.fDouble == 0.0025 }),
        Case(field: "fFloat", text: "0.1", check: { $0.fFloat == 0.1 }),
        Case(field: "fBool", text: "true", check: { $0.fBool }),
        Case(field: "oBool", text: "false", check: { $0.hasOBool && !$0.oBool }),
        Case(field: "fString", text: "a b/é?", check: { $0.fString == "a b/é?" }),
        Case(field: "fString", text: "", check: { $0.fString == "" }),
        Case(field: "fBytes", text: "-_8", check: { $0.fBytes == Data([0xFB, 0xFF]) }),
        Case(field: "fBytes", text: "+/8=", check: { $0.fBytes == Data([0xFB, 0xFF]) }),
        Case(field: "color", text: "COLOR_BLUE", check: { $0.color == .blue }),
        Case(field: "color", text: "2", check: { $0.color == .green }),
        Case(field: "color", text: "-1", check: { $0.color == .negative }),
        Case(field: "color", text: "77", check: { $0.color == .UNRECOGNIZED(77) }),
        Case(field: "rInt32", text: "5", check: { $0.rInt32 == [5] }),
        Case(field: "rColor", text: "COLOR_RED", check: { $0.rColor == [.red] }),
        Case(field: "wInt32", text: "42", check: { $0.hasWInt32 && $0.wInt32.value == 42 }),
        Case(field: "wString", text: "", check: { $0.hasWString && $0.wString.value == "" }),
        Case(field: "wBool", text: "true", check: { $0.wBool.value }),
        Case(field: "wBytes", text: "aGk", check: { $0.wBytes.value == Data("hi".utf8) }),
        Case(field: "wUint64", text: "18446744073709551615", check: { $0.wUint64.value == .max }),
        Case(
            field: "timestamp",
            text: "2020-01-01T00:00:00.5+01:00",
            check: { $0.timestamp == Google_Protobuf_Timestamp(seconds: 1_577_833_200, nanos: 500_000_000) }
        ),
        Case(
            field: "duration",
            text: "1.5s",
            check: { $0.duration == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000) }
        ),
        Case(field: "fieldMask", text: "a.b,cD", check: { $0.fieldMask.paths == ["a.b", "c_d"] }),
        Case(
            field: "fieldMask",
            text: "page_count,author.display_name",
            check: { $0.fieldMask.paths == ["page_count", "author.display_name"] }
        ),
        Case(field: "choiceInt32", text: "0", check: { $0.choice == .choiceInt32(0) }),
    ]

    @Test("text forms of scalars, enums and well-known types", arguments: cases)
    func encodes(_ testCase: Case) throws {
        let field = try #require(TranscoderFixtures.everything.field(named: testCase.field))
        var writer = ProtobufWriter()
        try JSONToProtobuf().encodeText(testCase.text, of: field, into: &writer)
        let message = try Portico_Test_V1_Everything(serializedBytes: writer.bytes)
        #expect(testCase.check(message), "\(message)")
    }

    @Test("a Substring is read in place")
    func substring() throws {
        let query = "x=1&fInt32=77&y=2"
        let value = query.split(separator: "&")[1].dropFirst("fInt32=".count)
        let field = try #require(TranscoderFixtures.everything.field(named: "fInt32"))
        var writer = ProtobufWriter()
        try JSONToProtobuf().encodeText(value, of: field, into: &writer)
        #expect(writer.bytes == [0x18, 77])
    }

    @Test(
        "bad text values say what is wrong and name the field",
        arguments: [
            ("fInt32", "x", "\"x\" is not a valid int32"), ("fInt32", "2147483648", "out of range for int32"),
            ("fInt32", "1.5", "is not an integer"), ("fUint32", "-1", "out of range for uint32"),
            ("fInt64", " 1", "is not a valid int64"),
            ("fBool", "yes", "\"yes\" is not a valid bool"), ("fBool", "True", "is not a valid bool"),
            ("fFloat", "1e39", "is not a valid float"), ("fDouble", "nan", "is not a valid double"),
            ("fBytes", "abcde", "is not a valid bytes"),
            ("color", "COLOR_PURPLE", "\"COLOR_PURPLE\" is not a value of enum portico.test.v1.Color"),
            ("nested", "{}", "a portico.test.v1.Nested cannot be given as text"),
            ("struct", "{}", "cannot be given as text"),
            ("timestamp", "yesterday", "is not a valid Timestamp"), ("duration", "5", "is not a valid Duration"),
            ("fieldMask", "a,,b", "empty path"), ("wInt32", "x", "is not a valid int32"),
        ]
    )
    func rejects(fieldName: String, text: String, fragment: String) throws {
        let field = try #require(TranscoderFixtures.everything.field(named: fieldName))
        var writer = ProtobufWriter()
        let error = #expect(throws: TranscodingError.self) {
            try JSONToProtobuf().encodeText(text, of: field, into: &writer)
        }
        #expect(error?.code == .invalidValue)
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))")
        #expect(error?.fieldPath?.hasPrefix(field.jsonName) == true)
        #expect(writer.bytes.isEmpty)
    }

    @Test("unknown enum names are skipped with ignoreUnknownFields")
    func ignoresUnknownEnumNames() throws {
        let field = try #require(TranscoderFixtures.everything.field(named: "color"))
        var writer = ProtobufWriter()
        try JSONToProtobuf(options: .init(ignoreUnknownFields: true)).encodeText(
            "COLOR_PURPLE",
            of: field,
            into: &writer
        )
        #expect(writer.bytes.isEmpty)
    }

    @Test("closed enums refuse numbers they do not declare")
    func closedEnums() throws {
        let field = try #require(TranscoderFixtures.legacy.field(named: "color"))
        var writer = ProtobufWriter()
        try JSONToProtobuf().encodeText("2", of: field, into: &writer)
        #expect(throws: TranscodingError.self) { try JSONToProtobuf().encodeText("3", of: field, into: &writer) }
    }
}
