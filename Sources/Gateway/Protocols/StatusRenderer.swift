import Transcoding

/// Renders a gRPC status as `google.rpc.Status` JSON, with `details` decoded through the descriptor pool.
///
/// A detail whose type the pool does not know is printed as `{"@type": URL, "value": BASE64}` instead of
/// failing the whole response.
struct StatusRenderer: Sendable {
    private let encoder: ProtobufToJSON
    private let anyType: MessageDescriptor?

    init(pool: DescriptorPool, options: JSONEncodingOptions) {
        var options = options
        options.indent = 0
        self.encoder = ProtobufToJSON(options: options)
        self.anyType = pool.message(named: "google.protobuf.Any")
    }

    func render(code: GRPCStatusCode, message: String, details: [UInt8]?) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + message.utf8.count)
        writer.beginObject()
        writer.writeKey("code")
        writer.writeInt64(Int64(code.rawValue))
        writer.writeKey("message")
        writer.writeString(message)
        writer.writeKey("details")
        writer.beginArray()
        for detail in Self.detailEntries(details ?? []) {
            writer.beginElement()
            detail.withUnsafeBytes { self.writeDetail($0, into: &writer) }
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The `details` entries (serialized `google.protobuf.Any`) of a serialized `google.rpc.Status`.
    private static func detailEntries(_ status: [UInt8]) -> [[UInt8]] {
        status.withUnsafeBytes { buffer in
            var reader = ProtobufReader(buffer)
            var entries: [[UInt8]] = []
            while !reader.isAtEnd {
                guard let (number, wireType) = try? reader.readTag() else { break }
                if number == 3 && wireType == .lengthDelimited {
                    guard let entry = try? reader.readLengthDelimited() else { break }
                    entries.append(Array(entry))
                } else if (try? reader.skip(wireType, fieldNumber: number)) == nil {
                    break
                }
            }
            return entries
        }
    }

    private func writeDetail(_ any: UnsafeRawBufferPointer, into writer: inout JSONWriter) {
        if let anyType = self.anyType, let json = try? self.encoder.transcode(any, as: anyType) {
            json.withUnsafeBytes { writer.appendRaw($0) }
            return
        }
        // Unknown type (or malformed payload): keep the raw Any so the client still sees what was sent.
        var reader = ProtobufReader(any)
        var typeURL = ""
        var value: [UInt8] = []
        while !reader.isAtEnd {
            guard let (number, wireType) = try? reader.readTag() else { break }
            switch (number, wireType) {
            case (1, .lengthDelimited):
                typeURL = (try? reader.readLengthDelimited()).map { String(decoding: $0, as: UTF8.self) } ?? ""
            case (2, .lengthDelimited):
                value = (try? reader.readLengthDelimited()).map { Array($0) } ?? []
            default:
                if (try? reader.skip(wireType, fieldNumber: number)) == nil { return }
            }
        }
        writer.beginObject()
        writer.writeKey("@type")
        writer.writeString(typeURL)
        writer.writeKey("value")
        value.withUnsafeBytes { writer.writeBase64String($0) }
        writer.endObject()
    }
}
