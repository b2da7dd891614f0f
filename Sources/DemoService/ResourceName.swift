import GRPCCore

/// Parses the bookstore's resource names, `shelves/{shelf}` and `shelves/{shelf}/books/{book}`.
enum ResourceName {
    /// The `{shelf}` of `shelves/{shelf}`, or `INVALID_ARGUMENT` naming `field`.
    static func shelfID(_ name: String, field: String) throws(RPCError) -> String {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 2, segments[0] == "shelves", isValidID(segments[1]) else {
            throw RichStatus.invalidArgument(field: field, "\(field) must look like shelves/{shelf}, not \"\(name)\"")
        }
        return String(segments[1])
    }

    /// The `{shelf}` and `{book}` of `shelves/{shelf}/books/{book}`, or `INVALID_ARGUMENT` naming `field`.
    static func bookIDs(_ name: String, field: String) throws(RPCError) -> (shelf: String, book: String) {
        let segments = name.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 4, segments[0] == "shelves", segments[2] == "books",
            isValidID(segments[1]), isValidID(segments[3])
        else {
            throw RichStatus.invalidArgument(
                field: field,
                "\(field) must look like shelves/{shelf}/books/{book}, not \"\(name)\""
            )
        }
        return (String(segments[1]), String(segments[3]))
    }

    /// Whether `id` is 1 to 63 lower-case ASCII letters, digits or hyphens.
    static func isValidID(_ id: some StringProtocol) -> Bool {
        !id.isEmpty && id.utf8.count <= 63
            && id.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            }
    }

    /// The rule ``isValidID(_:)`` checks, for error messages.
    static func idRule(_ field: String) -> String {
        "\(field) must be 1 to 63 lower-case letters, digits or hyphens"
    }
}
