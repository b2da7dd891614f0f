import Foundation
import SwiftProtobuf
import Testing

@testable import Transcoding

typealias Everything = Portico_Test_V1_Everything

/// Writes fields by hand, to build protobuf that no encoder would produce on its own.
private struct Wire {
    var writer = ProtobufWriter()

    func bytes() -> [UInt8] { self.writer.bytes }

    func varint(_ number: Int32, _ value: UInt64) -> Wire {
        var copy = self
        copy.writer.writeTag(fieldNumber: number, wireType: .varint)
        copy.writer.writeVarint(value)
        return copy
    }

    func string(_ number: Int32, _ value: String) -> Wire {
        self.message(number, Array(value.utf8))
    }

    func message(_ number: Int32, _ contents: [UInt8]) -> Wire {
        var copy = self
        copy.writer.writeTag(fieldNumber: number, wireType: .lengthDelimited)
        copy.writer.writeLengthDelimited(contents)
        return copy
    }

    func raw(_ bytes: [UInt8]) -> Wire {
        var copy = self
        copy.writer.bytes += bytes
        return copy
    }
}

@Suite("Transcoder behaviour")
struct TranscoderBehaviorTests {
    static let everything = TranscoderFixtures.everything

    static func json(_ message: Everything, _ options: Transcoding.JSONEncodingOptions = .init()) throws -> String {
        try ProtobufToJSON(options: options).transcode(try message.serializedBytes(), as: Self.everything)
    }

    static func parse(_ json: String, _ options: Transcoding.JSONDecodingOptions = .init()) throws -> Everything {
        try Everything(serializedBytes: JSONToProtobuf(options: options).transcode(json, as: Self.everything))
    }

    // MARK: Protobuf that needs merging

    static var nonCanonical: [(String, [UInt8])] {
        var packed = ProtobufWriter()
        packed.writeVarint(1)
        packed.writeVarint(2)
        var unknownGroup = ProtobufWriter()
        unknownGroup.writeTag(fieldNumber: 999, wireType: .startGroup)
        unknownGroup.writeTag(fieldNumber: 1, wireType: .varint)
        unknownGroup.writeVarint(5)
        unknownGroup.writeTag(fieldNumber: 999, wireType: .endGroup)
        var numberValue = ProtobufWriter()
        numberValue.writeTag(fieldNumber: 2, wireType: .fixed64)
        numberValue.writeFixed64((1.5).bitPattern)
        let structA = Wire().message(1, Wire().string(1, "x").message(2, numberValue.bytes).bytes()).bytes()
        let structB = Wire().message(1, Wire().string(1, "y").message(2, numberValue.bytes).bytes()).bytes()
        return [
            ("a singular scalar twice: the last wins", Wire().varint(3, 1).varint(3, 2).bytes()),
            (
                "a message twice: the occurrences merge",
                Wire().message(70, Wire().varint(1, 7).varint(3, 1).bytes()).varint(3, 5)
                    .message(70, Wire().string(2, "label").varint(3, 2).bytes()).bytes()
            ),
            (
                "a repeated field in three runs, packed and not",
                Wire().message(33, packed.bytes).string(14, "between").varint(33, 3).varint(3, 9).message(
                    33,
                    packed.bytes
                ).bytes()
            ),
            (
                "a oneof switching members: the last member wins, merging only its own run",
                Wire().message(102, Wire().varint(1, 1).bytes()).string(101, "text").message(
                    102,
                    Wire().string(2, "b").bytes()
                )
                .bytes()
            ),
            (
                "a map with a repeated key, entries in odd field order, a missing value",
                Wire().message(91, Wire().string(1, "a").string(2, "first").bytes())
                    .message(91, Wire().string(2, "second").string(1, "a").bytes())
                    .message(91, Wire().string(1, "b").bytes()).bytes()
            ),
            (
                "unknown fields of every wire type are skipped",
                Wire().varint(59, 1).string(3000, "skip me").raw(unknownGroup.bytes).varint(3, 4).bytes()
            ),
            (
                "a Value whose struct comes in two parts",
                Wire().message(125, Wire().message(5, structA).bytes()).message(125, Wire().message(5, structB).bytes())
                    .bytes()
            ),
            (
                "a map entry holding its message value twice",
                Wire().message(
                    92,
                    Wire().string(1, "k").message(2, Wire().varint(1, 3).bytes()).message(
                        2,
                        Wire().string(2, "z").bytes()
                    ).bytes()
                ).bytes()
            ),
        ]
    }

