/// A response body ready to send: JSON, or the raw bytes of a `google.api.HttpBody`.
public enum RenderedBody: Sendable, Equatable {
    case json([UInt8])
    case raw(contentType: String?, data: [UInt8])
}

/// Turns a response message into the HTTP body its route asks for: the whole message as JSON, the
/// `response_body` field as JSON, or a `google.api.HttpBody` as raw bytes with its content type.
public struct ResponseRenderer: Sendable {
    public let encoder: ProtobufToJSON

    public init(options: JSONEncodingOptions = .init()) {
        self.encoder = ProtobufToJSON(options: options)
    }

    public func render(_ message: UnsafeRawBufferPointer, route: HTTPRoute) throws(TranscodingError) -> RenderedBody {
        if route.returnsHTTPBody {
            if let field = route.responseField {
                let contents = try Self.concatenatedOccurrences(of: field.number, in: message)
                return try contents.withUnsafeBytes { buffer in
                    Result { () throws(TranscodingError) in try Self.httpBody(buffer) }
                }.get()
            }
            return try Self.httpBody(message)
        }
        var writer = self.encoder.makeWriter(forBinaryCount: message.count)
        try self.writeJSON(message, route: route, into: &writer)
        return .json(writer.bytes)
    }

    /// Appends the JSON of a message (or of its route's `response_body` field) to `output`; on error `output` is
    /// left as it was. For a stream, whose messages are gathered in one buffer: no array of its own per message.
    /// Not for routes that return a `google.api.HttpBody`.
    public func appendJSON(_ message: UnsafeRawBufferPointer, route: HTTPRoute, to output: inout [UInt8])
        throws(TranscodingError)
    {
        precondition(!route.returnsHTTPBody, "an HttpBody route's messages are raw bytes, not JSON")
        var writer = JSONWriter(indentWidth: self.encoder.options.indent)
        swap(&writer.bytes, &output)
        defer { swap(&writer.bytes, &output) }
        try self.writeJSON(message, route: route, into: &writer)
    }

    private func writeJSON(_ message: UnsafeRawBufferPointer, route: HTTPRoute, into writer: inout JSONWriter)
        throws(TranscodingError)
    {
        if let field = route.responseField {
            try self.encoder.transcodeField(message, of: route.method.outputType, field: field, into: &writer)
        } else {
            try self.encoder.transcode(message, as: route.method.outputType, into: &writer)
        }
    }

    /// Reads `google.api.HttpBody { string content_type = 1; bytes data = 2; repeated Any extensions = 3; }`.
    static func httpBody(_ message: UnsafeRawBufferPointer) throws(TranscodingError) -> RenderedBody {
        var reader = ProtobufReader(message)
        var contentType: String?
        var data: [UInt8] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (1, .lengthDelimited): contentType = try reader.readString()
            case (2, .lengthDelimited): data = Array(try reader.readLengthDelimited())
            default: try reader.skip(wireType, fieldNumber: number)
            }
        }
        return .raw(contentType: contentType, data: data)
    }

    /// The contents of every occurrence of a length-delimited field, concatenated (protobuf's merge of a
    /// message field written more than once).
    static func concatenatedOccurrences(of number: Int32, in message: UnsafeRawBufferPointer) throws(TranscodingError)
        -> [UInt8]
    {
        var reader = ProtobufReader(message)
        var contents: [UInt8] = []
        while !reader.isAtEnd {
            let (fieldNumber, wireType) = try reader.readTag()
            if fieldNumber == number && wireType == .lengthDelimited {
                contents.append(contentsOf: try reader.readLengthDelimited())
            } else {
                try reader.skip(wireType, fieldNumber: fieldNumber)
            }
        }
        return contents
    }
}
