/// An error raised by the transcoding engine: a bad descriptor set, a bad path template, bad JSON,
/// bad protobuf bytes, or a request that cannot be bound to a method's input message.
///
/// `code` says what kind of problem it is (the gateway maps it to an HTTP and gRPC status),
/// `message` says what was wrong in words a client can act on, and `fieldPath` names the field
/// (`book.author.name`) where that applies.
public struct TranscodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: Code
    public var message: String
    /// The dotted path of the field the error is about, if any (`book.authors[2].name`).
    public var fieldPath: String?

    public init(_ code: Code, _ message: String, fieldPath: String? = nil) {
        self.code = code
        self.message = message
        self.fieldPath = fieldPath
    }

    public var description: String {
        if let fieldPath, !fieldPath.isEmpty {
            return "\(fieldPath): \(message)"
        }
        return message
    }

    /// The kind of a `TranscodingError`; extensible without breaking callers (a struct, not a public enum).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case invalidDescriptorSet
            case invalidPathTemplate
            case invalidPath
            case malformedJSON
            case invalidValue
            case unknownField
            case unknownType
            case tooDeep
            case tooLarge
            case malformedProtobuf
            case invalidQuery
            case routeConflict
        }

        private let wrapped: Wrapped
        private init(_ wrapped: Wrapped) { self.wrapped = wrapped }

        /// The descriptor set is truncated, inconsistent, or refers to types it does not define.
        public static let invalidDescriptorSet = Code(.invalidDescriptorSet)
        /// A `google.api.http` path template does not follow the grammar.
        public static let invalidPathTemplate = Code(.invalidPathTemplate)
        /// A request path could not be decoded (for example an invalid percent-escape).
        public static let invalidPath = Code(.invalidPath)
        /// The input is not well-formed JSON.
        public static let malformedJSON = Code(.malformedJSON)
        /// Well-formed input whose value does not fit the field (wrong type, out of range, bad base64...).
        public static let invalidValue = Code(.invalidValue)
        /// A JSON key or query parameter names no field of the message.
        public static let unknownField = Code(.unknownField)
        /// A type URL (in `Any`) or type name is not in the descriptor pool.
        public static let unknownType = Code(.unknownType)
        /// Nesting deeper than the configured limit.
        public static let tooDeep = Code(.tooDeep)
        /// Input larger than the configured limit.
        public static let tooLarge = Code(.tooLarge)
        /// Protobuf wire data that is truncated or malformed.
        public static let malformedProtobuf = Code(.malformedProtobuf)
        /// A query string that cannot be parsed or bound.
        public static let invalidQuery = Code(.invalidQuery)
        /// Two routes that cannot both be served (same method and template).
        public static let routeConflict = Code(.routeConflict)

        public var description: String {
            switch self.wrapped {
            case .invalidDescriptorSet: "invalid descriptor set"
            case .invalidPathTemplate: "invalid path template"
            case .invalidPath: "invalid path"
            case .malformedJSON: "malformed JSON"
            case .invalidValue: "invalid value"
            case .unknownField: "unknown field"
            case .unknownType: "unknown type"
            case .tooDeep: "too deep"
            case .tooLarge: "too large"
            case .malformedProtobuf: "malformed protobuf"
            case .invalidQuery: "invalid query"
            case .routeConflict: "route conflict"
            }
        }
    }
}
