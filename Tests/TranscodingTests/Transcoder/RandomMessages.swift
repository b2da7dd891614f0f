import Foundation
import SwiftProtobuf

@testable import Transcoding

/// SplitMix64: a tiny seeded generator, so every random message can be rebuilt from its seed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { self.state = seed }

    mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds random `Everything` and `Legacy` messages covering every field shape, with values swift-protobuf
/// can print as JSON (finite floats, in-range Timestamps and Durations, convertible FieldMask paths,
/// Values with a kind) and that compare equal after a round trip (no NaN).
struct RandomMessages {
    var random: SeededGenerator

    init(seed: UInt64) { self.random = SeededGenerator(seed: seed) }

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &self.random) < percent }
    mutating func count(_ max: Int = 4) -> Int { Int.random(in: 0...max, using: &self.random) }

    // MARK: Scalars, biased towards edge values

    mutating func int32() -> Int32 {
        self.pick([0, 1, -1, .max, .min, 127, 128, -129]) ?? Int32.random(in: .min ... .max, using: &self.random)
    }
    mutating func int64() -> Int64 {
        self.pick([0, 1, -1, .max, .min, 1 << 53, -(1 << 53) - 1])
            ?? Int64.random(in: .min ... .max, using: &self.random)
    }
    mutating func uint32() -> UInt32 {
        self.pick([0, 1, .max, 1 << 31]) ?? UInt32.random(in: 0 ... .max, using: &self.random)
    }
    mutating func uint64() -> UInt64 {
        self.pick([0, 1, .max, 1 << 63]) ?? UInt64.random(in: 0 ... .max, using: &self.random)
    }
    mutating func double() -> Double {
        if let special = self.pick([
            0.0, -0.0, 1.0, -1.5, 0.1, 1e-300, Double.leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e21,
            123456789.125,
        ]) {
            return special
        }
        let magnitude =
            Double.random(in: -1...1, using: &self.random)
            * pow(10, Double(Int.random(in: -30...30, using: &self.random)))
        return self.chance(50) ? magnitude : Double(Int32.random(in: -100_000...100_000, using: &self.random))
    }
    mutating func float() -> Float {
        if let special = self.pick([
            Float(0), -0.0, 1, 0.1, 3.4028235e38, Float.leastNonzeroMagnitude, 16_777_216, -2.5,
        ]) {
            return special
        }
        return Float(bitPattern: UInt32.random(in: 0...0x7F7F_FFFF, using: &self.random)) * (self.chance(50) ? 1 : -1)
    }
    mutating func bool() -> Bool { self.chance(50) }
    mutating func string() -> String {
        let pieces = [
            "", "a", "hello world", "quote\"back\\slash", "tab\tnew\nline\r", "\u{0}\u{1}\u{1F}", "é", "e\u{301}",
            "日本語",
            "🦜 parrot", "\u{2028}\u{2029}", "</script>", "\u{7F}", "\u{FFFF}", "\u{10FFFF}", "a/b", "{\"json\":[1]}",
        ]
        var text = ""
        for _ in 0..<self.count(3) { text += pieces[Int.random(in: 0..<pieces.count, using: &self.random)] }
        return text
    }
    mutating func bytes() -> Data {
        Data((0..<self.count(9)).map { _ in UInt8.random(in: 0...255, using: &self.random) })
    }
    mutating func identifier() -> String {
        let words = ["a", "b", "name", "page_count", "x1", "display_name", "k"]
        return words[Int.random(in: 0..<words.count, using: &self.random)]
    }

    /// With probability 1/3, one of `values`.
    mutating func pick<T>(_ values: [T]) -> T? {
        guard self.chance(33) else { return nil }
        return values[Int.random(in: 0..<values.count, using: &self.random)]
    }

    mutating func color() -> Portico_Test_V1_Color {
        // Unknown numbers are allowed in open enums and print as numbers.
        self.pick([.UNRECOGNIZED(42)])
            ?? [.unspecified, .red, .green, .blue, .negative][Int.random(in: 0..<5, using: &self.random)]
    }

    // MARK: Well-known types

    mutating func timestamp() -> Google_Protobuf_Timestamp {
        var timestamp = Google_Protobuf_Timestamp()
        timestamp.seconds =
            self.pick([-62_135_596_800, 253_402_300_799, 0, 951_782_400])
            ?? Int64.random(in: -62_135_596_800...253_402_300_799, using: &self.random)
        timestamp.nanos =
            self.pick([0, 1, 999_999_999, 500_000_000, 123_000])
            ?? Int32.random(in: 0...999_999_999, using: &self.random)
        return timestamp
    }
    mutating func duration() -> Google_Protobuf_Duration {
        var duration = Google_Protobuf_Duration()
        let seconds =
            self.pick([0, 315_576_000_000, -315_576_000_000, 1])
            ?? Int64.random(in: -1_000_000...1_000_000, using: &self.random)
        var nanos =
            self.pick([0, 1, 999_999_999, 500_000_000]) ?? Int32.random(in: 0...999_999_999, using: &self.random)
        if seconds < 0 || (seconds == 0 && self.chance(50)) { nanos = -nanos }
        duration.seconds = seconds
        duration.nanos = nanos
        return duration
    }
    mutating func fieldMask() -> Google_Protobuf_FieldMask {
        var mask = Google_Protobuf_FieldMask()
        mask.paths = (0..<self.count(3)).map { _ in
            self.chance(30) ? "\(self.identifier()).\(self.identifier())" : self.identifier()
        }
        return mask
    }
    mutating func value(depth: Int = 0) -> Google_Protobuf_Value {
        var value = Google_Protobuf_Value()
        switch Int.random(in: 0..<(depth < 2 ? 6 : 4), using: &self.random) {
        case 0: value.nullValue = .nullValue
        case 1: value.numberValue = self.double()
        case 2: value.stringValue = self.string()
        case 3: value.boolValue = self.bool()
        case 4: value.structValue = self.structValue(depth: depth + 1)
        default: value.listValue = self.listValue(depth: depth + 1)
        }
        return value
    }
    mutating func structValue(depth: Int = 0) -> Google_Protobuf_Struct {
        var value = Google_Protobuf_Struct()
        for _ in 0..<self.count(3) { value.fields[self.string()] = self.value(depth: depth + 1) }
        return value
    }
    mutating func listValue(depth: Int = 0) -> Google_Protobuf_ListValue {
        var value = Google_Protobuf_ListValue()
        value.values = (0..<self.count(3)).map { _ in self.value(depth: depth + 1) }
        return value
    }
    /// Payloads whose binary encoding is deterministic (no maps), so `Any` values compare equal.
    mutating func any() -> Google_Protobuf_Any {
        do {
            switch Int.random(in: 0..<7, using: &self.random) {
            case 0: return try Google_Protobuf_Any(message: self.nested(depth: 1))
            case 1: return try Google_Protobuf_Any(message: self.timestamp())
            case 2: return try Google_Protobuf_Any(message: self.duration())
            case 3: return try Google_Protobuf_Any(message: Google_Protobuf_Int64Value(self.int64()))
            case 4: return try Google_Protobuf_Any(message: Google_Protobuf_Empty())
            case 5: return try Google_Protobuf_Any(message: self.fieldMask())
            default:
                var book = Portico_Test_V1_Book()
                book.title = self.string()
                book.pageCount = self.int32()
                if self.chance(50) { book.published = self.timestamp() }
                return try Google_Protobuf_Any(message: Google_Protobuf_Any(message: book))
            }
        } catch {
            return Google_Protobuf_Any()
        }
    }

    mutating func nested(depth: Int = 0) -> Portico_Test_V1_Nested {
        var nested = Portico_Test_V1_Nested()
        if self.chance(60) { nested.id = self.int32() }
        if self.chance(60) { nested.label = self.string() }
        if self.chance(40) { nested.color = self.color() }
        if self.chance(40) { nested.values = (0..<self.count()).map { _ in self.int64() } }
        if depth < 2 && self.chance(20) { nested.child = self.nested(depth: depth + 1) }
        return nested
    }

    // MARK: Everything

    mutating func everything(depth: Int = 0) -> Portico_Test_V1_Everything {
        var m = Portico_Test_V1_Everything()
        let p = depth == 0 ? 35 : 15
        if self.chance(p) { m.fDouble = self.double() }
        if self.chance(p) { m.fFloat = self.float() }
        if self.chance(p) { m.fInt32 = self.int32() }
        if self.chance(p) { m.fInt64 = self.int64() }
        if self.chance(p) { m.fUint32 = self.uint32() }
        if self.chance(p) { m.fUint64 = self.uint64() }
        if self.chance(p) { m.fSint32 = self.int32() }
        if self.chance(p) { m.fSint64 = self.int64() }
        if self.chance(p) { m.fFixed32 = self.uint32() }
        if self.chance(p) { m.fFixed64 = self.uint64() }
        if self.chance(p) { m.fSfixed32 = self.int32() }
        if self.chance(p) { m.fSfixed64 = self.int64() }
        if self.chance(p) { m.fBool = self.bool() }
        if self.chance(p) { m.fString = self.string() }
        if self.chance(p) { m.fBytes = self.bytes() }

        if self.chance(p) { m.oDouble = self.double() }
        if self.chance(p) { m.oFloat = self.float() }
        if self.chance(p) { m.oInt32 = self.int32() }
        if self.chance(p) { m.oInt64 = self.int64() }
        if self.chance(p) { m.oUint32 = self.uint32() }
        if self.chance(p) { m.oUint64 = self.uint64() }
        if self.chance(p) { m.oSint32 = self.int32() }
        if self.chance(p) { m.oSint64 = self.int64() }
        if self.chance(p) { m.oFixed32 = self.uint32() }
        if self.chance(p) { m.oFixed64 = self.uint64() }
        if self.chance(p) { m.oSfixed32 = self.int32() }
        if self.chance(p) { m.oSfixed64 = self.int64() }
        if self.chance(p) { m.oBool = self.bool() }
        if self.chance(p) { m.oString = self.string() }
        if self.chance(p) { m.oBytes = self.bytes() }

        if self.chance(p) { m.rDouble = (0..<self.count()).map { _ in self.double() } }
        if self.chance(p) { m.rFloat = (0..<self.count()).map { _ in self.float() } }
        if self.chance(p) { m.rInt32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.rInt64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.rUint32 = (0..<self.count()).map { _ in self.uint32() } }
        if self.chance(p) { m.rUint64 = (0..<self.count()).map { _ in self.uint64() } }
        if self.chance(p) { m.rSint32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.rSint64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.rFixed32 = (0..<self.count()).map { _ in self.uint32() } }
        if self.chance(p) { m.rFixed64 = (0..<self.count()).map { _ in self.uint64() } }
        if self.chance(p) { m.rSfixed32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.rSfixed64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.rBool = (0..<self.count()).map { _ in self.bool() } }
        if self.chance(p) { m.rString = (0..<self.count()).map { _ in self.string() } }
        if self.chance(p) { m.rBytes = (0..<self.count()).map { _ in self.bytes() } }

        if self.chance(p) { m.uDouble = (0..<self.count()).map { _ in self.double() } }
        if self.chance(p) { m.uFloat = (0..<self.count()).map { _ in self.float() } }
        if self.chance(p) { m.uInt32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.uInt64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.uUint32 = (0..<self.count()).map { _ in self.uint32() } }
        if self.chance(p) { m.uUint64 = (0..<self.count()).map { _ in self.uint64() } }
        if self.chance(p) { m.uSint32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.uSint64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.uFixed32 = (0..<self.count()).map { _ in self.uint32() } }
        if self.chance(p) { m.uFixed64 = (0..<self.count()).map { _ in self.uint64() } }
        if self.chance(p) { m.uSfixed32 = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(p) { m.uSfixed64 = (0..<self.count()).map { _ in self.int64() } }
        if self.chance(p) { m.uBool = (0..<self.count()).map { _ in self.bool() } }

        if self.chance(p) { m.color = self.color() }
        if self.chance(p) { m.oColor = self.color() }
        if self.chance(p) { m.rColor = (0..<self.count()).map { _ in self.color() } }
        if self.chance(p) { m.uColor = (0..<self.count()).map { _ in self.color() } }
        if self.chance(p) { m.mood = self.pick([.UNRECOGNIZED(7)]) ?? .grumpy }
        if self.chance(p) { m.aliased = .one }

        if self.chance(p) { m.nested = self.nested() }
        if self.chance(p) { m.rNested = (0..<self.count(3)).map { _ in self.nested() } }
        if depth < 2 && self.chance(p / 2) { m.recursive = self.everything(depth: depth + 1) }
        if depth < 2 && self.chance(p / 3) {
            m.children = (0..<self.count(2)).map { _ in self.everything(depth: depth + 1) }
        }

        if self.chance(p) { for _ in 0..<self.count() { m.mapInt32[self.int32()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapInt64[self.int64()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapUint32[self.uint32()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapUint64[self.uint64()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapSint32[self.int32()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapSint64[self.int64()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapFixed32[self.uint32()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapFixed64[self.uint64()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapSfixed32[self.int32()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapSfixed64[self.int64()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapBool[self.bool()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapString[self.string()] = self.string() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapNested[self.string()] = self.nested() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapColor[self.string()] = self.color() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapBytes[self.string()] = self.bytes() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapDouble[self.string()] = self.double() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapFloat[self.int64()] = self.float() } }

        if self.chance(60) {
            switch Int.random(in: 0..<8, using: &self.random) {
            case 0: m.choiceInt32 = self.int32()
            case 1: m.choiceString = self.string()
            case 2: m.choiceNested = self.nested()
            case 3: m.choiceColor = self.color()
            case 4: m.choiceValue = self.value()
            case 5: m.choiceNull = .nullValue
            case 6: m.choiceBytes = self.bytes()
            default: m.choiceTimestamp = self.timestamp()
            }
        }
        if self.chance(40) {
            if self.bool() { m.otherUint64 = self.uint64() } else { m.otherDouble = self.double() }
        }

        if self.chance(p) { m.any = self.any() }
        if self.chance(p) { m.timestamp = self.timestamp() }
        if self.chance(p) { m.duration = self.duration() }
        if self.chance(p) { m.fieldMask = self.fieldMask() }
        if self.chance(p) { m.struct = self.structValue() }
        if self.chance(p) { m.value = self.value() }
        if self.chance(p) { m.listValue = self.listValue() }
        if self.chance(p) { m.empty = Google_Protobuf_Empty() }
        if self.chance(p) { m.wDouble = Google_Protobuf_DoubleValue(self.double()) }
        if self.chance(p) { m.wFloat = Google_Protobuf_FloatValue(self.float()) }
        if self.chance(p) { m.wInt64 = Google_Protobuf_Int64Value(self.int64()) }
        if self.chance(p) { m.wUint64 = Google_Protobuf_UInt64Value(self.uint64()) }
        if self.chance(p) { m.wInt32 = Google_Protobuf_Int32Value(self.int32()) }
        if self.chance(p) { m.wUint32 = Google_Protobuf_UInt32Value(self.uint32()) }
        if self.chance(p) { m.wBool = Google_Protobuf_BoolValue(self.bool()) }
        if self.chance(p) { m.wString = Google_Protobuf_StringValue(self.string()) }
        if self.chance(p) { m.wBytes = Google_Protobuf_BytesValue(self.bytes()) }

        if self.chance(p) { m.rAny = (0..<self.count(2)).map { _ in self.any() } }
        if self.chance(p) { m.rTimestamp = (0..<self.count()).map { _ in self.timestamp() } }
        if self.chance(p) { m.rDuration = (0..<self.count()).map { _ in self.duration() } }
        if self.chance(p) { m.rFieldMask = (0..<self.count()).map { _ in self.fieldMask() } }
        if self.chance(p) { m.rStruct = (0..<self.count(2)).map { _ in self.structValue() } }
        if self.chance(p) { m.rValue = (0..<self.count()).map { _ in self.value() } }
        if self.chance(p) { m.rListValue = (0..<self.count(2)).map { _ in self.listValue() } }
        if self.chance(p) { m.rEmpty = (0..<self.count()).map { _ in Google_Protobuf_Empty() } }
        if self.chance(p) { m.rNullValue = (0..<self.count()).map { _ in .nullValue } }
        if self.chance(p) { m.rWDouble = (0..<self.count()).map { _ in Google_Protobuf_DoubleValue(self.double()) } }
        if self.chance(p) { m.rWFloat = (0..<self.count()).map { _ in Google_Protobuf_FloatValue(self.float()) } }
        if self.chance(p) { m.rWInt64 = (0..<self.count()).map { _ in Google_Protobuf_Int64Value(self.int64()) } }
        if self.chance(p) { m.rWUint64 = (0..<self.count()).map { _ in Google_Protobuf_UInt64Value(self.uint64()) } }
        if self.chance(p) { m.rWInt32 = (0..<self.count()).map { _ in Google_Protobuf_Int32Value(self.int32()) } }
        if self.chance(p) { m.rWUint32 = (0..<self.count()).map { _ in Google_Protobuf_UInt32Value(self.uint32()) } }
        if self.chance(p) { m.rWBool = (0..<self.count()).map { _ in Google_Protobuf_BoolValue(self.bool()) } }
        if self.chance(p) { m.rWString = (0..<self.count()).map { _ in Google_Protobuf_StringValue(self.string()) } }
        if self.chance(p) { m.rWBytes = (0..<self.count()).map { _ in Google_Protobuf_BytesValue(self.bytes()) } }

        if self.chance(p) { for _ in 0..<self.count(2) { m.mapAny[self.string()] = self.any() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapTimestamp[self.string()] = self.timestamp() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapDuration[self.string()] = self.duration() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapFieldMask[self.string()] = self.fieldMask() } }
        if self.chance(p) { for _ in 0..<self.count(2) { m.mapStruct[self.string()] = self.structValue() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapValue[self.string()] = self.value() } }
        if self.chance(p) { for _ in 0..<self.count(2) { m.mapListValue[self.string()] = self.listValue() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapEmpty[self.string()] = Google_Protobuf_Empty() } }
        if self.chance(p) { for _ in 0..<self.count() { m.mapNullValue[self.string()] = .nullValue } }
        if self.chance(p) {
            for _ in 0..<self.count() { m.mapWInt64[self.string()] = Google_Protobuf_Int64Value(self.int64()) }
        }
        if self.chance(p) {
            for _ in 0..<self.count() { m.mapWString[self.string()] = Google_Protobuf_StringValue(self.string()) }
        }
        if self.chance(p) {
            for _ in 0..<self.count() { m.mapWBytes[self.string()] = Google_Protobuf_BytesValue(self.bytes()) }
        }

        if self.chance(p) { m.renamed = self.int32() }
        if self.chance(p) { m.fieldNameWithDigit2X = self.string() }
        if self.chance(p) { m.highNumber = self.string() }
        return m
    }

    // MARK: proto2

    mutating func legacy(depth: Int = 0) -> Portico_Test_V1_Legacy {
        var m = Portico_Test_V1_Legacy()
        m.id = self.int32()
        if self.chance(50) { m.name = self.string() }
        if self.chance(50) { m.big = self.int64() }
        if self.chance(50) { m.color = self.bool() ? .closedRed : .closedGreen }
        if self.chance(50) { m.numbers = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(50) { m.packedNumbers = (0..<self.count()).map { _ in self.int32() } }
        if self.chance(50) {
            var item = Portico_Test_V1_Legacy.Item()
            if self.chance(70) { item.itemID = self.int32() }
            if self.chance(70) { item.itemName = self.string() }
            m.item = item
        }
        if self.chance(50) {
            m.entry = (0..<self.count()).map { _ in
                var entry = Portico_Test_V1_Legacy.Entry()
                if self.chance(70) { entry.key = self.string() }
                return entry
            }
        }
        if depth < 2 && self.chance(30) { m.child = self.legacy(depth: depth + 1) }
        if self.chance(50) { m.data = self.bytes() }
        if self.chance(50) { m.ratio = self.double() }
        if self.chance(50) { m.flag = self.bool() }
        return m
    }
}
