public import GRPCCore
public import SwiftProtobuf

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The `library.v1.LibraryService` implementation: an in-memory bookstore seeded with three shelves.
///
/// Names are validated (`INVALID_ARGUMENT` with a `google.rpc.BadRequest`), missing shelves and books answer
/// `NOT_FOUND` with a `google.rpc.ResourceInfo`, and publishing a published book answers
/// `FAILED_PRECONDITION` with a `google.rpc.PreconditionFailure`.
public struct LibraryService: Library_V1_LibraryService.SimpleServiceProtocol {
    private let store: LibraryStore

    /// The fields UpdateBook changes when its mask is empty, by proto name.
    public static let updatableFields: [String] = [
        "title", "author", "genre", "page_count", "price", "isbn", "tags", "published", "attributes", "rating",
    ]
    /// The longest StreamBooks `interval_ms`.
    public static let maxStreamIntervalMilliseconds: Int32 = 10_000

    /// A bookstore holding the seed shelves and books; each instance has its own copy.
    public init() {
        self.store = LibraryStore(seed: LibraryStore.seedShelves)
    }

    public func getShelf(request: Library_V1_GetShelfRequest, context: ServerContext) async throws -> Library_V1_Shelf {
        try self.store.shelf(named: request.name)
    }

    public func listShelves(
        request: Library_V1_ListShelvesRequest,
        context: ServerContext
    ) async throws -> Library_V1_ListShelvesResponse {
        let page = try Page(size: request.pageSize, token: request.pageToken, of: self.store.allShelves())
        var response = Library_V1_ListShelvesResponse()
        response.shelves = page.items
        response.nextPageToken = page.nextToken
        return response
    }

    public func getBook(request: Library_V1_GetBookRequest, context: ServerContext) async throws -> Library_V1_Book {
        try self.store.book(named: request.name)
    }

    public func listBooks(
        request: Library_V1_ListBooksRequest,
        context: ServerContext
    ) async throws -> Library_V1_ListBooksResponse {
        let books = try self.store.books(onShelf: request.parent, genre: request.genre, filter: request.filter)
        let page = try Page(size: request.pageSize, token: request.pageToken, of: books)
        var response = Library_V1_ListBooksResponse()
        response.books = page.items
        response.nextPageToken = page.nextToken
        response.totalSize = Int32(books.count)
        return response
    }

    public func createBook(request: Library_V1_CreateBookRequest, context: ServerContext) async throws
        -> Library_V1_Book
    {
        try self.store.create(request.book, onShelf: request.parent, bookID: request.bookID)
    }

    public func updateBook(request: Library_V1_UpdateBookRequest, context: ServerContext) async throws
        -> Library_V1_Book
    {
        let paths = request.updateMask.paths.isEmpty ? Self.updatableFields : request.updateMask.paths
        for path in paths where !Self.updatableFields.contains(path) {
            throw RichStatus.invalidArgument(
                field: "update_mask",
                "update_mask names \"\(path)\", which is not one of \(Self.updatableFields.joined(separator: ", "))"
            )
        }
        let update = request.book
        if paths.contains("title"), update.title.isEmpty {
            throw RichStatus.invalidArgument(field: "book.title", "a book needs a title")
        }
        return try self.store.modifyBook(named: update.name, field: "book.name") { book throws(RPCError) in
            for path in paths {
                Self.copy(path, from: update, to: &book)
            }
        }
    }

    public func deleteBook(
        request: Library_V1_DeleteBookRequest,
        context: ServerContext
    ) async throws -> Google_Protobuf_Empty {
        try self.store.deleteBook(named: request.name)
        return Google_Protobuf_Empty()
    }

    public func publishBook(request: Library_V1_PublishBookRequest, context: ServerContext) async throws
        -> Library_V1_Book
    {
        let now = Google_Protobuf_Timestamp(date: Date())
        return try self.store.modifyBook(named: request.name, field: "name") { book throws(RPCError) in
            guard !book.hasPublished else {
                var violation = Google_Rpc_PreconditionFailure.Violation()
                violation.type = "STATE"
                violation.subject = book.name
                violation.description_p = "the book is already published"
                var failure = Google_Rpc_PreconditionFailure()
                failure.violations = [violation]
                throw RichStatus.error(
                    code: .failedPrecondition,
                    message: "\(book.name) is already published",
                    details: [failure]
                )
            }
            book.published = now
            if !request.note.isEmpty {
                book.attributes["publication_note"] = request.note
            }
        }
    }

    public func streamBooks(
        request: Library_V1_StreamBooksRequest,
        response: RPCWriter<Library_V1_Book>,
        context: ServerContext
    ) async throws {
        guard request.intervalMs >= 0, request.intervalMs <= Self.maxStreamIntervalMilliseconds else {
            throw RichStatus.invalidArgument(
                field: "interval_ms",
                "interval_ms must be between 0 and \(Self.maxStreamIntervalMilliseconds)"
            )
        }
        let books = try self.store.books(onShelf: request.parent, genre: request.genre, filter: "")
        for (index, book) in books.enumerated() {
            if index > 0 {
                try await context.sleepOrThrow(for: .milliseconds(request.intervalMs))
            }
            try await response.write(book)
        }
    }

    /// Copies the field `path` (one of ``updatableFields``) of `source` into `target`.
    private static func copy(_ path: String, from source: Library_V1_Book, to target: inout Library_V1_Book) {
        switch path {
        case "title": target.title = source.title
        case "author": target.author = source.author
        case "genre": target.genre = source.genre
        case "page_count": target.pageCount = source.pageCount
        case "price": target.price = source.price
        case "isbn": target.isbn = source.isbn
        case "tags": target.tags = source.tags
        case "published":
            if source.hasPublished { target.published = source.published } else { target.clearPublished() }
        case "attributes": target.attributes = source.attributes
        case "rating":
            if source.hasRating { target.rating = source.rating } else { target.clearRating() }
        default: break
        }
    }
}
