/// Appends JSON text as UTF-8 bytes to a byte array.
///
/// The writer tracks only what it needs to place separators and indentation: the nesting depth and
/// whether the current object or array already has a member. Callers say where members and elements
/// start (`writeKey`, `beginElement`) and the writer adds the commas, newlines and spaces.
///
/// Values are written exactly as given: the proto3 JSON rules (quoted 64-bit integers, `"NaN"`, field
/// names) are the transcoder's business, not the writer's.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]
    /// Spaces per nesting level; 0 writes compact JSON with no whitespace at all.
    public let indentWidth: Int
    @usableFromInline var depth: Int = 0
    /// Whether the open object or array already holds a member, so the next one needs a comma.
    @usableFromInline var hasMember = false

    public init(indentWidth: Int = 0, capacity: Int = 0) {
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
        self.indentWidth = max(0, indentWidth)
    }

    public var count: Int { self.bytes.count }

    // MARK: Structure

    @inline(__always)
    public mutating func beginObject() {
        self.bytes.append(UInt8(ascii: "{"))
        self.depth += 1
        self.hasMember = false
    }

    @inline(__always)
    public mutating func endObject() {
        self.closeContainer(UInt8(ascii: "}"))
    }

    @inline(__always)
    public mutating func beginArray() {
        self.bytes.append(UInt8(ascii: "["))
        self.depth += 1
        self.hasMember = false
    }

    @inline(__always)
    public mutating func endArray() {
        self.closeContainer(UInt8(ascii: "]"))
    }

    @inline(__always)
    mutating func closeContainer(_ bracket: UInt8) {
        self.depth -= 1
        if self.indentWidth > 0 && self.hasMember { self.writeNewlineAndIndent() }
        self.bytes.append(bracket)
        // The container just closed is itself a member of its parent.
        self.hasMember = true
    }

    /// Starts an array element: a comma after the previous element, and a new line when indenting.
    @inline(__always)
    public mutating func beginElement() {
        if self.hasMember { self.bytes.append(UInt8(ascii: ",")) }
        self.hasMember = true
        if self.indentWidth > 0 { self.writeNewlineAndIndent() }
    }

    /// Starts an object member whose key is already quoted and escaped (`"name"`, quotes included).
    @inline(__always)
    public mutating func writeKey(quoted key: UnsafeRawBufferPointer) {
        self.beginElement()
        self.bytes.append(contentsOf: key)
        self.writeColon()
    }

    /// Starts an object member whose key is already quoted and escaped (`"name"`, quotes included).
    @inline(__always)
    public mutating func writeKey(quoted key: [UInt8]) {
        self.beginElement()
        self.bytes.append(contentsOf: key)
        self.writeColon()
    }

    /// Starts an object member, quoting and escaping the key.
    public mutating func writeKey(_ key: String) {
        self.beginElement()
        self.writeString(key)
        self.writeColon()
    }

    /// Starts an object member whose key is raw UTF-8 (already validated), quoting and escaping it.
    public mutating func writeKey(utf8 key: UnsafeRawBufferPointer) {
        self.beginElement()
        self.writeString(validUTF8: key)
        self.writeColon()
    }

    @inline(__always)
    mutating func writeColon() {
        self.bytes.append(UInt8(ascii: ":"))
        if self.indentWidth > 0 { self.bytes.append(UInt8(ascii: " ")) }
    }

    @inline(never)
    mutating func writeNewlineAndIndent() {
        self.bytes.append(UInt8(ascii: "\n"))
        self.bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: self.depth * self.indentWidth))
    }

    /// The writer's position, to return to with `rewind(to:)` when output must be redone.
    struct Checkpoint {
        let count: Int
        let depth: Int
        let hasMember: Bool
    }

    var checkpoint: Checkpoint { Checkpoint(count: self.bytes.count, depth: self.depth, hasMember: self.hasMember) }

    mutating func rewind(to checkpoint: Checkpoint) {
        self.bytes.removeSubrange(checkpoint.count...)
        self.depth = checkpoint.depth
        self.hasMember = checkpoint.hasMember
    }

    // MARK: Literals

    @inline(__always)
    public mutating func writeNull() {
        self.appendASCII("null")
    }

    @inline(__always)
    public mutating func writeBool(_ value: Bool) {
        if value { self.appendASCII("true") } else { self.appendASCII("false") }
    }

    /// Appends ASCII text with no escaping (literals such as `null` or `"NaN"`).
    @inline(__always)
    public mutating func appendASCII(_ text: StaticString) {
        self.bytes.append(contentsOf: UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends bytes that are already valid JSON text.
    @inline(__always)
    public mutating func appendRaw(_ text: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: text)
    }
}
