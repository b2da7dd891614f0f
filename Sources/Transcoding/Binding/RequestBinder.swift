/// Options for turning an HTTP request into a request message.
public struct BindingOptions: Sendable, Hashable {
    /// How the JSON body is read (unknown fields, depth and size limits).
    public var json: JSONDecodingOptions
    /// Skip query parameters that name no field instead of answering 400.
    public var ignoreUnknownQueryParameters: Bool
    /// Decode `+` in the query string as a space, as HTML forms encode it. When false, `+` stays `+`.
    public var queryPlusAsSpace: Bool

    public init(
        json: JSONDecodingOptions = .init(),
        ignoreUnknownQueryParameters: Bool = false,
        queryPlusAsSpace: Bool = true
    ) {
        self.json = json
        self.ignoreUnknownQueryParameters = ignoreUnknownQueryParameters
        self.queryPlusAsSpace = queryPlusAsSpace
    }

    public static var defaults: BindingOptions { .init() }
}

/// Merges the three sources of a REST request (body, query parameters, path variables) into the binary
/// request message of the route's method.
///
/// Protobuf parsers merge concatenated encodings (a later scalar wins, messages merge, repeated fields append),
/// so each source is encoded on its own and appended in that order. Which source may set which field:
/// - the body sets the whole message (`body: "*"`) or one top-level field (`body: "field"`);
/// - query parameters set any other field reachable through singular messages, repeating the parameter to
///   append to a repeated field; a parameter may not name a field the path or the body sets (400), nor a
///   map or message field other than the well-known types with a text form (400);
/// - path variables set the fields their template names, and are written last.
public struct RequestBinder: Sendable {
    public var options: BindingOptions
    private let jsonDecoder: JSONToProtobuf

    public init(options: BindingOptions = .defaults) {
        self.options = options
        self.jsonDecoder = JSONToProtobuf(options: options.json)
    }

    /// Builds the request message.
    /// - Parameters:
    ///   - query: the raw query string after `?` (still percent-encoded), or nil.
    ///   - body: the request body as received.
    ///   - contentType: the request's `Content-Type`, kept in a `google.api.HttpBody`.
    public func bind(
        route: HTTPRoute,
        pathBindings: [PathBinding],
        query: Substring?,
        body: UnsafeRawBufferPointer,
        contentType: String?
    ) throws(TranscodingError) -> [UInt8] {
        var writer = ProtobufWriter(capacity: body.count + 64)
        try self.writeBody(route: route, body: body, contentType: contentType, into: &writer)
        if let query, !query.isEmpty {
            try self.writeQuery(query, route: route, pathBindings: pathBindings, into: &writer)
        }
        for (position, binding) in pathBindings.enumerated() {
            guard let fields = route.fieldsBound(byVariable: binding.fieldPath, at: position) else { continue }
            try self.writeText(binding.value, along: fields[...], into: &writer)
        }
        return writer.bytes
    }

    private func writeBody(
        route: HTTPRoute,
        body: UnsafeRawBufferPointer,
        contentType: String?,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        if body.count > self.options.json.maxInputSize {
            throw TranscodingError(
                .tooLarge,
                "the request body has \(body.count) bytes; the limit is \(self.options.json.maxInputSize)"
            )
        }
        switch route.body {
        case .none:
            return
        case .wholeMessage:
            if route.takesHTTPBody {
                Self.writeHTTPBody(body, contentType: contentType, into: &writer)
            } else if !Self.isBlank(body) {
                try self.jsonDecoder.transcode(body, as: route.method.inputType, into: &writer)
            }
        case .field(let field):
            if route.takesHTTPBody {
                writer.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
                let marker = writer.beginLengthDelimited()
                Self.writeHTTPBody(body, contentType: contentType, into: &writer)
                writer.endLengthDelimited(marker)
            } else if !Self.isBlank(body) {
                try self.jsonDecoder.transcodeValue(body, of: field, into: &writer)
            }
        }
    }

    /// `google.api.HttpBody { string content_type = 1; bytes data = 2; }`
    private static func writeHTTPBody(
        _ body: UnsafeRawBufferPointer,
        contentType: String?,
        into writer: inout ProtobufWriter
    ) {
        if let contentType, !contentType.isEmpty {
            writer.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            writer.writeLengthDelimited(Array(contentType.utf8))
        }
        if !body.isEmpty {
            writer.writeTag(fieldNumber: 2, wireType: .lengthDelimited)
            writer.writeLengthDelimited(body)
        }
    }

