import SwiftProtobuf

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Collects FileDescriptorProtos, then links them into descriptors, validating as it goes.
///
/// Linking runs in passes: collect every symbol (so references may point forward or across files), create
/// enums, create messages with their fields (resolving each field's type name), link field types, then
/// create services. Every failure names the file and the symbol.
struct DescriptorPoolBuilder {
    private struct LoadedFile {
        var proto: Google_Protobuf_FileDescriptorProto
        var origin: String
        var isBuiltin: Bool
    }

    private var files: [LoadedFile] = []
    private var fileIndexByName: [String: Int] = [:]

    /// Adds the built-in well-known types, google.api and google.rpc files.
    mutating func addBuiltins() throws(TranscodingError) {
        guard let data = Data(base64Encoded: BuiltinDescriptorSet.base64) else {
            throw TranscodingError(.invalidDescriptorSet, "the built-in descriptor set is corrupt")
        }
        try self.add(serializedSet: [UInt8](data), origin: "built-in descriptors", replacingBuiltins: false)
        for index in self.files.indices { self.files[index].isBuiltin = true }
    }

    /// Adds every file of a binary FileDescriptorSet. A file whose name is already loaded must be identical,
    /// except that a user's file replaces a built-in one of the same name.
    mutating func add(serializedSet: [UInt8], origin: String, replacingBuiltins: Bool) throws(TranscodingError) {
        let set: Google_Protobuf_FileDescriptorSet
        do {
            set = try Google_Protobuf_FileDescriptorSet(serializedBytes: serializedSet)
        } catch {
            throw TranscodingError(
                .invalidDescriptorSet,
                "\(origin) is not a valid binary FileDescriptorSet (\(error)); "
                    + "produce one with `protoc --include_imports --descriptor_set_out=FILE`"
            )
        }
        for file in set.file {
            guard !file.name.isEmpty else {
                throw TranscodingError(.invalidDescriptorSet, "\(origin) contains a file without a name")
            }
            if let existing = self.fileIndexByName[file.name] {
                if self.files[existing].proto == file { continue }
                guard replacingBuiltins && self.files[existing].isBuiltin else {
                    throw TranscodingError(
                        .invalidDescriptorSet,
                        "\(file.name) is defined twice with different contents (\(self.files[existing].origin) and \(origin))"
                    )
                }
                self.files[existing] = LoadedFile(proto: file, origin: origin, isBuiltin: false)
                continue
            }
            self.fileIndexByName[file.name] = self.files.count
            self.files.append(LoadedFile(proto: file, origin: origin, isBuiltin: false))
        }
    }

    struct Linked {
        var fileNames: [String]
        var messages: [String: MessageDescriptor]
        var enums: [String: EnumDescriptor]
        var services: [ServiceDescriptor]
    }

    private enum SymbolKind { case message, `enum`, service }

    /// The protobuf features that decide a field's encoding and presence, resolved down the scope chain.
    private struct Features {
        var explicitPresence: Bool
        var packedByDefault: Bool
        var openEnums: Bool
        var delimitedMessages: Bool

        init(file: Google_Protobuf_FileDescriptorProto) {
            switch file.syntax {
            case "proto3":
                self.init(explicitPresence: false, packedByDefault: true, openEnums: true, delimitedMessages: false)
            case "editions":
                self.init(explicitPresence: true, packedByDefault: true, openEnums: true, delimitedMessages: false)
                self.apply(file.options.features)
            default:  // proto2 ("" or "proto2")
                self.init(explicitPresence: true, packedByDefault: false, openEnums: false, delimitedMessages: false)
            }
        }

        init(explicitPresence: Bool, packedByDefault: Bool, openEnums: Bool, delimitedMessages: Bool) {
            self.explicitPresence = explicitPresence
            self.packedByDefault = packedByDefault
            self.openEnums = openEnums
            self.delimitedMessages = delimitedMessages
        }

        mutating func apply(_ features: Google_Protobuf_FeatureSet) {
            if features.hasFieldPresence { self.explicitPresence = features.fieldPresence != .implicit }
            if features.hasRepeatedFieldEncoding { self.packedByDefault = features.repeatedFieldEncoding == .packed }
            if features.hasEnumType { self.openEnums = features.enumType == .open }
            if features.hasMessageEncoding { self.delimitedMessages = features.messageEncoding == .delimited }
        }

