/// A message type of the pool, with its fields in declaration order and fast lookups by number and name.
public final class MessageDescriptor: @unchecked Sendable {
    /// The full name without a leading dot (`library.v1.Book`).
    public let fullName: String
    /// The short name (`Book`).
    public let name: String
    /// The .proto file that defines it (`library/v1/library.proto`).
    public let fileName: String
    public let fields: [FieldDescriptor]
    public let oneofs: [OneofDescriptor]
    /// A synthesized `map<K, V>` entry: field 1 is the key, field 2 the value.
    public let isMapEntry: Bool
    /// Set when this is one of the well-known types with a special JSON form.
    public let wellKnownType: WellKnownType?
    /// Leading comments from `source_code_info`, if the set carried them.
    public let comments: String?
    /// The pool that owns this type (used to resolve `Any` type URLs); set when the pool is built.
    public internal(set) unowned(unsafe) var pool: DescriptorPool!

    /// Field index by number, dense for small numbers (the common case), and a dictionary past that.
    private let denseIndexByNumber: [Int32]
    private let sparseIndexByNumber: [Int32: Int]
    /// Field index by JSON name and by proto name.
    private let indexByName: [String: Int]
    /// Field names as bytes for the JSON transcoder: key lookup without `String`s, pre-quoted keys.
    let jsonNames: JSONFieldNames

    /// The largest field number kept in the dense table; higher numbers go to the dictionary.
    static let denseNumberLimit: Int32 = 256

    init(
        fullName: String,
        name: String,
        fileName: String,
        fields: [FieldDescriptor],
        oneofs: [OneofDescriptor],
        isMapEntry: Bool,
        comments: String?
    ) {
        self.fullName = fullName
        self.name = name
        self.fileName = fileName
        self.fields = fields
        self.oneofs = oneofs
        self.isMapEntry = isMapEntry
        self.wellKnownType = WellKnownType(fullName: fullName)
        self.comments = comments

        let maxDense = fields.lazy.map(\.number).filter { $0 < Self.denseNumberLimit }.max() ?? 0
        var dense = [Int32](repeating: -1, count: Int(maxDense) + 1)
        var sparse: [Int32: Int] = [:]
        var byName: [String: Int] = [:]
        for (index, field) in fields.enumerated() {
            if field.number < Self.denseNumberLimit {
                dense[Int(field.number)] = Int32(index)
            } else {
                sparse[field.number] = index
            }
            byName[field.name] = index
            byName[field.jsonName] = index
        }
        self.denseIndexByNumber = dense
        self.sparseIndexByNumber = sparse
        self.indexByName = byName
        self.jsonNames = JSONFieldNames(fields: fields)
        for field in fields { field.containingMessage = self }
    }

    /// The field with this number, if the message declares one.
    @inline(__always)
    public func field(number: Int32) -> FieldDescriptor? {
        if number >= 0 && number < Int32(self.denseIndexByNumber.count) {
            let index = self.denseIndexByNumber[Int(number)]
            return index < 0 ? nil : self.fields[Int(index)]
        }
        return self.sparseIndexByNumber[number].map { self.fields[$0] }
    }

    /// The field with this JSON name or proto name (both are accepted in JSON input and query parameters).
    public func field(named name: String) -> FieldDescriptor? {
        self.indexByName[name].map { self.fields[$0] }
    }

    /// For a map entry: the key field (number 1).
    public var mapKey: FieldDescriptor { self.fields[0].number == 1 ? self.fields[0] : self.fields[1] }
    /// For a map entry: the value field (number 2).
    public var mapValue: FieldDescriptor { self.fields[0].number == 2 ? self.fields[0] : self.fields[1] }
}

/// The well-known types whose JSON form is not the generic object form, plus `google.api.HttpBody`.
public enum WellKnownType: Sendable, Hashable {
    case any, timestamp, duration, fieldMask, `struct`, value, listValue, empty
    case doubleValue, floatValue, int64Value, uint64Value, int32Value, uint32Value, boolValue, stringValue, bytesValue
    /// `google.api.HttpBody`: a raw HTTP body with its content type, not JSON.
    case httpBody

    init?(fullName: String) {
        switch fullName {
        case "google.protobuf.Any": self = .any
        case "google.protobuf.Timestamp": self = .timestamp
        case "google.protobuf.Duration": self = .duration
        case "google.protobuf.FieldMask": self = .fieldMask
        case "google.protobuf.Struct": self = .struct
        case "google.protobuf.Value": self = .value
        case "google.protobuf.ListValue": self = .listValue
        case "google.protobuf.Empty": self = .empty
        case "google.protobuf.DoubleValue": self = .doubleValue
        case "google.protobuf.FloatValue": self = .floatValue
        case "google.protobuf.Int64Value": self = .int64Value
        case "google.protobuf.UInt64Value": self = .uint64Value
        case "google.protobuf.Int32Value": self = .int32Value
        case "google.protobuf.UInt32Value": self = .uint32Value
        case "google.protobuf.BoolValue": self = .boolValue
        case "google.protobuf.StringValue": self = .stringValue
        case "google.protobuf.BytesValue": self = .bytesValue
        case "google.api.HttpBody": self = .httpBody
        default: return nil
        }
    }

    /// The wrapper types (`google.protobuf.Int32Value` ...), whose JSON form is the bare value.
    public var isWrapper: Bool {
        switch self {
        case .doubleValue, .floatValue, .int64Value, .uint64Value, .int32Value, .uint32Value, .boolValue,
            .stringValue, .bytesValue:
            true
        default: false
        }
    }
}
