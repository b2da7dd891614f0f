import Foundation
import SwiftProtobuf
import Testing

@testable import Transcoding

/// swift-protobuf (which passes the protobuf conformance suite) is the oracle: Portico's output must mean
/// to it exactly what the original message meant.
///
/// Where the two differ by design, the test says so:
/// - Portico prints integral doubles and floats without `.0` (`1` rather than `1.0`); both parse the same.
/// - Portico rejects duplicate JSON keys for the same field; swift-protobuf's own output never has any.
/// - Unknown fields are dropped both ways (JSON cannot carry them); the generated messages have none.
/// - Messages are compared after a binary round trip (`normalized`): swift-protobuf's `Any` equality
///   depends on how the `Any` was made, not only on what it holds.
@Suite("Transcoder oracle (swift-protobuf)")
struct TranscoderOracleTests {
    init() {
        _ = Google_Protobuf_Any.register(messageType: Portico_Test_V1_Nested.self)
        _ = Google_Protobuf_Any.register(messageType: Portico_Test_V1_Book.self)
        _ = Google_Protobuf_Any.register(messageType: Portico_Test_V1_Everything.self)
    }

    /// Random messages come in batches of 25 seeds, so a failure names its seed in the message.
    static let batches = Array(0..<16)
    static let seedsPerBatch: UInt64 = 25

    static func seeds(_ batch: Int) -> [UInt64] {
        (0..<seedsPerBatch).map { UInt64(batch) * seedsPerBatch + $0 + 1 }
    }

    /// swift-protobuf's JSON printing variants Portico must read.
    static let swiftProtobufPrintOptions: [SwiftProtobuf.JSONEncodingOptions] = {
        var protoNames = SwiftProtobuf.JSONEncodingOptions()
        protoNames.preserveProtoFieldNames = true
        var enumNumbers = SwiftProtobuf.JSONEncodingOptions()
        enumNumbers.alwaysPrintEnumsAsInts = true
        var int64Numbers = SwiftProtobuf.JSONEncodingOptions()
        int64Numbers.alwaysPrintInt64sAsNumbers = true
        return [SwiftProtobuf.JSONEncodingOptions(), protoNames, enumNumbers, int64Numbers]
    }()

    /// Every combination of Portico's printing options.
    static let porticoPrintOptions: [Transcoding.JSONEncodingOptions] = {
        var all: [Transcoding.JSONEncodingOptions] = []
        for emit in [false, true] {
            for enumsAsIntegers in [false, true] {
                for protoNames in [false, true] {
                    for indent in [0, 2] {
                        all.append(
                            .init(
                                emitUnpopulatedFields: emit,
                                enumsAsIntegers: enumsAsIntegers,
                                useProtoFieldNames: protoNames,
                                indent: indent
                            )
                        )
                    }
                }
            }
        }
        return all
    }()

    // MARK: Random messages

    // These are the heaviest tests of the run. Each message yields the thread, so that the tests waiting on
    // sockets and timers (which share the cooperative pool, two threads on a 2-core machine) are not starved.

    @Test("JSON -> binary: swift-protobuf's JSON transcodes to the same message", arguments: batches)
    func jsonToBinaryRandom(batch: Int) async throws {
        for seed in Self.seeds(batch) {
            var generator = RandomMessages(seed: seed)
            try Self.checkJSONToBinary(generator.everything(), seed: seed)
            try Self.checkJSONToBinary(generator.legacy(), seed: seed)
            await Task.yield()
        }
    }

    @Test("binary -> JSON: Portico's JSON parses to the same message, for every option", arguments: batches)
    func binaryToJSONRandom(batch: Int) async throws {
        for seed in Self.seeds(batch) {
            var generator = RandomMessages(seed: seed)
            try Self.checkBinaryToJSON(generator.everything(), seed: seed)
            try Self.checkBinaryToJSON(generator.legacy(), seed: seed)
            await Task.yield()
        }
    }

    // MARK: Hand-picked messages

