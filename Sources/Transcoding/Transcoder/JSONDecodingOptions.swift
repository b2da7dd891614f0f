/// How `JSONToProtobuf` reads JSON.
public struct JSONDecodingOptions: Sendable, Hashable {
    /// Skip keys that name no field, and enum names the enum does not declare, instead of failing
    /// with `.unknownField` / `.invalidValue`.
    public var ignoreUnknownFields: Bool = false
    /// The deepest nesting of JSON objects and arrays accepted (`.tooDeep` beyond). Parsing recurses
    /// once per level, so keep this in the hundreds or low thousands.
    public var maxDepth: Int = 100
    /// The largest JSON input accepted, in bytes (`.tooLarge` beyond). 64 MiB by default, the
    /// same order as gRPC servers' usual message limits once JSON's overhead is counted.
    public var maxInputSize: Int = 64 << 20

    public init() {}

    public init(ignoreUnknownFields: Bool = false, maxDepth: Int = 100, maxInputSize: Int = 64 << 20) {
        self.ignoreUnknownFields = ignoreUnknownFields
        self.maxDepth = maxDepth
        self.maxInputSize = maxInputSize
    }

    public static var defaults: JSONDecodingOptions { JSONDecodingOptions() }
}
