/// All the types and services of one or more FileDescriptorSets, linked and validated.
/// (Loader lands in the next commit; this declaration fixes the API other code builds on.)
public final class DescriptorPool: @unchecked Sendable {
    public private(set) var messages: [String: MessageDescriptor] = [:]
    public private(set) var enums: [String: EnumDescriptor] = [:]
    public private(set) var services: [ServiceDescriptor] = []

    /// The message type with this full name (no leading dot).
    public func message(named fullName: String) -> MessageDescriptor? { self.messages[fullName] }
    /// The enum type with this full name (no leading dot).
    public func enumType(named fullName: String) -> EnumDescriptor? { self.enums[fullName] }
}
