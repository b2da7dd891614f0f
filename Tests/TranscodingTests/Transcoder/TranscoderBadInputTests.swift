import SwiftProtobuf
import Testing

@testable import Transcoding

/// Bad input must fail with the right code, a message that says what was wrong, and the field's path;
/// never with a crash.
@Suite("Transcoder bad input")
struct TranscoderBadInputTests {
    struct BadJSON: CustomTestStringConvertible, Sendable {
        var json: [UInt8]
        let code: TranscodingError.Code
        let fragment: String
        let fieldPath: String?
        var type = "portico.test.v1.Everything"
        var options = Transcoding.JSONDecodingOptions()

        init(
            _ json: String,
            _ code: TranscodingError.Code,
            _ fragment: String,
            path fieldPath: String?,
            type: String = "portico.test.v1.Everything",
            options: Transcoding.JSONDecodingOptions = Transcoding.JSONDecodingOptions()
        ) {
            self.json = Array(json.utf8)
            self.code = code
            self.fragment = fragment
            self.fieldPath = fieldPath
            self.type = type
            self.options = options
        }

        /// A case whose input is not valid UTF-8: `before`, the raw bytes, then `after`.
        static func raw(
            _ before: String,
            _ bytes: [UInt8],
            _ after: String,
            _ code: TranscodingError.Code,
            _ fragment: String,
            path fieldPath: String?
        ) -> BadJSON {
            var testCase = BadJSON("", code, fragment, path: fieldPath)
            testCase.json = Array(before.utf8) + bytes + Array(after.utf8)
            return testCase
        }

        var testDescription: String { String(decoding: self.json.prefix(80), as: UTF8.self) }
    }

    static let deepArrays =
        "{\"value\":" + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
    static let deepMessages =
        String(repeating: "{\"recursive\":", count: 100) + "{}" + String(repeating: "}", count: 100)
    static let deepUnknown =
        "{\"unknown\":" + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "}"