    private static func isBlank(_ body: UnsafeRawBufferPointer) -> Bool {
        body.allSatisfy { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
    }

    private func writeQuery(
        _ query: Substring,
        route: HTTPRoute,
        pathBindings: [PathBinding],
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        var singularSeen: Set<String> = []
        for parameter in query.utf8.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let pair = parameter.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try QueryDecoding.decode(pair[0], plusAsSpace: self.options.queryPlusAsSpace)
            let value =
                pair.count > 1 ? try QueryDecoding.decode(pair[1], plusAsSpace: self.options.queryPlusAsSpace) : ""
            guard !name.isEmpty else {
                throw TranscodingError(.invalidQuery, "a query parameter has an empty name")
            }
            let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)

            if let conflict = Self.sourceConflict(path, route: route, pathBindings: pathBindings) {
                throw TranscodingError(.invalidQuery, "query parameter \"\(name)\" names a field \(conflict)")
            }
            let fields: [FieldDescriptor]
            do {
                fields = try route.method.inputType.resolveScalarPath(path)
            } catch  where error.code == .unknownField && self.options.ignoreUnknownQueryParameters {
                continue
            } catch {
                throw TranscodingError(
                    error.code == .unknownField ? .unknownField : .invalidQuery,
                    "query parameter \"\(name)\": \(error.message)"
                )
            }
            if !fields.last!.isRepeated && !singularSeen.insert(name).inserted {
                throw TranscodingError(
                    .invalidQuery,
                    "query parameter \"\(name)\" is given more than once, but the field is not repeated"
                )
            }
            do {
                try self.writeText(value, along: fields[...], into: &writer)
            } catch {
                throw TranscodingError(error.code, "query parameter \"\(name)\": \(error.message)", fieldPath: name)
            }
        }
    }

    /// Why a query parameter may not set a field: the path or the body already does. Nil when it may.
    private static func sourceConflict(_ path: [String], route: HTTPRoute, pathBindings: [PathBinding]) -> String? {
        switch route.body {
        case .wholeMessage:
            return "of the request body, which this route takes whole (body: \"*\")"
        case .field(let field) where path.first == field.name || path.first == field.jsonName:
            return "inside \"\(field.name)\", which the request body sets"
        default:
            break
        }
        for binding in pathBindings {
            let bound = binding.fieldPath
            let overlap = min(bound.count, path.count)
            if bound.prefix(overlap).elementsEqual(path.prefix(overlap)) {
                return "that the URL path sets ({\(bound.joined(separator: "."))})"
            }
        }
        return nil
    }

    /// Writes one text value into the last field of `fields`, wrapping it in the messages the path passes through.
    private func writeText(
        _ text: String,
        along fields: ArraySlice<FieldDescriptor>,
        into writer: inout ProtobufWriter
    ) throws(TranscodingError) {
        guard let field = fields.first else { return }
        if fields.count == 1 {
            try self.jsonDecoder.encodeText(text, of: field, into: &writer)
            return
        }
        writer.writeTag(fieldNumber: field.number, wireType: .lengthDelimited)
        let marker = writer.beginLengthDelimited()
        try self.writeText(text, along: fields.dropFirst(), into: &writer)
        writer.endLengthDelimited(marker)
    }
}

/// Percent-decoding of query string components.
enum QueryDecoding {
    static func decode(_ bytes: Substring.UTF8View.SubSequence, plusAsSpace: Bool) throws(TranscodingError) -> String {
        // Fast path: nothing to decode.
        if !bytes.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TranscodingError(.invalidQuery, "the query string is not valid UTF-8")
            }
            return text
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                let first = bytes.index(after: index)
                guard first < bytes.endIndex, bytes.index(after: first) < bytes.endIndex,
                    let high = PercentDecoding.hexValue(bytes[first]),
                    let low = PercentDecoding.hexValue(bytes[bytes.index(after: first)])
                else {
                    let rest = String(decoding: bytes[index...].prefix(3), as: UTF8.self)
                    throw TranscodingError(.invalidQuery, "invalid percent-escape \"\(rest)\" in the query string")
                }
                decoded.append(high << 4 | low)
                index = bytes.index(index, offsetBy: 3)
            } else {
                decoded.append(byte == UInt8(ascii: "+") && plusAsSpace ? UInt8(ascii: " ") : byte)
                index = bytes.index(after: index)
            }
        }
        guard let text = String(validating: decoded, as: UTF8.self) else {
            throw TranscodingError(.invalidQuery, "the query string decodes to invalid UTF-8")
        }
        return text
    }
}
