/// A message's field names as bytes, built once per message type: a hash table from JSON keys (JSON
/// name and proto name) to field indices, so a key is looked up straight from the input without
/// creating a `String`, and each field's key pre-quoted for printing.
///
/// The tables live in raw memory owned by this object (freed with it), so the transcoders' inner
/// loops read them without reference counting.
final class JSONFieldNames: @unchecked Sendable {
    private struct Entry {
        var hash: UInt64
        var fieldIndex: Int32
        var nameStart: Int32
        var nameCount: Int32
    }

    /// A pre-quoted key: `count` bytes at `start` in `quotedKeys`.
    private struct KeyRange {
        var start: Int32
        var count: Int32
    }

    /// Open addressing, linear probing; each slot holds an entry index + 1, 0 when empty.
    private let slots: UnsafeMutableBufferPointer<Int32>
    private let slotMask: Int
    private let entries: UnsafeMutableBufferPointer<Entry>
    /// Every name's UTF-8, back to back.
    private let nameBytes: UnsafeMutableRawPointer
    /// `"jsonName"` and `"proto_name"` of every field, quotes included, back to back.
    private let quotedKeys: UnsafeMutableRawPointer
    private let fieldCount: Int
    /// Per field: its JSON key range, then its proto key range.
    private let keyRanges: UnsafeMutableBufferPointer<KeyRange>

    init(fields: [FieldDescriptor]) {
        self.fieldCount = fields.count
        var entries: [Entry] = []
        var names: [UInt8] = []
        func add(_ name: String, _ fieldIndex: Int) {
            let utf8 = Array(name.utf8)
            // A JSON name equal to another field's proto name keeps the first registration (JSON names
            // are registered first; protoc rejects real clashes).
            for entry in entries
            where names[Int(entry.nameStart)..<Int(entry.nameStart + entry.nameCount)].elementsEqual(utf8) {
                return
            }
            let hash = utf8.withUnsafeBytes { Self.hash($0) }
            entries.append(
                Entry(
                    hash: hash,
                    fieldIndex: Int32(fieldIndex),
                    nameStart: Int32(names.count),
                    nameCount: Int32(utf8.count)
                )
            )
            names.append(contentsOf: utf8)
        }
        for (index, field) in fields.enumerated() { add(field.jsonName, index) }
        for (index, field) in fields.enumerated() { add(field.name, index) }

        var capacity = 8
        while capacity < entries.count * 2 { capacity *= 2 }
        self.slots = .allocate(capacity: capacity)
        self.slots.initialize(repeating: 0)
        self.slotMask = capacity - 1
        for (index, entry) in entries.enumerated() {
            var slot = Int(truncatingIfNeeded: entry.hash) & (capacity - 1)
            while self.slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            self.slots[slot] = Int32(index + 1)
        }
        self.entries = .allocate(capacity: max(entries.count, 1))
        _ = self.entries.initialize(from: entries)
        let nameBytes = UnsafeMutableRawPointer.allocate(byteCount: max(names.count, 1), alignment: 8)
        names.withUnsafeBytes {
            nameBytes.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(nameBytes), byteCount: $0.count)
        }
        self.nameBytes = nameBytes

        var quoted: [UInt8] = []
        var ranges: [KeyRange] = []
        for name in fields.map(\.jsonName) + fields.map(\.name) {
            var writer = JSONWriter()
            writer.writeString(name)
            ranges.append(KeyRange(start: Int32(quoted.count), count: Int32(writer.count)))
            quoted.append(contentsOf: writer.bytes)
        }
        let quotedKeys = UnsafeMutableRawPointer.allocate(byteCount: max(quoted.count, 1), alignment: 8)
        quoted.withUnsafeBytes {
            quotedKeys.copyMemory(from: $0.baseAddress ?? UnsafeRawPointer(quotedKeys), byteCount: $0.count)
        }
        self.quotedKeys = quotedKeys
        self.keyRanges = .allocate(capacity: max(ranges.count, 1))
        _ = self.keyRanges.initialize(from: ranges)
    }

    deinit {
        self.slots.deallocate()
        self.entries.deallocate()
        self.nameBytes.deallocate()
        self.quotedKeys.deallocate()
        self.keyRanges.deallocate()
    }

    /// The index of the field whose JSON name or proto name is `key`.
    @inline(__always)
    func fieldIndex(forKey key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & self.slotMask
        while true {
            let entry = Int(self.slots[slot]) - 1
            if entry < 0 { return nil }
            let candidate = self.entries[entry]
            if candidate.hash == hash && Int(candidate.nameCount) == key.count
                && Self.bytesEqual(self.nameBytes + Int(candidate.nameStart), key)
            {
                return Int(candidate.fieldIndex)
            }
            slot = (slot + 1) & self.slotMask
        }
    }

    /// The field's key, quotes included: its JSON name, or its proto name.
    @inline(__always)
    func quotedKey(_ fieldIndex: Int, protoName: Bool) -> UnsafeRawBufferPointer {
        let range = self.keyRanges[protoName ? self.fieldCount + fieldIndex : fieldIndex]
        return UnsafeRawBufferPointer(start: self.quotedKeys + Int(range.start), count: Int(range.count))
    }

    @inline(__always)
    private static func bytesEqual(_ stored: UnsafeRawPointer, _ key: UnsafeRawBufferPointer) -> Bool {
        let count = key.count
        var offset = 0
        while offset + 8 <= count {
            if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != key.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if stored.load(fromByteOffset: offset, as: UInt8.self) != key[offset] { return false }
            offset += 1
        }
        return true
    }

    /// A fast hash of short byte strings, eight bytes at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let multiplier: UInt64 = 0x9E37_79B9_7F4A_7C15
        var hash = UInt64(truncatingIfNeeded: bytes.count) &* multiplier
        var offset = 0
        let count = bytes.count
        while offset + 8 <= count {
            hash = (hash ^ bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* multiplier
            hash ^= hash >> 29
            offset += 8
        }
        if offset < count {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while offset < count {
                tail |= UInt64(bytes[offset]) << shift
                shift += 8
                offset += 1
            }
            hash = (hash ^ tail) &* multiplier
            hash ^= hash >> 29
        }
        return hash
    }
}
