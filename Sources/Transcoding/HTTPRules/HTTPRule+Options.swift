#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

extension HTTPRule {
    /// The `google.api.http` extension's field number on `google.protobuf.MethodOptions`.
    static let extensionFieldNumber: Int32 = 72_295_728

    /// Reads the `google.api.http` rule from a method's serialized options (where the extension sits as an
    /// unknown field) and flattens its `additional_bindings` after it. Returns no rules when there is none.
    static func rules(fromMethodOptions options: Data) throws(TranscodingError) -> [HTTPRule] {
        let bytes = [UInt8](options)
        return try bytes.withUnsafeBytes { buffer in
            Result { () throws(TranscodingError) in try Self.rules(in: buffer) }
        }.get()
    }

    private static func rules(in buffer: UnsafeRawBufferPointer) throws(TranscodingError) -> [HTTPRule] {
        var reader = ProtobufReader(buffer)
        var rules: [HTTPRule] = []
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            guard number == Self.extensionFieldNumber, wireType == .lengthDelimited else {
                try reader.skip(wireType, fieldNumber: number)
                continue
            }
            let (rule, additional) = try Self.parse(try reader.readLengthDelimited(), allowAdditional: true)
            rules = [rule] + additional
        }
        return rules
    }

    /// Parses one HttpRule message (field numbers from google/api/http.proto).
    private static func parse(
        _ bytes: UnsafeRawBufferPointer,
        allowAdditional: Bool
    ) throws(TranscodingError) -> (HTTPRule, [HTTPRule]) {
        var reader = ProtobufReader(bytes)
        var pattern: (method: String, path: String)?
        var body: String?
        var responseBody: String?
        var additional: [HTTPRule] = []
        func setPattern(_ method: String, _ path: String) throws(TranscodingError) {
            if let pattern {
                throw TranscodingError(
                    .invalidDescriptorSet,
                    "the rule sets both \(pattern.method) and \(method); a rule has exactly one pattern"
                )
            }
            pattern = (method, path)
        }
        while !reader.isAtEnd {
            let (number, wireType) = try reader.readTag()
            switch (number, wireType) {
            case (2, .lengthDelimited): try setPattern("GET", try reader.readString())
            case (3, .lengthDelimited): try setPattern("PUT", try reader.readString())
            case (4, .lengthDelimited): try setPattern("POST", try reader.readString())
            case (5, .lengthDelimited): try setPattern("DELETE", try reader.readString())
            case (6, .lengthDelimited): try setPattern("PATCH", try reader.readString())
            case (7, .lengthDelimited): body = try reader.readString()
            case (8, .lengthDelimited):
                var custom = ProtobufReader(try reader.readLengthDelimited())
                var kind = ""
                var path = ""
                while !custom.isAtEnd {
                    let (customNumber, customType) = try custom.readTag()
                    switch (customNumber, customType) {
                    case (1, .lengthDelimited): kind = try custom.readString()
                    case (2, .lengthDelimited): path = try custom.readString()
                    default: try custom.skip(customType, fieldNumber: customNumber)
                    }
                }
                guard !kind.isEmpty else {
                    throw TranscodingError(.invalidDescriptorSet, "a custom pattern has no kind")
                }
                try setPattern(kind.uppercased(), path)
            case (11, .lengthDelimited):
                guard allowAdditional else {
                    throw TranscodingError(
                        .invalidDescriptorSet,
                        "additional_bindings may not contain additional_bindings of their own"
                    )
                }
                additional.append(try Self.parse(try reader.readLengthDelimited(), allowAdditional: false).0)
            case (12, .lengthDelimited): responseBody = try reader.readString()
            default: try reader.skip(wireType, fieldNumber: number)
            }
        }
        guard let pattern else {
            throw TranscodingError(
                .invalidDescriptorSet, "the rule has no pattern (get, put, post, delete, patch or custom)")
        }
        let rule = HTTPRule(
            method: pattern.method,
            pathTemplate: pattern.path,
            body: body.flatMap { $0.isEmpty ? nil : $0 },
            responseBody: responseBody.flatMap { $0.isEmpty ? nil : $0 }
        )
        return (rule, additional)
    }
}

extension ProtobufReader {
    /// Reads a length-delimited field as UTF-8 text; invalid UTF-8 is an error.
    mutating func readString() throws(TranscodingError) -> String {
        let bytes = try self.readLengthDelimited()
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw TranscodingError(.malformedProtobuf, "string field is not valid UTF-8")
        }
        return string
    }
}
