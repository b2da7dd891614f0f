/// A service of the pool with its methods.
public final class ServiceDescriptor: @unchecked Sendable {
    /// The full name without a leading dot (`library.v1.LibraryService`).
    public let fullName: String
    public let name: String
    public let fileName: String
    public let methods: [MethodDescriptor]
    public let comments: String?

    init(fullName: String, name: String, fileName: String, methods: [MethodDescriptor], comments: String?) {
        self.fullName = fullName
        self.name = name
        self.fileName = fileName
        self.methods = methods
        self.comments = comments
        for method in methods {
            method.service = self
            method.fullName = "\(fullName).\(method.name)"
            method.grpcPath = "/\(fullName)/\(method.name)"
        }
    }
}

/// One RPC: its input and output types, streaming shape, and `google.api.http` bindings.
public final class MethodDescriptor: @unchecked Sendable {
    public let name: String
    public internal(set) unowned(unsafe) var service: ServiceDescriptor!
    public let inputType: MessageDescriptor
    public let outputType: MessageDescriptor
    public let clientStreaming: Bool
    public let serverStreaming: Bool
    /// The primary `google.api.http` rule followed by its `additional_bindings`, flattened; empty when unannotated.
    public let httpRules: [HTTPRule]
    public let comments: String?

    init(
        name: String,
        inputType: MessageDescriptor,
        outputType: MessageDescriptor,
        clientStreaming: Bool,
        serverStreaming: Bool,
        httpRules: [HTTPRule],
        comments: String?
    ) {
        self.name = name
        self.inputType = inputType
        self.outputType = outputType
        self.clientStreaming = clientStreaming
        self.serverStreaming = serverStreaming
        self.httpRules = httpRules
        self.comments = comments
    }

    /// The gRPC request path, `/library.v1.LibraryService/GetBook`; set with ``service``, computed once.
    public internal(set) var grpcPath = ""
    /// The full name, `library.v1.LibraryService.GetBook`; set with ``service``, computed once.
    public internal(set) var fullName = ""
}
