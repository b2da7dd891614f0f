import SwiftProtobuf
import Transcoding

/// Builds small FileDescriptorSets in code, so each test states exactly the descriptors it loads.
struct DescriptorSetBuilder {
    var files: [Google_Protobuf_FileDescriptorProto] = []

    func serialized() throws -> [UInt8] {
        var set = Google_Protobuf_FileDescriptorSet()
        set.file = self.files
        return try set.serializedBytes()
    }

    static func file(
        _ name: String,
        package: String,
        syntax: String = "proto3",
        dependencies: [String] = [],
        configure: (inout Google_Protobuf_FileDescriptorProto) -> Void
    ) -> Google_Protobuf_FileDescriptorProto {
        var file = Google_Protobuf_FileDescriptorProto()
        file.name = name
        file.package = package
        file.syntax = syntax
        file.dependency = dependencies
        configure(&file)
        return file
    }

    static func message(_ name: String, _ fields: [Google_Protobuf_FieldDescriptorProto])
        -> Google_Protobuf_DescriptorProto
    {
        var message = Google_Protobuf_DescriptorProto()
        message.name = name
        message.field = fields
        return message
    }

    static func field(
        _ name: String,
        _ number: Int32,
        _ type: Google_Protobuf_FieldDescriptorProto.TypeEnum,
        typeName: String? = nil,
        repeated: Bool = false,
        configure: (inout Google_Protobuf_FieldDescriptorProto) -> Void = { _ in }
    ) -> Google_Protobuf_FieldDescriptorProto {
        var field = Google_Protobuf_FieldDescriptorProto()
        field.name = name
        field.number = number
        field.type = type
        field.label = repeated ? .repeated : .optional
        if let typeName { field.typeName = typeName }
        configure(&field)
        return field
    }

    static func method(
        _ name: String,
        input: String,
        output: String,
        serverStreaming: Bool = false,
        httpRule: [UInt8]? = nil
    ) -> Google_Protobuf_MethodDescriptorProto {
        var method = Google_Protobuf_MethodDescriptorProto()
        method.name = name
        method.inputType = input
        method.outputType = output
        method.serverStreaming = serverStreaming
        if let httpRule {
            // The google.api.http extension, as protoc leaves it in MethodOptions: an unknown field here.
            var writer = ProtobufWriter()
            writer.writeTag(fieldNumber: 72_295_728, wireType: .lengthDelimited)
            writer.writeLengthDelimited(httpRule)
            var options = Google_Protobuf_MethodOptions()
            try! options.merge(serializedBytes: writer.bytes)
            method.options = options
        }
        return method
    }

    /// An HttpRule message: `pattern` is (field number of get/put/post/delete/patch, path).
    static func httpRule(
        _ method: Int32,
        _ path: String,
        body: String? = nil,
        responseBody: String? = nil,
        custom: (kind: String, path: String)? = nil,
        additional: [[UInt8]] = []
    ) -> [UInt8] {
        var writer = ProtobufWriter()
        func string(_ number: Int32, _ value: String) {
            writer.writeTag(fieldNumber: number, wireType: .lengthDelimited)
            writer.writeLengthDelimited(Array(value.utf8))
        }
        if let custom {
            var inner = ProtobufWriter()
            inner.writeTag(fieldNumber: 1, wireType: .lengthDelimited)
            inner.writeLengthDelimited(Array(custom.kind.utf8))
            inner.writeTag(fieldNumber: 2, wireType: .lengthDelimited)
            inner.writeLengthDelimited(Array(custom.path.utf8))
            writer.writeTag(fieldNumber: 8, wireType: .lengthDelimited)
            writer.writeLengthDelimited(inner.bytes)
        } else {
            string(method, path)
        }
        if let body { string(7, body) }
        if let responseBody { string(12, responseBody) }
        for binding in additional {
            writer.writeTag(fieldNumber: 11, wireType: .lengthDelimited)
            writer.writeLengthDelimited(binding)
        }
        return writer.bytes
    }
}
