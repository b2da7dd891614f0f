/// Transcodes protobuf binary to JSON (the proto3 JSON mapping), driven only by descriptors.
///
/// Fields are read with `ProtobufReader` and printed with `JSONWriter` as they come, in wire order.
/// Input that is valid but not in canonical order (a singular field twice, a repeated field split in
/// several runs, two members of one oneof) is first regrouped, so the output follows protobuf's
/// merge rules: the last value of a singular field wins, message fields merge, repeated fields
/// concatenate. Unknown fields are skipped. Truncated or malformed data throws `.malformedProtobuf`.
public struct ProtobufToJSON: Sendable {
    public var options: JSONEncodingOptions

    public init(options: JSONEncodingOptions = JSONEncodingOptions()) {
        self.options = options
    }

    /// Transcodes the binary encoding of a `type` message to JSON text.
    public func transcode(
        _ bytes: UnsafeRawBufferPointer,
        as type: MessageDescriptor
    ) throws(TranscodingError) -> [UInt8] {
        var writer = self.makeWriter(forBinaryCount: bytes.count)
        try self.transcode(bytes, as: type, into: &writer)
        return writer.bytes
    }

    /// A writer with room for the JSON of a message whose binary encoding is `count` bytes. (Grown from empty,
    /// the output is reallocated and copied at every doubling of its size.) A small message's JSON is up to
    /// about twice its encoding: names and quotes added, numbers spelled out. A large one is mostly strings and
    /// bytes, about as long in JSON (a third more for base64), and twice its size would be mostly unused
    /// memory, touched by nobody but reserved on every call.
    public func makeWriter(forBinaryCount count: Int) -> JSONWriter {
        let capacity = count < 16 * 1024 ? count * 2 + 16 : count + count / 3
        return JSONWriter(indentWidth: self.options.indent, capacity: capacity)
    }

    /// Transcodes the binary encoding of a `type` message, appending the JSON to `writer` (whose own
    /// indentation setting applies). On error the writer is left as it was.
    public func transcode(
        _ bytes: UnsafeRawBufferPointer,
        as type: MessageDescriptor,
        into writer: inout JSONWriter
    ) throws(TranscodingError) {
        try self.withPrinter(&writer) { (printer) throws(TranscodingError) in
            try printer.printMessage(bytes, type)
        }
    }

    /// Prints only the value of one field of a `message` message (what `response_body: "x"` sends):
    /// the merged value for a singular field, the array for a repeated one, the object for a map.
    /// An absent field prints its default (`0`, `""`, `[]`, `{}`, an empty message's JSON; `null` for a
    /// `google.protobuf.Value`).
    public func transcodeField(
        _ bytes: UnsafeRawBufferPointer,
        of message: MessageDescriptor,
        field: FieldDescriptor,
        into writer: inout JSONWriter
    ) throws(TranscodingError) {
        try self.withPrinter(&writer) { (printer) throws(TranscodingError) in
            do throws(TranscodingError) {
                try printer.printFieldValueOnly(bytes, of: message, field: field)
            } catch {
                throw error.nested(under: field.jsonName)
            }
        }
    }

    private func withPrinter(
        _ writer: inout JSONWriter,
        _ body: (inout ProtobufMessagePrinter) throws(TranscodingError) -> Void
    ) throws(TranscodingError) {
        let checkpoint = writer.checkpoint
        var printer = ProtobufMessagePrinter(options: self.options, output: JSONWriter(indentWidth: writer.indentWidth))
        swap(&printer.output, &writer)
        defer { printer.releaseRetainedBuffers() }
        do throws(TranscodingError) {
            try body(&printer)
            swap(&printer.output, &writer)
        } catch {
            swap(&printer.output, &writer)
            writer.rewind(to: checkpoint)
            throw error
        }
    }
}