        func applying(_ features: Google_Protobuf_FeatureSet, isEditions: Bool) -> Features {
            guard isEditions else { return self }
            var copy = self
            copy.apply(features)
            return copy
        }
    }

    func link() throws(TranscodingError) -> Linked {
        // Pass 1: every symbol, so that references can point anywhere.
        var symbols: [String: (kind: SymbolKind, file: String)] = [:]
        func declare(_ name: String, _ kind: SymbolKind, in file: String) throws(TranscodingError) {
            if let previous = symbols[name] {
                throw TranscodingError(
                    .invalidDescriptorSet,
                    "\(file): \(name) is already defined in \(previous.file)"
                )
            }
            symbols[name] = (kind, file)
        }
        func declareMessage(_ message: Google_Protobuf_DescriptorProto, scope: String, file: String)
            throws(TranscodingError)
        {
            let fullName = qualified(scope, message.name)
            try declare(fullName, .message, in: file)
            for nested in message.nestedType { try declareMessage(nested, scope: fullName, file: file) }
            for nested in message.enumType { try declare(qualified(fullName, nested.name), .enum, in: file) }
        }
        for file in self.files.map(\.proto) {
            for message in file.messageType { try declareMessage(message, scope: file.package, file: file.name) }
            for enumType in file.enumType { try declare(qualified(file.package, enumType.name), .enum, in: file.name) }
            for service in file.service { try declare(qualified(file.package, service.name), .service, in: file.name) }
        }

        var enums: [String: EnumDescriptor] = [:]
        var messages: [String: MessageDescriptor] = [:]
        // Type references to link once every message exists: (field, full type name).
        var pendingLinks: [(FieldDescriptor, String)] = []

        func resolve(_ typeName: String, from scope: String) -> String? {
            if typeName.hasPrefix(".") {
                let name = String(typeName.dropFirst())
                return symbols[name] == nil ? nil : name
            }
            // A relative name: search the enclosing scopes from the innermost outwards, as protoc does.
            var scopeParts = scope.split(separator: ".").map(String.init)
            while true {
                let candidate = (scopeParts + [typeName]).joined(separator: ".")
                if symbols[candidate] != nil { return candidate }
                if scopeParts.isEmpty { return nil }
                scopeParts.removeLast()
            }
        }

        func makeEnum(
            _ proto: Google_Protobuf_EnumDescriptorProto,
            scope: String,
            file: Google_Protobuf_FileDescriptorProto,
            features: Features,
            path: [Int32],
            comments: SourceComments
        ) throws(TranscodingError) {
            let fullName = qualified(scope, proto.name)
            guard !proto.value.isEmpty else {
                throw TranscodingError(.invalidDescriptorSet, "\(file.name): enum \(fullName) has no values")
            }
            let resolved = features.applying(proto.options.features, isEditions: file.syntax == "editions")
            enums[fullName] = EnumDescriptor(
                fullName: fullName,
                fileName: file.name,
                values: proto.value.map { EnumValueDescriptor(name: $0.name, number: $0.number) },
                isClosed: !resolved.openEnums,
                comments: comments[path]
            )
        }

        func makeMessage(
            _ proto: Google_Protobuf_DescriptorProto,
            scope: String,
            file: Google_Protobuf_FileDescriptorProto,
            features inherited: Features,
            path: [Int32],
            comments: SourceComments
        ) throws(TranscodingError) {
            let fullName = qualified(scope, proto.name)
            let isEditions = file.syntax == "editions"
            let features = inherited.applying(proto.options.features, isEditions: isEditions)
            func fail(_ message: String) -> TranscodingError {
                TranscodingError(.invalidDescriptorSet, "\(file.name): \(message)")
            }

            // Real oneofs: those with at least one member that is not a proto3 `optional` field.
            var realOneofIndex: [Int32: Int] = [:]
            var oneofMembers: [[Int]] = []
            for (index, _) in proto.oneofDecl.enumerated() {
                let members = proto.field.filter { $0.hasOneofIndex && $0.oneofIndex == Int32(index) }
                if members.isEmpty {
                    throw fail("oneof \(fullName).\(proto.oneofDecl[index].name) has no fields")
                }
                if !members.allSatisfy(\.proto3Optional) {
                    realOneofIndex[Int32(index)] = oneofMembers.count
                    oneofMembers.append([])
                }
            }

            var fields: [FieldDescriptor] = []
            var seenNumbers: [Int32: String] = [:]
            var seenNames: Set<String> = []
            for (index, field) in proto.field.enumerated() {
                let fieldName = "\(fullName).\(field.name)"
                guard !field.name.isEmpty else { throw fail("a field of \(fullName) has no name") }
                guard (1...536_870_911).contains(field.number) else {
                    throw fail("field \(fieldName) has number \(field.number), outside 1..536870911")
                }
                guard !(19_000...19_999).contains(field.number) else {
                    throw fail(
                        "field \(fieldName) uses number \(field.number), reserved for the protobuf implementation")
                }
                if let other = seenNumbers[field.number] {
                    throw fail("fields \(fullName).\(other) and \(field.name) share number \(field.number)")
                }
                guard seenNames.insert(field.name).inserted else { throw fail("field \(fieldName) is declared twice") }
                seenNumbers[field.number] = field.name
                if field.hasOneofIndex && !(0..<Int32(proto.oneofDecl.count)).contains(field.oneofIndex) {
                    throw fail("field \(fieldName) names oneof #\(field.oneofIndex), which does not exist")
                }

                // The type: from `type`, or (for hand-written sets) from what `type_name` resolves to.
                var resolvedTypeName: String?
                if field.hasTypeName {
                    guard let name = resolve(field.typeName, from: fullName) else {
                        throw fail("field \(fieldName) has unknown type \(field.typeName)")
                    }
                    resolvedTypeName = name
                }
                var type: FieldType
                if field.hasType {
                    guard let known = FieldType(rawValue: field.type.rawValue) else {
                        throw fail("field \(fieldName) has invalid type \(field.type.rawValue)")
                    }
                    type = known
                } else if let name = resolvedTypeName, let kind = symbols[name]?.kind, kind != .service {
                    type = kind == .enum ? .enum : .message
                } else {
                    throw fail("field \(fieldName) has no type")
                }
                let fieldFeatures = features.applying(field.options.features, isEditions: isEditions)
                if type == .message && isEditions && fieldFeatures.delimitedMessages { type = .group }
                switch type {
                case .message, .group, .enum:
                    guard let name = resolvedTypeName else { throw fail("field \(fieldName) has no type name") }
                    let expected: SymbolKind = type == .enum ? .enum : .message
                    guard symbols[name]?.kind == expected else {
                        throw fail(
                            "field \(fieldName) has type \(name), which is not \(expected == .enum ? "an enum" : "a message")"
                        )
                    }
                default:
                    break
                }

                let isRepeated = field.label == .repeated
                let cardinality: FieldCardinality
                if isRepeated {
                    cardinality = .repeated
                } else if type == .message || type == .group || field.hasOneofIndex || field.proto3Optional
                    || field.label == .required
                {
                    cardinality = .optional
                } else {
                    cardinality = fieldFeatures.explicitPresence ? .optional : .singular
                }
                let isPacked: Bool
                if isRepeated && type.isPackable {
                    if isEditions {
                        isPacked = fieldFeatures.packedByDefault
                    } else {
                        isPacked = field.options.hasPacked ? field.options.packed : features.packedByDefault
                    }
                } else {
                    isPacked = false
                }

                let descriptor = FieldDescriptor(
                    name: field.name,
                    jsonName: field.hasJsonName ? field.jsonName : lowerCamelCase(field.name),
                    number: field.number,
                    type: type,
                    cardinality: cardinality,
                    isPacked: isPacked,
                    oneofIndex: field.hasOneofIndex ? realOneofIndex[field.oneofIndex] : nil,
                    index: index,
                    defaultValue: field.hasDefaultValue ? field.defaultValue : nil,
                    comments: comments[path + [2, Int32(index)]]
                )
                if let oneof = descriptor.oneofIndex { oneofMembers[oneof].append(index) }
                if let name = resolvedTypeName, type == .message || type == .group || type == .enum {
                    pendingLinks.append((descriptor, name))
                }
                fields.append(descriptor)
            }

            let oneofs = realOneofIndex.sorted { $0.key < $1.key }.map { entry in
                OneofDescriptor(name: proto.oneofDecl[Int(entry.key)].name, fieldIndices: oneofMembers[entry.value])
            }
            let isMapEntry = proto.options.mapEntry
            if isMapEntry {
                let numbers = Set(fields.map(\.number))
                guard fields.count == 2, numbers == [1, 2] else {
                    throw fail("map entry \(fullName) must have exactly a key (1) and a value (2)")
                }
                let key = fields.first { $0.number == 1 }!
                switch key.type {
                case .double, .float, .bytes, .message, .group, .enum:
                    throw fail("map entry \(fullName) has a key of type \(key.type), which maps do not allow")
                default:
                    break
                }
            }
            messages[fullName] = MessageDescriptor(
                fullName: fullName,
                name: proto.name,
                fileName: file.name,
                fields: fields,
                oneofs: oneofs,
                isMapEntry: isMapEntry,
                comments: comments[path]
            )
            for (index, nested) in proto.nestedType.enumerated() {
                try makeMessage(
                    nested, scope: fullName, file: file, features: features, path: path + [3, Int32(index)],
                    comments: comments)
            }
            for (index, nested) in proto.enumType.enumerated() {
                try makeEnum(
                    nested, scope: fullName, file: file, features: features, path: path + [4, Int32(index)],
                    comments: comments)
            }
        }

        // Passes 2 and 3: enums and messages.
        var commentsByFile: [String: SourceComments] = [:]
        for file in self.files.map(\.proto) {
            let comments = SourceComments(file.sourceCodeInfo)
            commentsByFile[file.name] = comments
            let features = Features(file: file)
            for (index, enumType) in file.enumType.enumerated() {
                try makeEnum(
                    enumType, scope: file.package, file: file, features: features, path: [5, Int32(index)],
                    comments: comments)
            }
            for (index, message) in file.messageType.enumerated() {
                try makeMessage(
                    message, scope: file.package, file: file, features: features, path: [4, Int32(index)],
                    comments: comments)
            }
        }

        // Pass 4: link field types.
        for (field, typeName) in pendingLinks {
            if field.type == .enum {
                field.enumType = enums[typeName]
            } else {
                field.messageType = messages[typeName]
            }
        }

        // Pass 5: services and their HTTP rules.
        var services: [ServiceDescriptor] = []
        for file in self.files.map(\.proto) {
            let comments = commentsByFile[file.name] ?? SourceComments(file.sourceCodeInfo)
            for (serviceIndex, service) in file.service.enumerated() {
                let serviceName = qualified(file.package, service.name)
                var methods: [MethodDescriptor] = []
                var seenMethods: Set<String> = []
                for (methodIndex, method) in service.method.enumerated() {
                    let methodName = "\(serviceName).\(method.name)"
                    func fail(_ message: String) -> TranscodingError {
                        TranscodingError(.invalidDescriptorSet, "\(file.name): method \(methodName): \(message)")
                    }
                    guard seenMethods.insert(method.name).inserted else { throw fail("declared twice") }
                    guard let inputName = resolve(method.inputType, from: serviceName),
                        let input = messages[inputName]
                    else { throw fail("unknown input type \(method.inputType)") }
                    guard let outputName = resolve(method.outputType, from: serviceName),
                        let output = messages[outputName]
                    else { throw fail("unknown output type \(method.outputType)") }
                    let rules: [HTTPRule]
                    do {
                        rules = try HTTPRule.rules(fromMethodOptions: method.options.unknownFields.data)
                    } catch {
                        throw fail("invalid google.api.http option: \(error.message)")
                    }
                    methods.append(
                        MethodDescriptor(
                            name: method.name,
                            inputType: input,
                            outputType: output,
                            clientStreaming: method.clientStreaming,
                            serverStreaming: method.serverStreaming,
                            httpRules: rules,
                            comments: comments[[6, Int32(serviceIndex), 2, Int32(methodIndex)]]
                        )
                    )
                }
                services.append(
                    ServiceDescriptor(
                        fullName: serviceName,
                        name: service.name,
                        fileName: file.name,
                        methods: methods,
                        comments: comments[[6, Int32(serviceIndex)]]
                    )
                )
            }
        }
        return Linked(fileNames: self.files.map(\.proto.name), messages: messages, enums: enums, services: services)
    }
}

private func qualified(_ scope: String, _ name: String) -> String {
    scope.isEmpty ? name : "\(scope).\(name)"
}

/// protoc's default JSON name: underscores removed and the following letter upper-cased.
func lowerCamelCase(_ name: String) -> String {
    var result = ""
    result.reserveCapacity(name.utf8.count)
    var upperNext = false
    for character in name {
        if character == "_" {
            upperNext = true
        } else if upperNext {
            result += character.uppercased()
            upperNext = false
        } else {
            result.append(character)
        }
    }
    return result
}
