/// A message's field names as bytes, built once per message type: a hash table from JSON keys (JSON
/// name and proto name) to field indices, so a key is looked up straight from the input without
/// creating a `String`, and each field's key pre-quoted for printing.
struct JSONFieldNames: Sendable {
    /// Open addressing, linear probing; each slot holds an entry index + 1, 0 when empty.
    private let slots: [Int32]
    private let slotMask: Int
    private let entryHashes: [UInt64]
    private let entryFieldIndices: [Int32]
    /// Every name's UTF-8, back to back; an entry's name is `nameBytes[nameStarts[i]..<nameStarts[i + 1]]`.
    private let nameBytes: [UInt8]
    private let nameStarts: [Int]

    /// `"jsonName"` for each field, quotes included, in field order.
    let quotedJSONNames: [[UInt8]]
    /// `"proto_name"` for each field, quotes included, in field order.
    let quotedProtoNames: [[UInt8]]

    init(fields: [FieldDescriptor]) {
        var hashes: [UInt64] = []
        var fieldIndices: [Int32] = []
        var nameBytes: [UInt8] = []
        var nameStarts: [Int] = [0]
        func add(_ name: String, _ fieldIndex: Int) {
            let utf8 = Array(name.utf8)
            // A JSON name equal to another field's proto name keeps the first registration (JSON names
            // are registered first, and protoc rejects real clashes).
            if Self.lookup(utf8, hashes, nameBytes, nameStarts) != nil { return }
            hashes.append(utf8.withUnsafeBytes { Self.hash($0) })
            fieldIndices.append(Int32(fieldIndex))
            nameBytes.append(contentsOf: utf8)
            nameStarts.append(nameBytes.count)
        }
        for (index, field) in fields.enumerated() { add(field.jsonName, index) }
        for (index, field) in fields.enumerated() { add(field.name, index) }

        var capacity = 8
        while capacity < hashes.count * 2 { capacity *= 2 }
        var slots = [Int32](repeating: 0, count: capacity)
        for (entry, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & (capacity - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (capacity - 1) }
            slots[slot] = Int32(entry + 1)
        }
        self.slots = slots
        self.slotMask = capacity - 1
        self.entryHashes = hashes
        self.entryFieldIndices = fieldIndices
        self.nameBytes = nameBytes
        self.nameStarts = nameStarts
        self.quotedJSONNames = fields.map { Self.quoted($0.jsonName) }
        self.quotedProtoNames = fields.map { Self.quoted($0.name) }
    }

    /// Linear search used while building (before the slots exist).
    private static func lookup(_ name: [UInt8], _ hashes: [UInt64], _ bytes: [UInt8], _ starts: [Int]) -> Int? {
        for entry in hashes.indices where bytes[starts[entry]..<starts[entry + 1]].elementsEqual(name) {
            return entry
        }
        return nil
    }

    private static func quoted(_ name: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.writeString(name)
        return writer.bytes
    }

    /// The index of the field whose JSON name or proto name is `key`.
    @inline(__always)
    func fieldIndex(forKey key: UnsafeRawBufferPointer) -> Int? {
        let hash = Self.hash(key)
        var slot = Int(truncatingIfNeeded: hash) & self.slotMask
        while true {
            let entry = Int(self.slots[slot]) - 1
            if entry < 0 { return nil }
            if self.entryHashes[entry] == hash && self.nameMatches(entry, key) {
                return Int(self.entryFieldIndices[entry])
            }
            slot = (slot + 1) & self.slotMask
        }
    }

    @inline(__always)
    private func nameMatches(_ entry: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = self.nameStarts[entry]
        let count = self.nameStarts[entry + 1] - start
        guard count == key.count else { return false }
        return self.nameBytes.withUnsafeBytes { names in
            var offset = 0
            while offset + 8 <= count {
                if names.loadUnaligned(fromByteOffset: start + offset, as: UInt64.self)
                    != key.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                {
                    return false
                }
                offset += 8
            }
            while offset < count {
                if names[start + offset] != key[offset] { return false }
                offset += 1
            }
            return true
        }
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
