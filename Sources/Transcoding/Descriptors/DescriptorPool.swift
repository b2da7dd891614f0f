/// All the types and services of one or more FileDescriptorSets, linked and validated.
///
/// A pool always starts from the built-in descriptors (the well-known types, `google.api` and `google.rpc`),
/// so error details and `Any` payloads of those types resolve even when a user's set leaves them out.
/// A user's file with the same name as a built-in file replaces it.
///
/// The pool is immutable once built and safe to share across threads.
public final class DescriptorPool: @unchecked Sendable {
    /// The files in load order (built-ins first), by name.
    public let fileNames: [String]
    /// Every message type, by full name without a leading dot.
    public let messages: [String: MessageDescriptor]
    /// Every enum type, by full name without a leading dot.
    public let enums: [String: EnumDescriptor]
    /// Services in the order their files declare them.
    public let services: [ServiceDescriptor]
    private let servicesByName: [String: ServiceDescriptor]
    private let methodsByGRPCPath: [String: MethodDescriptor]

    /// Loads binary FileDescriptorSets, as `protoc --include_imports --descriptor_set_out` or `buf build -o` write
    /// them, on top of the built-in descriptors.
    public convenience init(fileDescriptorSets: [[UInt8]]) throws(TranscodingError) {
        var builder = DescriptorPoolBuilder()
        try builder.addBuiltins()
        for (index, set) in fileDescriptorSets.enumerated() {
            try builder.add(serializedSet: set, origin: "descriptor set #\(index + 1)", replacingBuiltins: true)
        }
        try self.init(builder: builder)
    }

    /// Loads one binary FileDescriptorSet on top of the built-in descriptors.
    public convenience init(fileDescriptorSet: [UInt8]) throws(TranscodingError) {
        try self.init(fileDescriptorSets: [fileDescriptorSet])
    }

    /// A pool of the built-in descriptors alone.
    public convenience init() throws(TranscodingError) {
        try self.init(fileDescriptorSets: [])
    }

    init(builder: consuming DescriptorPoolBuilder) throws(TranscodingError) {
        let linked = try builder.link()
        self.fileNames = linked.fileNames
        self.messages = linked.messages
        self.enums = linked.enums
        self.services = linked.services
        var servicesByName: [String: ServiceDescriptor] = [:]
        var methodsByGRPCPath: [String: MethodDescriptor] = [:]
        for service in linked.services {
            servicesByName[service.fullName] = service
            for method in service.methods { methodsByGRPCPath[method.grpcPath] = method }
        }
        self.servicesByName = servicesByName
        self.methodsByGRPCPath = methodsByGRPCPath
        for message in linked.messages.values { message.pool = self }
    }

    /// The message type with this full name (no leading dot).
    public func message(named fullName: String) -> MessageDescriptor? { self.messages[fullName] }
    /// The enum type with this full name (no leading dot).
    public func enumType(named fullName: String) -> EnumDescriptor? { self.enums[fullName] }
    /// The service with this full name (no leading dot).
    public func service(named fullName: String) -> ServiceDescriptor? { self.servicesByName[fullName] }
    /// The method a gRPC request path (`/pkg.Service/Method`) names.
    public func method(grpcPath: String) -> MethodDescriptor? { self.methodsByGRPCPath[grpcPath] }

    /// The message type an `Any` type URL names (`type.googleapis.com/pkg.Msg`: the part after the last `/`).
    public func message(typeURL: String) -> MessageDescriptor? {
        guard let slash = typeURL.lastIndex(of: "/") else { return nil }
        return self.messages[String(typeURL[typeURL.index(after: slash)...])]
    }
}
