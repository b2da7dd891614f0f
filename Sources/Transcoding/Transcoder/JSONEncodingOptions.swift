/// How `ProtobufToJSON` prints JSON.
public struct JSONEncodingOptions: Sendable, Hashable {
    /// Print implicit-presence fields that hold their default value (`0`, `""`, `false`, the zero enum),
    /// and empty repeated fields and maps (`[]`, `{}`). Unset message fields, unset `optional` fields and
    /// unset oneofs are still left out: they have no value to print.
    public var emitUnpopulatedFields: Bool = false
    /// Print enum values as their numbers instead of their names.
    public var enumsAsIntegers: Bool = false
    /// Use the names from the .proto file (`page_count`) instead of the JSON names (`pageCount`).
    public var useProtoFieldNames: Bool = false
    /// Spaces per nesting level; 0 prints compact JSON on one line.
    public var indent: Int = 0
    /// The deepest nesting of messages accepted in the protobuf input (`.tooDeep` beyond).
    public var maxDepth: Int = 100

    public init() {}

    public init(
        emitUnpopulatedFields: Bool = false,
        enumsAsIntegers: Bool = false,
        useProtoFieldNames: Bool = false,
        indent: Int = 0,
        maxDepth: Int = 100
    ) {
        self.emitUnpopulatedFields = emitUnpopulatedFields
        self.enumsAsIntegers = enumsAsIntegers
        self.useProtoFieldNames = useProtoFieldNames
        self.indent = indent
        self.maxDepth = maxDepth
    }

    public static var defaults: JSONEncodingOptions { JSONEncodingOptions() }
}
