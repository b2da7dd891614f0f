import DemoService
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf
import Testing

@Suite("Demo LibraryService over loopback gRPC")
struct DemoLibraryServiceTests {
    @Test("ListShelves returns the three seeded shelves with their book counts")
    func listShelves() async throws {
        try await withDemoClients { _, _, library in
            let response = try await library.listShelves(Library_V1_ListShelvesRequest())
            #expect(response.shelves.map(\.name) == ["shelves/1", "shelves/2", "shelves/3"])
            #expect(response.shelves.map(\.bookCount) == [4, 2, 2])
            #expect(response.nextPageToken.isEmpty)
        }
    }

    @Test("ListBooks pages through a shelf with page tokens")
    func listBooksPages() async throws {
        try await withDemoClients { _, _, library in
            var request = Library_V1_ListBooksRequest()
            request.parent = "shelves/1"
            request.pageSize = 3
            let first = try await library.listBooks(request)
            #expect(first.books.count == 3)
            #expect(first.totalSize == 4)
            #expect(!first.nextPageToken.isEmpty)
            request.pageToken = first.nextPageToken
            let second = try await library.listBooks(request)
            #expect(second.books.map(\.title) == ["Frankenstein"])
            #expect(second.nextPageToken.isEmpty)
        }
    }

    @Test(
        "ListBooks narrows by genre and by text in title, author or tags",
        arguments: [
            (Library_V1_Genre.scienceFiction, "", ["The Left Hand of Darkness", "Dune"]),
            (.unspecified, "MÁRQUEZ", ["Cien años de soledad"]),
            (.unspecified, "classic", ["Dune", "Frankenstein"]),
            (.fiction, "classic", ["Frankenstein"]),
            (.poetry, "", []),
        ]
    )
    func listBooksFilters(genre: Library_V1_Genre, filter: String, titles: [String]) async throws {
        try await withDemoClients { _, _, library in
            var request = Library_V1_ListBooksRequest()
            request.parent = "shelves/1"
            request.genre = genre
            request.filter = filter
            let response = try await library.listBooks(request)
            #expect(response.books.map(\.title) == titles)
        }
    }

    @Test("A book can be created, updated through a field mask, and deleted")
    func createUpdateDelete() async throws {
        try await withDemoClients { _, _, library in
            var create = Library_V1_CreateBookRequest()
            create.parent = "shelves/2"
            create.book.title = "Cosmos"
            create.book.author = "Carl Sagan"
            create.book.pageCount = 396
            let created = try await library.createBook(create)
            #expect(created.name == "shelves/2/books/3")

            var update = Library_V1_UpdateBookRequest()
            update.book.name = created.name
            update.book.title = "Cosmos (Illustrated)"
            update.book.pageCount = 1
            update.updateMask.paths = ["title"]
            let updated = try await library.updateBook(update)
            #expect(updated.title == "Cosmos (Illustrated)")
            #expect(updated.pageCount == 396)

            var delete = Library_V1_DeleteBookRequest()
            delete.name = created.name
            _ = try await library.deleteBook(delete)
            var get = Library_V1_GetBookRequest()
            get.name = created.name
            let error = await expectRPCError { _ = try await library.getBook(get) }
            #expect(error?.code == .notFound)
            #expect(error?.detailTypeNames == ["google.rpc.ResourceInfo"])
        }
    }

    @Test("PublishBook publishes a draft once, then answers FAILED_PRECONDITION")
    func publish() async throws {
        try await withDemoClients { _, _, library in
            var request = Library_V1_PublishBookRequest()
            request.name = "shelves/3/books/2"
            request.note = "first edition"
            let published = try await library.publishBook(request)
            #expect(published.hasPublished)
            #expect(published.attributes["publication_note"] == "first edition")
            let error = await expectRPCError { _ = try await library.publishBook(request) }
            #expect(error?.code == .failedPrecondition)
            #expect(error?.detailTypeNames == ["google.rpc.PreconditionFailure"])
        }
    }

    @Test(
        "Malformed names and masks are INVALID_ARGUMENT with a BadRequest naming the field",
        arguments: ["shelves", "shelves/1/books", "shelves/1/books/", "books/1", "shelves/UPPER/books/1"]
    )
    func malformedNames(name: String) async throws {
        try await withDemoClients { _, _, library in
            var request = Library_V1_GetBookRequest()
            request.name = name
            let error = try #require(await expectRPCError { _ = try await library.getBook(request) })
            #expect(error.code == .invalidArgument)
            let badRequest = try Google_Rpc_BadRequest(unpackingAny: try #require(error.richStatus?.details.first))
            #expect(badRequest.fieldViolations.map(\.field) == ["name"])
        }
    }

    @Test("StreamBooks sends every book of a shelf in order")
    func streamBooks() async throws {
        try await withDemoClients { _, _, library in
            var request = Library_V1_StreamBooksRequest()
            request.parent = "shelves/2"
            request.intervalMs = 10
            let names = try await library.streamBooks(request) { response in
                try await response.messages.reduce(into: [String]()) { $0.append($1.name) }
            }
            #expect(names == ["shelves/2/books/1", "shelves/2/books/2"])
        }
    }
}