    /// Malformed JSON.
    static let badJSON0: [BadJSON] = [
        BadJSON(#"{"fInt32": 1,}"#, .malformedJSON, "expected a quoted object key but found '}'", path: nil),
        BadJSON(#"{"fInt32": 1 // note"#, .malformedJSON, "expected ',' or '}' after an object member", path: nil),
        BadJSON(#"{"fInt32": 01}"#, .malformedJSON, "invalid number \"01\"", path: "fInt32"),
        BadJSON(#"{"fInt32": +1}"#, .malformedJSON, "expected a JSON value but found '+'", path: "fInt32"),
        BadJSON(#"{"fDouble": NaN}"#, .malformedJSON, "expected a JSON value but found 'N'", path: "fDouble"),
        BadJSON(#"{"fDouble": 1.}"#, .malformedJSON, "invalid number \"1.\"", path: "fDouble"),
        BadJSON(#"{"fBool": tru}"#, .malformedJSON, "expected true or false", path: "fBool"),
        BadJSON(#"{"rInt32": [1,]}"#, .malformedJSON, "expected a JSON value but found ']'", path: "rInt32[1]"),
        BadJSON("{\"fString\": \"a\u{1}b\"}", .malformedJSON, "unescaped control character byte 0x01", path: "fString"),
        BadJSON(#"{"fString": "\x"}"#, .malformedJSON, "invalid escape \\'x'", path: "fString"),
        BadJSON(#"{"fString": "\u12"}"#, .malformedJSON, "\\u must be followed by four hex digits", path: "fString"),
        BadJSON(#"{"fString": "\ud800"}"#, .malformedJSON, "unpaired UTF-16 surrogate", path: "fString"),
        BadJSON(#"{"fString": "\udc00\ud800"}"#, .malformedJSON, "unpaired UTF-16 surrogate", path: "fString"),
        BadJSON(#"{"fString": "\ud800\u0041"}"#, .malformedJSON, "unpaired UTF-16 surrogate", path: "fString"),
        .raw(#"{"fString": ""#, [0xC0, 0xAF], #""}"#, .malformedJSON, "invalid UTF-8", path: "fString"),
        .raw(#"{"fString": ""#, [0xED, 0xA0, 0x80], #""}"#, .malformedJSON, "invalid UTF-8", path: "fString"),
        .raw(#"{"fString": ""#, [0xF4, 0x90, 0x80, 0x80], #""}"#, .malformedJSON, "invalid UTF-8", path: "fString"),
        .raw(#"{"fString": "abc"#, [0xE2, 0x82], "", .malformedJSON, "invalid UTF-8", path: "fString"),
        .raw(#"{"k"#, [0xFF], #"": 1}"#, .malformedJSON, "invalid UTF-8", path: nil),
        BadJSON(#"{"fInt32": 1} x"#, .malformedJSON, "unexpected 'x' after the JSON value", path: nil),
        BadJSON(#"{"fInt32": 1"#, .malformedJSON, "unexpected end of input", path: nil),
        BadJSON(#"{"fString": "abc"#, .malformedJSON, "unterminated string", path: "fString"),
        BadJSON(#"{"fInt32" 1}"#, .malformedJSON, "expected ':' after an object key", path: nil),
        BadJSON("", .malformedJSON, "unexpected end of input", path: nil),
    ]

    /// Well-formed JSON of the wrong type.
    static let badJSON1: [BadJSON] = [
        BadJSON(#"[1]"#, .invalidValue, "expected an object for portico.test.v1.Everything, found an array", path: nil),
        BadJSON(#"{"fInt32": "abc"}"#, .invalidValue, "\"abc\" is not a valid int32", path: "fInt32"),
        BadJSON(#"{"fInt32": true}"#, .invalidValue, "expected a number for int32, found a boolean", path: "fInt32"),
        BadJSON(#"{"fString": 1}"#, .invalidValue, "expected a string for string, found a number", path: "fString"),
        BadJSON(#"{"fBool": "true"}"#, .invalidValue, "expected true or false for bool, found a string", path: "fBool"),
        BadJSON(
            #"{"nested": []}"#,
            .invalidValue,
            "expected an object for portico.test.v1.Nested, found an array",
            path: "nested"
        ),
        BadJSON(
            #"{"rInt32": 1}"#,
            .invalidValue,
            "expected an array for repeated int32, found a number",
            path: "rInt32"
        ),
        BadJSON(
            #"{"mapString": []}"#,
            .invalidValue,
            "expected an object for a map field, found an array",
            path: "mapString"
        ),
        BadJSON(
            #"{"timestamp": 1}"#,
            .invalidValue,
            "expected a string for google.protobuf.Timestamp",
            path: "timestamp"
        ),
        BadJSON(#"{"struct": [1]}"#, .invalidValue, "expected an object for google.protobuf.Struct", path: "struct"),
        BadJSON(
            #"{"listValue": {}}"#,
            .invalidValue,
            "expected an array for google.protobuf.ListValue",
            path: "listValue"
        ),
        BadJSON(#"{"fInt64": "1 "}"#, .invalidValue, "\"1 \" is not a valid int64", path: "fInt64"),
        BadJSON(#"{"fInt64": "\u0031"}"#, .invalidValue, "must not contain escape sequences", path: "fInt64"),
        BadJSON(
            #"{"rInt32": [1, null]}"#,
            .invalidValue,
            "null is not allowed as an element of a repeated int32",
            path: "rInt32[1]"
        ),
        BadJSON(#"{"rNested": [null]}"#, .invalidValue, "null is not allowed", path: "rNested[0]"),
        BadJSON(
            #"{"mapString": {"a": null}}"#,
            .invalidValue,
            "null is not allowed as a map value",
            path: #"mapString["a"]"#
        ),
    ]

    /// Out of range.
    static let badJSON2: [BadJSON] = [
        BadJSON(#"{"fInt32": 2147483648}"#, .invalidValue, "\"2147483648\" is out of range for int32", path: "fInt32"),
        BadJSON(#"{"fInt32": -2147483649}"#, .invalidValue, "out of range for int32", path: "fInt32"),
        BadJSON(#"{"fUint32": 4294967296}"#, .invalidValue, "out of range for uint32", path: "fUint32"),
        BadJSON(#"{"fUint32": -1}"#, .invalidValue, "\"-1\" is out of range for uint32", path: "fUint32"),
        BadJSON(#"{"fUint64": -1}"#, .invalidValue, "\"-1\" is out of range for uint64", path: "fUint64"),
        BadJSON(#"{"fUint64": "18446744073709551616"}"#, .invalidValue, "out of range for uint64", path: "fUint64"),
        BadJSON(#"{"fInt64": "9223372036854775808"}"#, .invalidValue, "out of range for int64", path: "fInt64"),
        BadJSON(#"{"fSfixed64": 1e19}"#, .invalidValue, "out of range for sfixed64", path: "fSfixed64"),
        BadJSON(#"{"fInt32": 1.5}"#, .invalidValue, "\"1.5\" is not an integer, as int32 requires", path: "fInt32"),
        BadJSON(#"{"fInt32": 1e-1}"#, .invalidValue, "is not an integer", path: "fInt32"),
        BadJSON(
            #"{"fInt64": 123456789012345678901234567890}"#,
            .invalidValue,
            "out of range for int64",
            path: "fInt64"
        ),
        BadJSON(#"{"fFloat": 1e39}"#, .invalidValue, "\"1e39\" is out of range for float", path: "fFloat"),
        BadJSON(#"{"fFloat": "-3.5e38"}"#, .invalidValue, "out of range for float", path: "fFloat"),
        BadJSON(#"{"fDouble": 1e309}"#, .invalidValue, "out of range for double", path: "fDouble"),
        BadJSON(#"{"value": -1e400}"#, .invalidValue, "out of range for a Value's double", path: "value"),
        BadJSON(
            #"{"mapInt32": {"2147483648": "x"}}"#,
            .invalidValue,
            "map key \"2147483648\" is not a valid int32",
            path: #"mapInt32["2147483648"]"#
        ),
        BadJSON(
            #"{"mapBool": {"yes": "x"}}"#,
            .invalidValue,
            "map key \"yes\" is not a valid bool",
            path: #"mapBool["yes"]"#
        ),
        BadJSON(#"{"mapUint64": {"-1": "x"}}"#, .invalidValue, "is not a valid uint64", path: #"mapUint64["-1"]"#),
    ]

    /// Bad base64.
    static let badJSON3: [BadJSON] = [
        BadJSON(#"{"fBytes": "abcde"}"#, .invalidValue, "\"abcde\" is not valid base64", path: "fBytes"),
        BadJSON(#"{"fBytes": "ab!d"}"#, .invalidValue, "is not valid base64", path: "fBytes"),
        BadJSON(#"{"fBytes": "ab=d"}"#, .invalidValue, "is not valid base64", path: "fBytes"),
        BadJSON(#"{"fBytes": "a==="}"#, .invalidValue, "is not valid base64", path: "fBytes"),
        BadJSON(#"{"fBytes": "YR=="}"#, .invalidValue, "is not valid base64", path: "fBytes"),
        BadJSON(#"{"fBytes": "YQ= "}"#, .invalidValue, "is not valid base64", path: "fBytes"),
        BadJSON(#"{"rBytes": ["YQ==", "%%%%"]}"#, .invalidValue, "is not valid base64", path: "rBytes[1]"),
    ]

    /// Nesting and size limits.
    static let badJSON4: [BadJSON] = [
        BadJSON(deepArrays, .tooDeep, "depth limit", path: "value" + String(repeating: "[0]", count: 99)),
        BadJSON(
            deepMessages,
            .tooDeep,
            "depth limit",
            path: Array(repeating: "recursive", count: 100).joined(separator: ".")
        ),
        BadJSON(
            deepUnknown,
            .tooDeep,
            "depth limit",
            path: nil,
            options: Transcoding.JSONDecodingOptions(ignoreUnknownFields: true)
        ),
        BadJSON(
            #"{"fString": "0123456789"}"#,
            .tooLarge,
            "more than the limit of 16",
            path: nil,
            options: Transcoding.JSONDecodingOptions(maxInputSize: 16)
        ),
        BadJSON(
            #"{"nested": {"child": {}}}"#,
            .tooDeep,
            "depth limit",
            path: "nested.child",
            options: Transcoding.JSONDecodingOptions(maxDepth: 2)
        ),
    ]

    /// Unknown names.
    static let badJSON5: [BadJSON] = [
        BadJSON(
            #"{"nope": 1}"#,
            .unknownField,
            "unknown field \"nope\" in message portico.test.v1.Everything",
            path: "nope"
        ),
        BadJSON(
            #"{"nested": {"child": {"colour": 1}}}"#,
            .unknownField,
            "unknown field \"colour\" in message portico.test.v1.Nested",
            path: "nested.child.colour"
        ),
        BadJSON(#"{"rNested": [{}, {"x": 1}]}"#, .unknownField, "unknown field \"x\"", path: "rNested[1].x"),
        BadJSON(#"{"mapNested": {"k": {"x": 1}}}"#, .unknownField, "unknown field \"x\"", path: #"mapNested["k"].x"#),
        BadJSON(
            #"{"color": "COLOR_PURPLE"}"#,
            .invalidValue,
            "\"COLOR_PURPLE\" is not a value of enum portico.test.v1.Color",
            path: "color"
        ),
        BadJSON(#"{"rColor": ["COLOR_RED", "X"]}"#, .invalidValue, "\"X\" is not a value of enum", path: "rColor[1]"),
        BadJSON(#"{"mapColor": {"k": "X"}}"#, .invalidValue, "is not a value of enum", path: #"mapColor["k"]"#),
        BadJSON(#"{"color": 2147483648}"#, .invalidValue, "out of range", path: "color"),
        BadJSON(
            #"{"color": true}"#,
            .invalidValue,
            "expected an enum name or number for portico.test.v1.Color",
            path: "color"
        ),
        BadJSON(
            #"{"id": 1, "color": 7}"#,
            .invalidValue,
            "7 is not a value of closed enum portico.test.v1.ClosedColor",
            path: "color",
            type: "portico.test.v1.Legacy"
        ),
    ]

    /// Duplicates.
    static let badJSON6: [BadJSON] = [
        BadJSON(
            #"{"choiceInt32": 1, "choiceString": "a"}"#,
            .invalidValue,
            "oneof \"choice\" of portico.test.v1.Everything already has a value",
            path: "choiceString"
        ),
        BadJSON(#"{"choiceNull": null, "choiceValue": null}"#, .invalidValue, "oneof \"choice\"", path: "choiceValue"),
        BadJSON(
            #"{"fInt32": 1, "f_int32": 2}"#,
            .invalidValue,
            "field \"fInt32\" appears more than once",
            path: "fInt32"
        ),
        BadJSON(
            #"{"mapString": {"a": "1", "b": "2", "a": "3"}}"#,
            .invalidValue,
            "duplicate map key",
            path: #"mapString["a"]"#
        ),
        BadJSON(
            #"{"mapInt64": {"1": "a", "1e0": "b"}}"#,
            .invalidValue,
            "duplicate map key",
            path: #"mapInt64["1e0"]"#
        ),
        BadJSON(#"{"struct": {"k": 1, "\u006b": 2}}"#, .invalidValue, "duplicate map key", path: #"struct["k"]"#),
    ]

    /// Well-known types.
    static let badJSON7: [BadJSON] = [
        BadJSON(
            #"{"timestamp": "2017-13-01T00:00:00Z"}"#,
            .invalidValue,
            "is not a valid Timestamp: no such date",
            path: "timestamp"
        ),
        BadJSON(#"{"timestamp": "2017-02-29T00:00:00Z"}"#, .invalidValue, "no such date", path: "timestamp"),
        BadJSON(#"{"timestamp": "2017-01-01T24:00:00Z"}"#, .invalidValue, "no such time of day", path: "timestamp"),
        BadJSON(
            #"{"timestamp": "2017-01-01T00:00:00"}"#,
            .invalidValue,
            "expected Z or a UTC offset",
            path: "timestamp"
        ),
        BadJSON(#"{"timestamp": "2017-01-01 00:00:00Z"}"#, .invalidValue, "expected the form", path: "timestamp"),
        BadJSON(#"{"timestamp": "2017-01-01t00:00:00z"}"#, .invalidValue, "expected the form", path: "timestamp"),
        BadJSON(#"{"timestamp": "0000-12-31T00:00:00Z"}"#, .invalidValue, "no such date", path: "timestamp"),
        BadJSON(
            #"{"timestamp": "2017-01-01T00:00:00.1234567890Z"}"#,
            .invalidValue,
            "1 to 9 fractional digits",
            path: "timestamp"
        ),
        BadJSON(#"{"timestamp": "9999-12-31T23:59:59-01:00"}"#, .invalidValue, "outside the range", path: "timestamp"),
        BadJSON(
            #"{"rTimestamp": ["1970-01-01T00:00:00Z", "x"]}"#,
            .invalidValue,
            "is not a valid Timestamp",
            path: "rTimestamp[1]"
        ),
        BadJSON(#"{"duration": "1"}"#, .invalidValue, "is not a valid Duration", path: "duration"),
        BadJSON(#"{"duration": "1.5"}"#, .invalidValue, "\"s\" suffix", path: "duration"),
        BadJSON(#"{"duration": "+1s"}"#, .invalidValue, "is not a valid Duration", path: "duration"),
        BadJSON(#"{"duration": "1e3s"}"#, .invalidValue, "is not a valid Duration", path: "duration"),
        BadJSON(#"{"duration": "1.0000000001s"}"#, .invalidValue, "1 to 9 fractional digits", path: "duration"),
        BadJSON(#"{"duration": "315576000001s"}"#, .invalidValue, "more than 315576000000 seconds", path: "duration"),
        BadJSON(#"{"fieldMask": "a_b"}"#, .invalidValue, "'_' cannot appear in a path", path: "fieldMask"),
        BadJSON(#"{"fieldMask": "a,,b"}"#, .invalidValue, "empty path", path: "fieldMask"),
        BadJSON(#"{"fieldMask": "a b"}"#, .invalidValue, "is not a valid FieldMask", path: "fieldMask"),
        BadJSON(
            #"{"any": {"@type": "type.googleapis.com/nope.Nope"}}"#,
            .unknownType,
            "\"type.googleapis.com/nope.Nope\" names no message type",
            path: "any.@type"
        ),
        BadJSON(#"{"any": {"@type": "nope"}}"#, .unknownType, "names no message type", path: "any.@type"),
        BadJSON(#"{"any": {"id": 1}}"#, .invalidValue, "must say its type in \"@type\"", path: "any"),
        BadJSON(
            #"{"any": {"@type": 1}}"#,
            .invalidValue,
            "the \"@type\" of an Any must be a string",
            path: "any.@type"
        ),
        BadJSON(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration"}}"#,
            .invalidValue,
            "must put its JSON form under \"value\"",
            path: "any"
        ),
        BadJSON(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s", "x": 1}}"#,
            .unknownField,
            "unknown field \"x\"",
            path: "any.x"
        ),
        BadJSON(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1"}}"#,
            .invalidValue,
            "is not a valid Duration",
            path: "any.value"
        ),
        BadJSON(
            #"{"any": {"@type": "type.googleapis.com/portico.test.v1.Nested", "id": "x"}}"#,
            .invalidValue,
            "is not a valid int32",
            path: "any.id"
        ),
        BadJSON(
            #"{"any": {"id": 1, "@type": "type.googleapis.com/portico.test.v1.Nested", "@type": "x"}}"#,
            .invalidValue,
            "\"@type\" appears more than once",
            path: "any"
        ),
        BadJSON(#"{"wInt32": "x"}"#, .invalidValue, "\"x\" is not a valid int32", path: "wInt32"),
        BadJSON(#"{"wString": 1}"#, .invalidValue, "expected a string", path: "wString"),
    ]

    static let badJSON: [BadJSON] =
        badJSON0 + badJSON1 + badJSON2 + badJSON3 + badJSON4 + badJSON5 + badJSON6 + badJSON7

    @Test("bad JSON is rejected with the right code, message and field path", arguments: badJSON)
    func badJSONInput(_ testCase: BadJSON) throws {
        let type = try #require(TranscoderFixtures.pool.message(named: testCase.type))
        var writer = ProtobufWriter()
        writer.writeVarint(300)
        let before = writer.bytes
        let error = #expect(throws: TranscodingError.self) {
            try testCase.json.withUnsafeBytes { buffer in
                try JSONToProtobuf(options: testCase.options).transcode(buffer, as: type, into: &writer)
            }
        }
        guard let error else { return }
        #expect(error.code == testCase.code, "\(error)")
        #expect(error.message.contains(testCase.fragment), "\(error.message)")
        #expect(error.fieldPath == testCase.fieldPath, "\(error)")
        #expect(writer.bytes == before, "a failed transcoding leaves the writer as it was")
    }

    // MARK: Protobuf -> JSON

    struct BadBinary: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let code: TranscodingError.Code
        let fragment: String
        let fieldPath: String?

        var testDescription: String { self.name }
    }

    /// A tag byte for small field numbers.
    static func tag(_ number: Int, _ wireType: WireType) -> UInt8 { UInt8(number << 3) | wireType.rawValue }

    static let deepBinary: [UInt8] = {
        var bytes: [UInt8] = []
        for _ in 0..<101 {
            var writer = ProtobufWriter()
            writer.writeTag(fieldNumber: 72, wireType: .lengthDelimited)
            writer.writeLengthDelimited(bytes)
            bytes = writer.bytes
        }
        return bytes
    }()

    /// The binary encoding of an `Everything` built by swift-protobuf (which does not validate values).
    static func everything(_ build: (inout Portico_Test_V1_Everything) -> Void) -> [UInt8] {
        var message = Portico_Test_V1_Everything()
        build(&message)
        return (try? message.serializedBytes()) ?? []
    }

    static let badBinary: [BadBinary] = [
        BadBinary(
            name: "truncated varint",
            bytes: [tag(3, .varint), 0x80],
            code: .malformedProtobuf,
            fragment: "truncated varint",
            fieldPath: "fInt32"
        ),
        BadBinary(
            name: "truncated tag",
            bytes: [0x80],
            code: .malformedProtobuf,
            fragment: "truncated varint",
            fieldPath: nil
        ),
        BadBinary(
            name: "length past the end",
            bytes: [tag(14, .lengthDelimited), 5, 0x61],
            code: .malformedProtobuf,
            fragment: "runs past the end",
            fieldPath: "fString"
        ),
        BadBinary(
            name: "field number 0",
            bytes: [0x00, 0x00],
            code: .malformedProtobuf,
            fragment: "field number 0",
            fieldPath: nil
        ),
        BadBinary(
            name: "wire type 7",
            bytes: [0x0F],
            code: .malformedProtobuf,
            fragment: "invalid tag",
            fieldPath: nil
        ),
        BadBinary(
            name: "wrong wire type",
            bytes: [tag(3, .fixed32), 0, 0, 0, 0],
            code: .malformedProtobuf,
            fragment: "field f_int32 (int32) has wire type 5, expected 0",
            fieldPath: "fInt32"
        ),
        BadBinary(
            name: "stray end group",
            bytes: [0xDC, 0x03],
            code: .malformedProtobuf,
            fragment: "unexpected end of group",
            fieldPath: nil
        ),
        BadBinary(
            name: "invalid UTF-8 in a string",
            bytes: [tag(14, .lengthDelimited), 2, 0xC0, 0xAF],
            code: .malformedProtobuf,
            fragment: "holds invalid UTF-8",
            fieldPath: "fString"
        ),
        BadBinary(
            name: "invalid UTF-8 in a repeated string",
            bytes: [0xE2, 0x02, 1, 0x61, 0xE2, 0x02, 1, 0xFF],
            code: .malformedProtobuf,
            fragment: "invalid UTF-8",
            fieldPath: "rString[1]"
        ),
        BadBinary(
            name: "truncated nested message",
            bytes: [0xB2, 0x04, 3, tag(1, .varint), 0x80, 0x80],
            code: .malformedProtobuf,
            fragment: "truncated varint",
            fieldPath: "nested.id"
        ),
        BadBinary(
            name: "truncated packed run",
            bytes: [tag(9, .fixed32)],
            code: .malformedProtobuf,
            fragment: "truncated fixed32",
            fieldPath: "fFixed32"
        ),
        BadBinary(
            name: "packed fixed64 of the wrong size",
            bytes: [0xC2, 0x02, 3, 1, 2, 3],
            code: .malformedProtobuf,
            fragment: "truncated fixed64",
            fieldPath: "rFixed64[0]"
        ),
        BadBinary(
            name: "101 nested messages",
            bytes: deepBinary,
            code: .tooDeep,
            fragment: "nested more deeply",
            fieldPath: Array(repeating: "recursive", count: 100).joined(separator: ".")
        ),
        BadBinary(
            name: "Timestamp out of range",
            bytes: everything { $0.timestamp.seconds = 253_402_300_800 },
            code: .invalidValue,
            fragment: "is outside 0001-01-01T00:00:00Z",
            fieldPath: "timestamp"
        ),
        BadBinary(
            name: "Timestamp with negative nanos",
            bytes: everything { $0.rTimestamp = [.init(), .init(seconds: 1, nanos: -1)] },
            code: .invalidValue,
            fragment: "is outside",
            fieldPath: "rTimestamp[1]"
        ),
        BadBinary(
            name: "Duration with mixed signs",
            bytes: everything { $0.duration = .init(seconds: 1, nanos: -1) },
            code: .invalidValue,
            fragment: "mixes signs",
            fieldPath: "duration"
        ),
        BadBinary(
            name: "Duration out of range",
            bytes: everything { $0.mapDuration = ["d": .init(seconds: 315_576_000_001, nanos: 0)] },
            code: .invalidValue,
            fragment: "out of range",
            fieldPath: #"mapDuration["d"]"#
        ),
        BadBinary(
            name: "FieldMask path with no JSON form",
            bytes: everything { $0.fieldMask.paths = ["ok", "a_1"] },
            code: .invalidValue,
            fragment: "\"a_1\" has no JSON form",
            fieldPath: "fieldMask"
        ),
        BadBinary(
            name: "FieldMask path with upper case",
            bytes: everything { $0.fieldMask.paths = ["fooBar"] },
            code: .invalidValue,
            fragment: "has no JSON form",
            fieldPath: "fieldMask"
        ),
        BadBinary(
            name: "Value with no kind",
            bytes: [0xEA, 0x07, 0],
            code: .invalidValue,
            fragment: "none of its kinds set",
            fieldPath: "value"
        ),
        BadBinary(
            name: "Value holding NaN",
            bytes: [0xEA, 0x07, 9, tag(2, .fixed64), 0, 0, 0, 0, 0, 0, 0xF8, 0x7F],
            code: .invalidValue,
            fragment: "JSON cannot represent",
            fieldPath: "value"
        ),
        BadBinary(
            name: "Any of an unknown type",
            bytes: [0xC2, 0x07, 8, tag(1, .lengthDelimited), 6] + Array("x/nope".utf8),
            code: .unknownType,
            fragment: "\"x/nope\" names no message type",
            fieldPath: "any.@type"
        ),
        BadBinary(
            name: "Any with a value and no type",
            bytes: [0xC2, 0x07, 3, tag(2, .lengthDelimited), 1, 0x08],
            code: .invalidValue,
            fragment: "holds a value but no type URL",
            fieldPath: "any"
        ),
        BadBinary(
            name: "invalid UTF-8 in a map key",
            bytes: [0xDA, 0x05, 5, tag(1, .lengthDelimited), 1, 0xFF, tag(2, .lengthDelimited), 0],
            code: .malformedProtobuf,
            fragment: "map key holds invalid UTF-8",
            fieldPath: "mapString[\"\u{FFFD}\"]"
        ),
    ]

    @Test("bad protobuf is rejected with the right code, message and field path", arguments: badBinary)
    func badBinaryInput(_ testCase: BadBinary) throws {
        var writer = JSONWriter()
        writer.beginArray()
        let before = writer.bytes
        let error = #expect(throws: TranscodingError.self) {
            try testCase.bytes.withUnsafeBytes { buffer in
                try ProtobufToJSON().transcode(buffer, as: TranscoderFixtures.everything, into: &writer)
            }
        }
        guard let error else { return }
        #expect(error.code == testCase.code, "\(error)")
        #expect(error.message.contains(testCase.fragment), "\(error.message)")
        #expect(error.fieldPath == testCase.fieldPath, "\(error)")
        #expect(writer.bytes == before, "a failed transcoding leaves the writer as it was")
    }

    @Test("random byte strings never crash the printer", arguments: 0..<8)
    func randomBytes(seed: Int) {
        var random = SeededGenerator(seed: UInt64(seed))
        for _ in 0..<500 {
            let bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in
                UInt8.random(in: 0...255, using: &random)
            }
            _ = try? ProtobufToJSON().transcode(bytes, as: TranscoderFixtures.everything)
            _ = try? JSONToProtobuf().transcode(
                String(decoding: bytes, as: UTF8.self),
                as: TranscoderFixtures.everything
            )
        }
    }

    @Test("mutated valid JSON never crashes the parser", arguments: 0..<8)
    func mutatedJSON(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        var generator = RandomMessages(seed: UInt64(seed) + 1000)
        let json = Array(try generator.everything().jsonString().utf8)
        guard !json.isEmpty else { return }
        for _ in 0..<300 {
            var mutated = json
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let index = Int.random(in: 0..<mutated.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: mutated[index] = UInt8.random(in: 0...255, using: &random)
                case 1: mutated.remove(at: index)
                default: mutated.insert(Array("{}[]\",:0-e\\".utf8).randomElement(using: &random) ?? 0, at: index)
                }
                if mutated.isEmpty { break }
            }
            _ = try? mutated.withUnsafeBytes { buffer in
                try JSONToProtobuf().transcode(buffer, as: TranscoderFixtures.everything)
            }
        }
    }
}
