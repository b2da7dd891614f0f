/// An enum type of the pool, with lookups by value name and by number.
public final class EnumDescriptor: @unchecked Sendable {
    /// The full name without a leading dot (`library.v1.Genre`).
    public let fullName: String
    public let fileName: String
    /// Values in declaration order (aliases included).
    public let values: [EnumValueDescriptor]
    /// proto2 and editions' closed enums reject unknown numbers; proto3 enums are open.
    public let isClosed: Bool
    public let comments: String?

    private let numberByName: [String: Int32]
    /// The first declared name of each number (the one JSON prints).
    private let nameByNumber: [Int32: String]

    init(fullName: String, fileName: String, values: [EnumValueDescriptor], isClosed: Bool, comments: String?) {
        self.fullName = fullName
        self.fileName = fileName
        self.values = values
        self.isClosed = isClosed
        self.comments = comments
        var numberByName: [String: Int32] = [:]
        var nameByNumber: [Int32: String] = [:]
        for value in values {
            numberByName[value.name] = value.number
            if nameByNumber[value.number] == nil { nameByNumber[value.number] = value.name }
        }
        self.numberByName = numberByName
        self.nameByNumber = nameByNumber
    }

    public func number(named name: String) -> Int32? { self.numberByName[name] }
    public func name(of number: Int32) -> String? { self.nameByNumber[number] }

    /// `google.protobuf.NullValue`, whose JSON form is `null`.
    public var isNullValue: Bool { self.fullName == "google.protobuf.NullValue" }
}

public struct EnumValueDescriptor: Sendable, Hashable {
    public let name: String
    public let number: Int32
}
