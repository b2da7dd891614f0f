/// The value a request path gives to one template variable.
public struct PathBinding: Sendable, Hashable, CustomStringConvertible {
    /// The variable's field path, split at the dots.
    public var fieldPath: [String]
    /// The percent-decoded value (a multi-segment value keeps `%2F` escaped).
    public var value: String

    public init(fieldPath: [String], value: String) {
        self.fieldPath = fieldPath
        self.value = value
    }

    public var description: String {
        "\(self.fieldPath.joined(separator: "."))=\(self.value)"
    }
}
