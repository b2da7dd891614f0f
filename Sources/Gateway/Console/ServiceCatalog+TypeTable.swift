import Transcoding

extension ServiceCatalog {
    /// The message and enum types of the catalog, each listed once in the order they were first reached.
    ///
    /// `MESSAGE` is `{"file", "comments"?, "wellKnownType"?, "fields": [FIELD, ...]}`, where `wellKnownType`
    /// (`timestamp`, `duration`, `struct`, `int32Value`, `httpBody`, ...) marks a type with a special JSON form
    /// that the page writes as a string or a bare value instead of an object.
    ///
    /// `FIELD` is `{"name", "jsonName", "number", "type", "cardinality", "map"?, "keyType"?, "messageType"?,
    /// "enumType"?, "oneof"?, "comments"?}`: `type` is the protobuf type (`string`, `int64`, `message`,
    /// `enum`, ...), `cardinality` is `singular`, `optional` (explicit presence) or `repeated`. For a repeated
    /// field `type`, `messageType` and `enumType` describe one element; for a map (`"map": true`) they describe
    /// the value, and `keyType` the key.
    ///
    /// `ENUM` is `{"file", "comments"?, "values": [{"name", "number"}, ...]}`.
    struct TypeTable {
        private var messages: [MessageDescriptor] = []
        private var enums: [EnumDescriptor] = []
        private var seenMessages: Set<ObjectIdentifier> = []
        private var seenEnums: Set<ObjectIdentifier> = []

        /// Adds `root` and every type its fields reach.
        mutating func collect(_ root: MessageDescriptor) {
            var pending = [root]
            while let message = pending.popLast() {
                guard self.seenMessages.insert(ObjectIdentifier(message)).inserted else { continue }
                self.messages.append(message)
                for field in message.fields {
                    let element = field.isMap ? field.messageType?.mapValue : field
                    if let type = element?.messageType { pending.append(type) }
                    if let type = element?.enumType, self.seenEnums.insert(ObjectIdentifier(type)).inserted {
                        self.enums.append(type)
                    }
                }
            }
        }

        /// Writes the `"messages"` and `"enums"` members of the catalog object.
        func write(into writer: inout JSONWriter) {
            writer.writeKey("messages")
            writer.beginObject()
            for message in self.messages {
                writer.writeKey(message.fullName)
                Self.write(message, into: &writer)
            }
            writer.endObject()
            writer.writeKey("enums")
            writer.beginObject()
            for type in self.enums {
                writer.writeKey(type.fullName)
                writer.beginObject()
                writer.writeKey("file")
                writer.writeString(type.fileName)
                writer.writeOptionalString(key: "comments", type.comments)
                writer.writeKey("values")
                writer.beginArray()
                for value in type.values {
                    writer.beginElement()
                    writer.beginObject()
                    writer.writeKey("name")
                    writer.writeString(value.name)
                    writer.writeKey("number")
                    writer.writeInt64(Int64(value.number))
                    writer.endObject()
                }
                writer.endArray()
                writer.endObject()
            }
            writer.endObject()
        }

        private static func write(_ message: MessageDescriptor, into writer: inout JSONWriter) {
            writer.beginObject()
            writer.writeKey("file")
            writer.writeString(message.fileName)
            writer.writeOptionalString(key: "comments", message.comments)
            writer.writeOptionalString(key: "wellKnownType", message.wellKnownType.map(Self.name(of:)))
            writer.writeKey("fields")
            writer.beginArray()
            for field in message.fields {
                writer.beginElement()
                Self.write(field, in: message, into: &writer)
            }
            writer.endArray()
            writer.endObject()
        }

        private static func write(
            _ field: FieldDescriptor, in message: MessageDescriptor, into writer: inout JSONWriter
        ) {
            writer.beginObject()
            writer.writeKey("name")
            writer.writeString(field.name)
            writer.writeKey("jsonName")
            writer.writeString(field.jsonName)
            writer.writeKey("number")
            writer.writeInt64(Int64(field.number))
            let element: FieldDescriptor
            if field.isMap, let entry = field.messageType {
                element = entry.mapValue
                writer.writeKey("map")
                writer.writeBool(true)
                writer.writeKey("keyType")
                writer.writeString(Self.name(of: entry.mapKey.type))
            } else {
                element = field
            }
            writer.writeKey("type")
            writer.writeString(Self.name(of: element.type))
            writer.writeKey("cardinality")
            switch field.cardinality {
            case .singular: writer.writeString("singular")
            case .optional: writer.writeString("optional")
            case .repeated: writer.writeString("repeated")
            }
            writer.writeOptionalString(key: "messageType", element.messageType?.fullName)
            writer.writeOptionalString(key: "enumType", element.enumType?.fullName)
            if let index = field.oneofIndex, message.oneofs.indices.contains(index) {
                writer.writeOptionalString(key: "oneof", message.oneofs[index].name)
            }
            writer.writeOptionalString(key: "comments", field.comments)
            writer.endObject()
        }

        /// The type's name as `FieldDescriptorProto.Type` spells it, lower-cased and without `TYPE_`.
        static func name(of type: FieldType) -> String {
            switch type {
            case .double: "double"
            case .float: "float"
            case .int64: "int64"
            case .uint64: "uint64"
            case .int32: "int32"
            case .fixed64: "fixed64"
            case .fixed32: "fixed32"
            case .bool: "bool"
            case .string: "string"
            case .group: "group"
            case .message: "message"
            case .bytes: "bytes"
            case .uint32: "uint32"
            case .enum: "enum"
            case .sfixed32: "sfixed32"
            case .sfixed64: "sfixed64"
            case .sint32: "sint32"
            case .sint64: "sint64"
            }
        }

        static func name(of type: WellKnownType) -> String {
            switch type {
            case .any: "any"
            case .timestamp: "timestamp"
            case .duration: "duration"
            case .fieldMask: "fieldMask"
            case .struct: "struct"
            case .value: "value"
            case .listValue: "listValue"
            case .empty: "empty"
            case .doubleValue: "doubleValue"
            case .floatValue: "floatValue"
            case .int64Value: "int64Value"
            case .uint64Value: "uint64Value"
            case .int32Value: "int32Value"
            case .uint32Value: "uint32Value"
            case .boolValue: "boolValue"
            case .stringValue: "stringValue"
            case .bytesValue: "bytesValue"
            case .httpBody: "httpBody"
            }
        }
    }
}
