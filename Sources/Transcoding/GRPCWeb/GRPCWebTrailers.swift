/// The trailing metadata of a gRPC-Web response, in the order it was sent: `grpc-status`, `grpc-message` and any
/// custom trailers. Names are lower-case; a name may occur more than once.
public struct GRPCWebTrailers: Hashable, Sendable {
    /// One `name: value` line of the trailer frame.
    public struct Field: Hashable, Sendable {
        /// The lower-case field name.
        public var name: String
        /// The value, with the optional whitespace around it removed.
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var fields: [Field]

    public init(_ fields: [Field] = []) {
        self.fields = fields
    }

    /// Every value of the field `name` (compared without regard to case), in order.
    public func values(for name: String) -> [String] {
        let name = name.lowercased()
        return self.fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// The first value of the field `name` (compared without regard to case).
    public subscript(name: String) -> String? {
        let name = name.lowercased()
        return self.fields.first { $0.name == name }?.value
    }

    /// The `grpc-status` code, or nil when it is missing or not a decimal number.
    public var grpcStatus: Int? {
        self["grpc-status"].flatMap { Int($0) }
    }

    /// The `grpc-message`, percent-decoded, or nil when it is missing.
    public var grpcMessage: String? {
        self["grpc-message"].map { GRPCStatusMessage.percentDecode($0) }
    }
}
