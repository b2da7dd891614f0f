/// Transcodes JSON (the proto3 JSON mapping) to protobuf binary, driven only by descriptors.
///
/// The JSON is read token by token and each value is written to the protobuf output as soon as it is
/// read: there is no intermediate tree and no generated code. Nested messages and packed arrays are
/// written with back-patched length prefixes.
///
/// On error the output is left as it was before the call, and the error's `fieldPath` names the
/// offending field (`shelf.books[2].title`, `labels["k"]`).
public struct JSONToProtobuf: Sendable {
    public var options: JSONDecodingOptions

    public init(options: JSONDecodingOptions = JSONDecodingOptions()) {
        self.options = options
    }

    /// Transcodes a JSON object to the binary encoding of `type`.
    public func transcode(
        _ json: UnsafeRawBufferPointer,
        as type: MessageDescriptor
    ) throws(TranscodingError) -> [UInt8] {
        var writer = ProtobufWriter(capacity: json.count)
        try self.transcode(json, as: type, into: &writer)
        return writer.bytes
    }

    /// Transcodes a JSON object to the binary encoding of `type`, appending to `writer`.
    public func transcode(
        _ json: UnsafeRawBufferPointer,
        as type: MessageDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        try self.withDecoder(json, writer: &writer) { (decoder) throws(TranscodingError) in
            try decoder.decodeTopLevelMessage(type)
        }
    }

    /// Transcodes the JSON value of one field (a whole JSON document holding just that value) and
    /// writes it as that field, tag included: how an HTTP body bound to one field (`body: "book"`)
    /// becomes part of the request message. A repeated field takes an array, a map field an object,
    /// and `null` writes nothing.
    public func transcodeValue(
        _ json: UnsafeRawBufferPointer,
        of field: FieldDescriptor,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        try self.withDecoder(json, writer: &writer) { (decoder) throws(TranscodingError) in
            do throws(TranscodingError) {
                try decoder.decodeFieldValue(field)
            } catch {
                throw error.nested(under: field.jsonName)
            }
        }
    }

    private func withDecoder(
        _ json: UnsafeRawBufferPointer,
        writer: inout ProtobufWriter,
        _ body: (inout JSONMessageDecoder) throws(TranscodingError) -> Void
    ) throws(TranscodingError) {
        guard json.count <= self.options.maxInputSize else {
            throw TranscodingError(
                .tooLarge,
                "the JSON input is \(json.count) bytes, more than the limit of \(self.options.maxInputSize)"
            )
        }
        let startCount = writer.count
        var decoder = JSONMessageDecoder(json, options: self.options)
        swap(&decoder.output, &writer)
        do throws(TranscodingError) {
            try body(&decoder)
            try decoder.scanner.expectEnd()
            swap(&decoder.output, &writer)
        } catch {
            swap(&decoder.output, &writer)
            writer.bytes.removeSubrange(startCount...)
            throw error
        }
    }
}
