/// The protobuf type of a field, as `FieldDescriptorProto.Type` numbers them.
public enum FieldType: Int, Sendable, Hashable {
    case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes, uint32
    case `enum`, sfixed32, sfixed64, sint32, sint64

    /// The wire type a single (unpacked) value of this type is written with.
    public var wireType: WireType {
        switch self {
        case .double, .fixed64, .sfixed64: .fixed64
        case .float, .fixed32, .sfixed32: .fixed32
        case .int64, .uint64, .int32, .bool, .uint32, .enum, .sint32, .sint64: .varint
        case .string, .bytes, .message: .lengthDelimited
        case .group: .startGroup
        }
    }

    /// Whether a repeated field of this type may be packed (numeric scalars and enums).
    public var isPackable: Bool {
        switch self {
        case .string, .bytes, .message, .group: false
        default: true
        }
    }
}

/// How many values a field holds and whether a single value tracks presence.
public enum FieldCardinality: Sendable, Hashable {
    /// proto3 implicit presence: the default value is not written and not printed.
    case singular
    /// Explicit presence: proto3 `optional`, proto2 `optional`/`required`, message fields, oneof members.
    case optional
    case repeated
}

/// One field of a message, resolved against the pool (its message or enum type is linked).
public final class FieldDescriptor: @unchecked Sendable {
    /// The name as written in the .proto file (`author_name`).
    public let name: String
    /// The JSON name (`authorName`, or the file's explicit `json_name`).
    public let jsonName: String
    public let number: Int32
    public let type: FieldType
    public let cardinality: FieldCardinality
    /// Whether a repeated field is written packed (proto3 default for packable types, or `[packed = true]`).
    public let isPacked: Bool
    /// The index into the containing message's `oneofs`; nil for fields outside a real oneof
    /// (proto3 `optional` fields live in synthetic oneofs, which are not listed).
    public let oneofIndex: Int?
    /// The position of this field in `containingMessage.fields` (declaration order).
    public let index: Int
    /// The proto2 default value as text, if the file declared one.
    public let defaultValue: String?
    /// Leading comments from `source_code_info`, if the set carried them.
    public let comments: String?

    /// Linked after every type of the pool is created; never nil for `.message`/`.group` fields.
    public internal(set) unowned(unsafe) var messageType: MessageDescriptor?
    /// Linked after every type of the pool is created; never nil for `.enum` fields.
    public internal(set) unowned(unsafe) var enumType: EnumDescriptor?
    public internal(set) unowned(unsafe) var containingMessage: MessageDescriptor!

    /// The varint-encoded tag for a single value (`number << 3 | wireType`).
    public var tag: UInt32 { UInt32(bitPattern: self.number) << 3 | UInt32(self.type.wireType.rawValue) }

    public var isRepeated: Bool { self.cardinality == .repeated }
    /// A `map<K, V>` field: repeated, of a synthesized map-entry message type.
    public var isMap: Bool { self.cardinality == .repeated && (self.messageType?.isMapEntry ?? false) }
    /// Whether an absent value is distinguishable from the default value.
    public var hasPresence: Bool { self.cardinality == .optional }

    init(
        name: String,
        jsonName: String,
        number: Int32,
        type: FieldType,
        cardinality: FieldCardinality,
        isPacked: Bool,
        oneofIndex: Int?,
        index: Int,
        defaultValue: String?,
        comments: String?
    ) {
        self.name = name
        self.jsonName = jsonName
        self.number = number
        self.type = type
        self.cardinality = cardinality
        self.isPacked = isPacked
        self.oneofIndex = oneofIndex
        self.index = index
        self.defaultValue = defaultValue
        self.comments = comments
    }
}

/// A real (non-synthetic) oneof: at most one of its fields may be set.
public struct OneofDescriptor: Sendable, Hashable {
    public let name: String
    /// Indices into the containing message's `fields`.
    public let fieldIndices: [Int]
}