    @Test("protobuf that needs merging prints what swift-protobuf parses", arguments: nonCanonical)
    func nonCanonicalBinary(name: String, bytes: [UInt8]) throws {
        var expected = try Everything(serializedBytes: bytes)
        // JSON has no place for unknown fields; swift-protobuf keeps them in binary.
        expected.unknownFields = UnknownStorage()
        for options in [Transcoding.JSONEncodingOptions(), .init(emitUnpopulatedFields: true, indent: 1)] {
            let json = try ProtobufToJSON(options: options).transcode(bytes, as: Self.everything)
            let parsed = try Everything(jsonString: json)
            #expect(parsed == expected, "\(name)\n\(json)")
        }
    }

    @Test("the examples above print exactly")
    func nonCanonicalText() throws {
        let cases = Dictionary(uniqueKeysWithValues: Self.nonCanonical)
        func printed(_ name: String) throws -> String {
            try ProtobufToJSON().transcode(try #require(cases[name]), as: Self.everything)
        }
        #expect(try printed("a singular scalar twice: the last wins") == #"{"fInt32":2}"#)
        #expect(
            try printed("a message twice: the occurrences merge")
                == #"{"fInt32":5,"nested":{"id":7,"label":"label","color":"COLOR_GREEN"}}"#
        )
        #expect(
            try printed("a repeated field in three runs, packed and not")
                == #"{"fInt32":9,"fString":"between","rInt32":[1,2,3,1,2]}"#
        )
        #expect(
            try printed("a oneof switching members: the last member wins, merging only its own run")
                == #"{"choiceNested":{"label":"b"}}"#
        )
        #expect(
            try printed("a map with a repeated key, entries in odd field order, a missing value")
                == #"{"mapString":{"a":"second","b":""}}"#
        )
        #expect(try printed("unknown fields of every wire type are skipped") == #"{"fInt32":4}"#)
        #expect(try printed("a Value whose struct comes in two parts") == #"{"value":{"x":1.5,"y":1.5}}"#)
    }

    @Test(
        "proto2 groups: padded end tags, and two occurrences that merge",
        arguments: [
            [0x08, 0x01, 0x3B, 0x40, 0x05, 0xBC, 0x00],
            [0x08, 0x01, 0x3B, 0x40, 0x05, 0x3C, 0x3B, 0x4A, 0x01, 0x78, 0x3C, 0x53, 0x5A, 0x00, 0x54],
            [0x3B, 0x3C, 0x08, 0x02, 0x3B, 0x40, 0x07, 0xBC, 0x80, 0x00],
        ] as [[UInt8]]
    )
    func groups(bytes: [UInt8]) throws {
        let expected = try Portico_Test_V1_Legacy(serializedBytes: bytes)
        let json = try ProtobufToJSON().transcode(bytes, as: TranscoderFixtures.legacy)
        #expect(try Portico_Test_V1_Legacy(jsonString: json) == expected, "\(json)")
        let back = try JSONToProtobuf().transcode(json, as: TranscoderFixtures.legacy)
        #expect(try Portico_Test_V1_Legacy(serializedBytes: back) == expected)
    }

    @Test("JSON map keys that collide in the hash are still compared exactly")
    func duplicateMapKeysAcrossOrder() throws {
        let error = #expect(throws: TranscodingError.self) {
            try Self.parse(#"{"mapString": {"a": "1", "b": "2", "c": "3", "b": "4"}}"#)
        }
        #expect(error?.fieldPath == #"mapString["b"]"#)
        // Canonically equivalent but different bytes: two keys (swift-protobuf's Dictionary<String, _> would merge them).
        let binary = try JSONToProtobuf().transcode(#"{"mapString": {"é": "1", "e\u0301": "2"}}"#, as: Self.everything)
        let printed = try ProtobufToJSON().transcode(binary, as: Self.everything)
        #expect(Array(printed.utf8) == Array(#"{"mapString":{"é":"1","e\#u{301}":"2"}}"#.utf8))
    }

    // MARK: Printing options

    @Test("emitUnpopulatedFields prints defaults of implicit-presence fields, [] and {}, nothing else")
    func emitUnpopulated() throws {
        let json = try Self.json(Everything(), .init(emitUnpopulatedFields: true))
        for present in [
            #""fInt32":0"#, #""fInt64":"0""#, #""fDouble":0"#, #""fBool":false"#, #""fString":"""#, #""fBytes":"""#,
            #""rInt32":[]"#, #""mapString":{}"#, #""color":"COLOR_UNSPECIFIED""#, #""nullValue":null"#,
            #""customName":0"#,
            #""rNested":[]"#, #""mapAny":{}"#,
        ] {
            #expect(json.contains(present), "\(present) missing from \(json)")
        }
        for absent in ["oInt32", "nested", "choice", "otherUint64", "timestamp\"", "wInt32", "\"any\"", "\"value\""] {
            #expect(!json.contains(absent), "\(absent) in \(json)")
        }
        let book = TranscoderFixtures.descriptor(of: Portico_Test_V1_Book.self)
        let printed = try ProtobufToJSON(options: .init(emitUnpopulatedFields: true)).transcode([UInt8](), as: book)
        #expect(printed == #"{"name":"","title":"","author":"","pageCount":0,"inPrint":false,"rating":0}"#)
    }

    @Test("enumsAsIntegers and useProtoFieldNames")
    func enumAndNameOptions() throws {
        var message = Everything()
        message.color = .blue
        message.rColor = [.red, .UNRECOGNIZED(9)]
        message.renamed = 3
        message.nullValue = .nullValue
        message.choiceNull = .nullValue
        #expect(
            try Self.json(message)
                == #"{"color":"COLOR_BLUE","rColor":["COLOR_RED",9],"choiceNull":null,"customName":3}"#
        )
        #expect(
            try Self.json(message, .init(enumsAsIntegers: true))
                == #"{"color":3,"rColor":[1,9],"choiceNull":null,"customName":3}"#
        )
        #expect(
            try Self.json(message, .init(useProtoFieldNames: true))
                == #"{"color":"COLOR_BLUE","r_color":["COLOR_RED",9],"choice_null":null,"renamed":3}"#
        )
    }

    @Test("indentation")
    func indentation() throws {
        var message = Everything()
        message.fInt32 = 1
        message.rString = ["a", "b"]
        message.nested.id = 2
        message.mapInt32 = [5: "x"]
        message.rEmpty = [Google_Protobuf_Empty()]
        let expected = """
            {
               "fInt32": 1,
               "rString": [
                  "a",
                  "b"
               ],
               "nested": {
                  "id": 2
               },
               "mapInt32": {
                  "5": "x"
               },
               "rEmpty": [
                  {}
               ]
            }
            """
        #expect(try Self.json(message, .init(indent: 3)) == expected)
        #expect(try Self.parse(expected) == message)
    }

    // MARK: Reading JSON

    @Test("JSON names, proto names, json_name and group type names are all accepted")
    func names() throws {
        let message = try Self.parse(
            #"{"fInt32": 1, "f_int64": "2", "customName": 3, "field_name_with_digit_2x": "d", "high_number": "h"}"#
        )
        #expect(message.fInt32 == 1 && message.fInt64 == 2 && message.renamed == 3)
        #expect(message.fieldNameWithDigit2X == "d" && message.highNumber == "h")
        #expect(try Self.parse(#"{"renamed": 4}"#).renamed == 4)
        #expect(try Self.parse(#"{"f\u0049nt32": 5}"#).fInt32 == 5)
        let legacy = TranscoderFixtures.legacy
        let fromGroupName = try JSONToProtobuf().transcode(
            #"{"id": 1, "Item": {"itemId": 2}, "entry": [{"key": "k"}]}"#,
            as: legacy
        )
        let parsed = try Portico_Test_V1_Legacy(serializedBytes: fromGroupName)
        #expect(parsed.item.itemID == 2 && parsed.entry.first?.key == "k")
    }

    @Test("numbers in every accepted spelling")
    func numberSpellings() throws {
        let message = try Self.parse(
            #"{"fInt32": 1e3, "fInt64": "-9223372036854775808", "fUint64": 18446744073709551615, "fSint32": "-5", "fFixed64": "1.0e2", "fDouble": "NaN", "fFloat": "-Infinity", "oDouble": "1.5", "oFloat": 3.4028234e38, "rDouble": [1, "Infinity", -0.0, 1e-320]}"#
        )
        #expect(message.fInt32 == 1000 && message.fInt64 == .min && message.fUint64 == .max && message.fSint32 == -5)
        #expect(message.fFixed64 == 100 && message.fDouble.isNaN && message.fFloat == -.infinity)
        #expect(message.oDouble == 1.5 && message.oFloat == 3.4028234e38)
        #expect(message.rDouble.count == 4 && message.rDouble[1] == .infinity && message.rDouble[2].sign == .minus)
        #expect(message.rDouble[3] == Double("1e-320"))
    }

    @Test("bytes in both base64 alphabets, padded or not")
    func bytesSpellings() throws {
        let message = try Self.parse(#"{"fBytes": "-_8", "rBytes": ["+/8=", "+/8", "", "aGk="], "oBytes": "\/w=="}"#)
        #expect(message.fBytes == Data([0xFB, 0xFF]))
        #expect(message.rBytes == [Data([0xFB, 0xFF]), Data([0xFB, 0xFF]), Data(), Data("hi".utf8)])
        #expect(message.oBytes == Data([0xFF]))
    }

    @Test("null means absent, except for Value and NullValue")
    func nulls() throws {
        let message = try Self.parse(
            #"{"fInt32": null, "nested": null, "rInt32": null, "mapString": null, "timestamp": null, "wInt32": null, "value": null, "nullValue": null, "choiceInt32": null, "choiceValue": null, "rValue": [null, 1], "mapValue": {"n": null}, "rNullValue": [null]}"#
        )
        #expect(!message.hasNested && !message.hasTimestamp && !message.hasWInt32 && message.rInt32.isEmpty)
        #expect(message.hasValue && message.value.kind == .nullValue(.nullValue))
        #expect(message.choice == .choiceValue(Google_Protobuf_Value(nilLiteral: ())))
        #expect(message.rValue.count == 2 && message.rValue[0].kind == .nullValue(.nullValue))
        #expect(message.mapValue["n"]?.kind == .nullValue(.nullValue) && message.rNullValue == [.nullValue])
        #expect(try Self.parse(#"{"choiceNull": null}"#).choice == .choiceNull(.nullValue))
    }

    @Test("ignoreUnknownFields skips unknown keys and unknown enum names")
    func ignoreUnknown() throws {
        let options = Transcoding.JSONDecodingOptions(ignoreUnknownFields: true)
        let message = try Self.parse(
            #"{"nope": {"deep": [1, {"x": null}]}, "fInt32": 1, "color": "COLOR_PURPLE", "oColor": "NOPE", "rColor": ["COLOR_RED", "NOPE", "COLOR_BLUE"], "uColor": ["NOPE"], "mapColor": {"a": "NOPE", "b": "COLOR_GREEN"}, "nested": {"extra": 1, "id": 2}}"#,
            options
        )
        #expect(message.fInt32 == 1 && message.color == .unspecified && !message.hasOColor)
        #expect(message.rColor == [.red, .blue] && message.uColor.isEmpty)
        #expect(message.mapColor == ["b": .green] && message.nested.id == 2)
    }

    @Test("Any: @type anywhere, well-known payloads under value, Any in Any")
    func anyForms() throws {
        _ = Google_Protobuf_Any.register(messageType: Portico_Test_V1_Nested.self)
        let message = try Self.parse(
            #"""
            {"any": {"id": 5, "label": "x", "@type": "type.googleapis.com/portico.test.v1.Nested"},
             "rAny": [
               {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1.5s"},
               {"value": {"a": [true]}, "@type": "type.googleapis.com/google.protobuf.Struct"},
               {"@type": "type.googleapis.com/google.protobuf.Any", "value": {"@type": "type.googleapis.com/google.protobuf.Int32Value", "value": 7}},
               {"@type": "type.googleapis.com/google.protobuf.Empty"},
               {"@type": "type.googleapis.com/google.protobuf.Empty", "value": {}},
               {"@type": "example.com/x/google.protobuf.Value", "value": null},
               {}
             ]}
            """#
        )
        let nested = try Portico_Test_V1_Nested(unpackingAny: message.any)
        #expect(nested.id == 5 && nested.label == "x")
        #expect(message.rAny.count == 7)
        #expect(
            try Google_Protobuf_Duration(unpackingAny: message.rAny[0])
                == Google_Protobuf_Duration(seconds: 1, nanos: 500_000_000)
        )
        #expect(
            try Google_Protobuf_Struct(unpackingAny: message.rAny[1]).fields["a"]
                == Google_Protobuf_Value(listValue: [true])
        )
        let inner = try Google_Protobuf_Any(unpackingAny: message.rAny[2])
        #expect(try Google_Protobuf_Int32Value(unpackingAny: inner).value == 7)
        #expect(message.rAny[3].typeURL.hasSuffix("Empty") && message.rAny[4].value.isEmpty)
        #expect(try Google_Protobuf_Value(unpackingAny: message.rAny[5]).kind == .nullValue(.nullValue))
        #expect(message.rAny[6] == Google_Protobuf_Any())
        // And back: the payload's fields sit next to "@type".
        let printed = try Self.json(message)
        #expect(printed.contains(#"{"@type":"type.googleapis.com/portico.test.v1.Nested","id":5,"label":"x"}"#))
        #expect(printed.contains(#"{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1.500s"}"#))
        #expect(printed.contains(#"{"@type":"type.googleapis.com/google.protobuf.Empty"}"#))
    }

    @Test(
        "Timestamp and Duration text forms",
        arguments: [
            ("1972-01-01T10:00:20.021Z", 63_108_020, 21_000_000, "1972-01-01T10:00:20.021Z"),
            ("1972-01-01T10:00:20.021+05:30", 63_088_220, 21_000_000, "1972-01-01T04:30:20.021Z"),
            ("0001-01-01T00:00:00-00:00", -62_135_596_800, 0, "0001-01-01T00:00:00Z"),
            ("2000-02-29T23:59:59.000000001Z", 951_868_799, 1, "2000-02-29T23:59:59.000000001Z"),
            ("1969-12-31T23:59:59.1Z", -1, 100_000_000, "1969-12-31T23:59:59.100Z"),
            ("9999-12-31T23:59:59.999999Z", 253_402_300_799, 999_999_000, "9999-12-31T23:59:59.999999Z"),
        ] as [(String, Int64, Int32, String)]
    )
    func timestamps(text: String, seconds: Int64, nanos: Int32, printed: String) throws {
        let message = try Self.parse(#"{"timestamp": "\#(text)"}"#)
        #expect(message.timestamp == Google_Protobuf_Timestamp(seconds: seconds, nanos: nanos))
        #expect(try Self.json(message) == #"{"timestamp":"\#(printed)"}"#)
    }

    @Test(
        "Durations",
        arguments: [
            ("1.000340012s", 1, 340_012, "1.000340012s"), ("-0.5s", 0, -500_000_000, "-0.500s"), ("0s", 0, 0, "0s"),
            ("-315576000000.999999999s", -315_576_000_000, -999_999_999, "-315576000000.999999999s"),
            ("3.1s", 3, 100_000_000, "3.100s"),
        ] as [(String, Int64, Int32, String)]
    )
    func durations(text: String, seconds: Int64, nanos: Int32, printed: String) throws {
        let message = try Self.parse(#"{"duration": "\#(text)"}"#)
        #expect(message.duration == Google_Protobuf_Duration(seconds: seconds, nanos: nanos))
        #expect(try Self.json(message) == #"{"duration":"\#(printed)"}"#)
    }

    @Test("FieldMask paths convert between lowerCamelCase and snake_case")
    func fieldMasks() throws {
        let message = try Self.parse(#"{"fieldMask": "user.displayName,photo,a1B2", "rFieldMask": [""]}"#)
        #expect(message.fieldMask.paths == ["user.display_name", "photo", "a1_b2"])
        #expect(message.rFieldMask == [Google_Protobuf_FieldMask()])
        #expect(try Self.json(message) == #"{"fieldMask":"user.displayName,photo,a1B2","rFieldMask":[""]}"#)
    }

    @Test("a transcoding appends to the writer it is given")
    func appends() throws {
        var writer = ProtobufWriter()
        writer.writeTag(fieldNumber: 1, wireType: .varint)
        writer.writeVarint(1)
        try Array(#"{"fInt32": 2}"#.utf8).withUnsafeBytes {
            try JSONToProtobuf().transcode($0, as: Self.everything, into: &writer)
        }
        #expect(writer.bytes == [0x08, 0x01, 0x18, 0x02])

        var json = JSONWriter()
        json.beginArray()
        json.beginElement()
        try [UInt8]([0x18, 0x02]).withUnsafeBytes {
            try ProtobufToJSON().transcode($0, as: Self.everything, into: &json)
        }
        json.beginElement()
        json.writeNull()
        json.endArray()
        #expect(String(decoding: json.bytes, as: UTF8.self) == #"[{"fInt32":2},null]"#)
    }

    // MARK: One field

    @Test(
        "transcodeValue writes one field's JSON value with its tag",
        arguments: [
            ("nested", #"{"id": 5, "label": "x"}"#),
            ("rInt32", "[1, 2, 300]"),
            ("uInt32", "[1, 2]"),
            ("mapString", #"{"a": "b"}"#),
            ("fString", #""text""#),
            ("timestamp", #""2020-01-01T00:00:00Z""#),
            ("wInt64", #""42""#),
            ("value", "null"),
            ("rValue", #"[null, {"a": 1}]"#),
            ("fInt32", "0"),
            ("oInt32", "0"),
            ("nested", "null"),
        ]
    )
    func transcodeValue(fieldName: String, json: String) throws {
        let field = try #require(Self.everything.field(named: fieldName))
        var writer = ProtobufWriter()
        try Array(json.utf8).withUnsafeBytes { try JSONToProtobuf().transcodeValue($0, of: field, into: &writer) }
        let viaValue = try Everything(serializedBytes: writer.bytes)
        let viaObject = try Self.parse(#"{"\#(fieldName)": \#(json)}"#)
        #expect(viaValue == viaObject)
    }

    @Test("transcodeValue errors name the field")
    func transcodeValueError() throws {
        let field = try #require(Self.everything.field(named: "nested"))
        var writer = ProtobufWriter()
        let error = #expect(throws: TranscodingError.self) {
            try Array(#"{"id": "x"}"#.utf8).withUnsafeBytes {
                try JSONToProtobuf().transcodeValue($0, of: field, into: &writer)
            }
        }
        #expect(error?.fieldPath == "nested.id")
        #expect(writer.bytes.isEmpty)
    }

    @Test(
        "transcodeField prints one field's value, or its default",
        arguments: [
            ("fString", #""Dune""#), ("rInt32", "[1,2]"), ("mapString", #"{"k":"v"}"#), ("nested", #"{"id":3}"#),
            ("timestamp", #""1970-01-01T00:00:01Z""#), ("fInt32", "0"), ("rString", "[]"), ("mapInt32", "{}"),
            ("recursive", "{}"), ("duration", #""0s""#), ("value", "null"), ("wString", #""""#),
            ("color", #""COLOR_UNSPECIFIED""#),
        ]
    )
    func transcodeField(fieldName: String, expected: String) throws {
        var message = Everything()
        message.fString = "Dune"
        message.rInt32 = [1, 2]
        message.mapString = ["k": "v"]
        message.nested.id = 3
        message.timestamp.seconds = 1
        let field = try #require(Self.everything.field(named: fieldName))
        var writer = JSONWriter()
        try (try message.serializedBytes() as [UInt8]).withUnsafeBytes {
            try ProtobufToJSON().transcodeField($0, of: Self.everything, field: field, into: &writer)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test("transcodeField merges every occurrence of the field")
    func transcodeFieldMerges() throws {
        let bytes = Wire().message(70, Wire().varint(1, 1).bytes()).string(14, "x").message(
            70,
            Wire().string(2, "two").bytes()
        ).bytes()
        let field = try #require(Self.everything.field(named: "nested"))
        var writer = JSONWriter()
        try bytes.withUnsafeBytes {
            try ProtobufToJSON().transcodeField($0, of: Self.everything, field: field, into: &writer)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) == #"{"id":1,"label":"two"}"#)
    }
}
