import GRPCCore

/// One page of a list, for the List methods' `page_size` and `page_token`.
///
/// The token is the decimal offset of the page's first item: opaque to clients, but easy to read in a demo.
struct Page<Item> {
    var items: [Item]
    /// The token of the next page; empty on the last page.
    var nextToken: String

    init(size requestedSize: Int32, token: String, of all: [Item]) throws(RPCError) {
        guard requestedSize >= 0, requestedSize <= LibraryStore.maxPageSize else {
            throw RichStatus.invalidArgument(
                field: "page_size", "page_size must be between 0 and \(LibraryStore.maxPageSize)")
        }
        let size = requestedSize == 0 ? LibraryStore.defaultPageSize : Int(requestedSize)
        let start: Int
        if token.isEmpty {
            start = 0
        } else {
            guard token.utf8.count <= 9, let offset = Int(token), offset >= 0, offset <= all.count else {
                throw RichStatus.invalidArgument(
                    field: "page_token", "page_token \"\(token)\" is not a token this list returned")
            }
            start = offset
        }
        let end = min(start + size, all.count)
        self.items = Array(all[start..<end])
        self.nextToken = end < all.count ? String(end) : ""
    }
}