    static let handPicked: [(String, Portico_Test_V1_Everything)] = {
        var cases: [(String, Portico_Test_V1_Everything)] = [("empty", Portico_Test_V1_Everything())]

        var extremes = Portico_Test_V1_Everything()
        extremes.fInt32 = .min
        extremes.fInt64 = .min
        extremes.fUint32 = .max
        extremes.fUint64 = .max
        extremes.fSint32 = .min
        extremes.fSint64 = .max
        extremes.fFixed32 = .max
        extremes.fFixed64 = .max
        extremes.fSfixed32 = .min
        extremes.fSfixed64 = .min
        extremes.fDouble = -.greatestFiniteMagnitude
        extremes.fFloat = .leastNonzeroMagnitude
        extremes.oDouble = 0
        extremes.oInt64 = 0
        extremes.oString = ""
        extremes.oBytes = Data()
        extremes.oBool = false
        extremes.oColor = .unspecified
        cases.append(("extremes and explicit zeros", extremes))

        var wellKnown = Portico_Test_V1_Everything()
        wellKnown.timestamp = Google_Protobuf_Timestamp(seconds: -62_135_596_800, nanos: 0)
        wellKnown.rTimestamp = [
            Google_Protobuf_Timestamp(seconds: 253_402_300_799, nanos: 999_999_999),
            Google_Protobuf_Timestamp(seconds: 0, nanos: 10_000_000),
            Google_Protobuf_Timestamp(seconds: -1, nanos: 123_456_000),
        ]
        wellKnown.duration = Google_Protobuf_Duration(seconds: 0, nanos: -500_000_000)
        wellKnown.rDuration = [
            Google_Protobuf_Duration(seconds: -315_576_000_000, nanos: -999_999_999),
            Google_Protobuf_Duration(seconds: 1, nanos: 340_012),
        ]
        wellKnown.fieldMask = Google_Protobuf_FieldMask(protoPaths: ["user.display_name", "photo", "a1.b2"])
        wellKnown.value = Google_Protobuf_Value(nilLiteral: ())
        wellKnown.choiceNull = .nullValue
        wellKnown.rValue = [Google_Protobuf_Value(nilLiteral: ()), Google_Protobuf_Value(numberValue: -0.0)]
        wellKnown.wString = Google_Protobuf_StringValue("")
        wellKnown.wInt64 = Google_Protobuf_Int64Value(0)
        wellKnown.empty = Google_Protobuf_Empty()
        wellKnown.mapNullValue = ["n": .nullValue]
        cases.append(("well-known edge values", wellKnown))

        var deep = Portico_Test_V1_Everything()
        for level in 0..<40 {
            var outer = Portico_Test_V1_Everything()
            outer.fInt32 = Int32(level)
            outer.recursive = deep
            deep = outer
        }
        cases.append(("40 levels of recursion", deep))

        var big = Portico_Test_V1_Everything()
        big.fString = String(repeating: "ünïcødé \"quoted\" \\ ", count: 2000)
        big.fBytes = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        big.rInt64 = (0..<5000).map { Int64($0) * 1_000_003 - 2_500_000_000 }
        big.mapString = Dictionary(uniqueKeysWithValues: (0..<500).map { ("key \($0)", "value \($0)") })
        cases.append(("large values with long length prefixes", big))

        var oneofNested = Portico_Test_V1_Everything()
        oneofNested.choiceValue = Google_Protobuf_Value(
            structValue: Google_Protobuf_Struct(fields: ["a": Google_Protobuf_Value(listValue: [1, "x", nil, true])])
        )
        cases.append(("a Value oneof member holding a struct", oneofNested))
        return cases
    }()

    @Test("hand-picked messages, both directions", arguments: handPicked.indices)
    func handPickedCases(index: Int) throws {
        let (_, message) = Self.handPicked[index]
        try Self.checkJSONToBinary(message, seed: UInt64(index))
        try Self.checkBinaryToJSON(message, seed: UInt64(index))
    }

    @Test("NaN and infinities survive both ways (compared by bit pattern: NaN != NaN)")
    func nonFiniteFloats() throws {
        var message = Portico_Test_V1_Everything()
        message.fDouble = .infinity
        message.fFloat = -.infinity
        message.rDouble = [.nan, .infinity, -.infinity]
        message.rFloat = [.nan, .infinity]
        message.wDouble = Google_Protobuf_DoubleValue(.nan)
        let json: String = try message.jsonString()
        let binary = try JSONToProtobuf().transcode(json, as: TranscoderFixtures.everything)
        let parsed = try Portico_Test_V1_Everything(serializedBytes: binary)
        #expect(parsed.fDouble == .infinity && parsed.fFloat == -.infinity)
        #expect(parsed.rDouble.count == 3 && parsed.rDouble[0].isNaN && parsed.rDouble[2] == -.infinity)
        #expect(parsed.rFloat.count == 2 && parsed.rFloat[0].isNaN)
        #expect(parsed.wDouble.value.isNaN)

        let printed = try ProtobufToJSON().transcode(try message.serializedBytes(), as: TranscoderFixtures.everything)
        #expect(printed.contains(#""fDouble":"Infinity""#))
        #expect(printed.contains(#""rDouble":["NaN","Infinity","-Infinity"]"#))
        let reparsed = try Portico_Test_V1_Everything(jsonString: printed)
        #expect(reparsed.rFloat[1] == .infinity && reparsed.wDouble.value.isNaN)
    }

    // MARK: Checks

    /// The message after a binary round trip. swift-protobuf compares `Any` values by their stored form
    /// (a message, binary, or JSON text) and calls different forms unequal; after this every `Any` holds
    /// binary, which is deterministic for the payloads the tests use (no maps).
    static func normalized<M: SwiftProtobuf.Message>(_ message: M) throws -> M {
        try M(serializedBytes: message.serializedBytes() as [UInt8])
    }

    /// (a) swift-protobuf's JSON, in each of its printing variants, transcodes to binary that parses back
    /// to the original; (c) Portico's own JSON does too.
    static func checkJSONToBinary<M: SwiftProtobuf.Message & _ProtoNameProviding & Equatable>(
        _ message: M,
        seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let type = TranscoderFixtures.descriptor(of: M.self)
        for options in Self.swiftProtobufPrintOptions {
            let json = try message.jsonString(options: options)
            let binary: [UInt8]
            do {
                binary = try JSONToProtobuf().transcode(json, as: type)
            } catch {
                Issue.record(
                    "seed \(seed): Portico rejected swift-protobuf's JSON: \(error)\n\(json)",
                    sourceLocation: sourceLocation
                )
                continue
            }
            let parsed = try M(serializedBytes: binary)
            #expect(
                try Self.normalized(parsed) == Self.normalized(message),
                "seed \(seed): JSON -> binary changed the message\n\(json)",
                sourceLocation: sourceLocation
            )
        }
        // Portico's own JSON, in each printing variant, reads back too.
        let original: [UInt8] = try message.serializedBytes()
        for options in [
            Transcoding.JSONEncodingOptions(),
            .init(emitUnpopulatedFields: true, enumsAsIntegers: true, useProtoFieldNames: true, indent: 2),
        ] {
            let porticoJSON = try ProtobufToJSON(options: options).transcode(original, as: type)
            let binary = try JSONToProtobuf().transcode(porticoJSON, as: type)
            #expect(
                try Self.normalized(M(serializedBytes: binary)) == Self.normalized(message),
                "seed \(seed): Portico round trip",
                sourceLocation: sourceLocation
            )
        }
    }

    /// (b) Portico's JSON for the binary encoding, with every option combination, parses back (with
    /// swift-protobuf) to the original.
    static func checkBinaryToJSON<M: SwiftProtobuf.Message & _ProtoNameProviding & Equatable>(
        _ message: M,
        seed: UInt64,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let type = TranscoderFixtures.descriptor(of: M.self)
        let binary: [UInt8] = try message.serializedBytes()
        for options in Self.porticoPrintOptions {
            let json: String
            do {
                json = try ProtobufToJSON(options: options).transcode(binary, as: type)
            } catch {
                Issue.record(
                    "seed \(seed): Portico could not print the message: \(error)",
                    sourceLocation: sourceLocation
                )
                continue
            }
            do {
                let parsed = try M(jsonString: json)
                #expect(
                    try Self.normalized(parsed) == Self.normalized(message),
                    "seed \(seed), \(options): binary -> JSON changed the message\n\(json)",
                    sourceLocation: sourceLocation
                )
            } catch {
                Issue.record(
                    "seed \(seed), \(options): swift-protobuf rejected Portico's JSON: \(error)\n\(json)",
                    sourceLocation: sourceLocation
                )
            }
        }
    }
}
