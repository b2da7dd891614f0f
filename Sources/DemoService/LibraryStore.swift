import GRPCCore
import Synchronization

/// The bookstore's shelves and books, in memory, in the order they were added.
///
/// Every operation validates its input and throws the `RPCError` the service answers with.
final class LibraryStore: Sendable {
    struct ShelfEntry {
        var shelf: Library_V1_Shelf
        var books: [Library_V1_Book]
        /// The number the next server-named book gets.
        var nextBookNumber: Int
    }

    /// The most books one shelf holds.
    static let maxBooksPerShelf = 1000
    /// The page size when a request gives none.
    static let defaultPageSize = 10
    /// The largest page size.
    static let maxPageSize = 100

    private let shelves: Mutex<[ShelfEntry]>

    init(seed: [ShelfEntry]) {
        self.shelves = Mutex(seed)
    }

    func shelf(named name: String) throws(RPCError) -> Library_V1_Shelf {
        let shelfID = try ResourceName.shelfID(name, field: "name")
        return try self.shelves.withLock { shelves throws(RPCError) in
            try Self.entry(shelfID, in: shelves).withCount
        }
    }

    func allShelves() -> [Library_V1_Shelf] {
        self.shelves.withLock { shelves in shelves.map(\.withCount) }
    }

    func book(named name: String) throws(RPCError) -> Library_V1_Book {
        let shelfID = try ResourceName.bookIDs(name, field: "name").shelf
        return try self.shelves.withLock { shelves throws(RPCError) in
            let entry = try Self.entry(shelfID, in: shelves)
            return entry.books[try Self.bookIndex(named: name, in: entry)]
        }
    }

    /// The books on a shelf, of `genre` (all genres for GENRE_UNSPECIFIED), whose title, author or tags
    /// contain `filter` ignoring case.
    func books(onShelf parent: String, genre: Library_V1_Genre, filter: String) throws(RPCError) -> [Library_V1_Book] {
        let shelfID = try ResourceName.shelfID(parent, field: "parent")
        let books = try self.shelves.withLock { shelves throws(RPCError) in try Self.entry(shelfID, in: shelves).books }
        let needle = filter.lowercased()
        return books.filter { book in
            (genre == .unspecified || book.genre == genre)
                && (needle.isEmpty
                    || book.title.lowercased().contains(needle)
                    || book.author.lowercased().contains(needle)
                    || book.tags.contains { $0.lowercased().contains(needle) })
        }
    }

    func create(_ book: Library_V1_Book, onShelf parent: String, bookID requestedID: String) throws(RPCError)
        -> Library_V1_Book
    {
        let shelfID = try ResourceName.shelfID(parent, field: "parent")
        guard !book.title.isEmpty else {
            throw RichStatus.invalidArgument(field: "book.title", "a book needs a title")
        }
        if !requestedID.isEmpty {
            guard ResourceName.isValidID(requestedID) else {
                throw RichStatus.invalidArgument(field: "book_id", ResourceName.idRule("book_id"))
            }
        }
        return try self.shelves.withLock { shelves throws(RPCError) in
            guard let index = shelves.firstIndex(where: { $0.shelf.name == "shelves/" + shelfID }) else {
                throw Self.shelfNotFound(shelfID)
            }
            guard shelves[index].books.count < Self.maxBooksPerShelf else {
                throw RPCError(
                    code: .resourceExhausted, message: "a shelf holds at most \(Self.maxBooksPerShelf) books")
            }
            var newBook = book
            if requestedID.isEmpty {
                // Skip numbers a caller already took with book_id.
                repeat {
                    newBook.name = "\(parent)/books/\(shelves[index].nextBookNumber)"
                    shelves[index].nextBookNumber += 1
                } while shelves[index].books.contains { $0.name == newBook.name }
            } else {
                newBook.name = "\(parent)/books/\(requestedID)"
                guard !shelves[index].books.contains(where: { $0.name == newBook.name }) else {
                    throw RPCError(code: .alreadyExists, message: "\(newBook.name) already exists")
                }
            }
            shelves[index].books.append(newBook)
            return newBook
        }
    }

    /// Applies `change` to the stored book named `name`, and returns the result.
    func modifyBook(
        named name: String,
        field: String,
        _ change: (inout Library_V1_Book) throws(RPCError) -> Void
    ) throws(RPCError) -> Library_V1_Book {
        let shelfID = try ResourceName.bookIDs(name, field: field).shelf
        return try self.shelves.withLock { shelves throws(RPCError) in
            guard let shelfIndex = shelves.firstIndex(where: { $0.shelf.name == "shelves/" + shelfID }) else {
                throw Self.shelfNotFound(shelfID)
            }
            let bookIndex = try Self.bookIndex(named: name, in: shelves[shelfIndex])
            var book = shelves[shelfIndex].books[bookIndex]
            try change(&book)
            shelves[shelfIndex].books[bookIndex] = book
            return book
        }
    }

    func deleteBook(named name: String) throws(RPCError) {
        let shelfID = try ResourceName.bookIDs(name, field: "name").shelf
        try self.shelves.withLock { shelves throws(RPCError) in
            guard let shelfIndex = shelves.firstIndex(where: { $0.shelf.name == "shelves/" + shelfID }) else {
                throw Self.shelfNotFound(shelfID)
            }
            let bookIndex = try Self.bookIndex(named: name, in: shelves[shelfIndex])
            shelves[shelfIndex].books.remove(at: bookIndex)
        }
    }

    private static func entry(_ shelfID: String, in shelves: [ShelfEntry]) throws(RPCError) -> ShelfEntry {
        guard let entry = shelves.first(where: { $0.shelf.name == "shelves/" + shelfID }) else {
            throw shelfNotFound(shelfID)
        }
        return entry
    }

    private static func bookIndex(named name: String, in entry: ShelfEntry) throws(RPCError) -> Int {
        guard let index = entry.books.firstIndex(where: { $0.name == name }) else {
            throw notFound(resourceType: "Book", name: name)
        }
        return index
    }

    private static func shelfNotFound(_ shelfID: String) -> RPCError {
        notFound(resourceType: "Shelf", name: "shelves/" + shelfID)
    }

    private static func notFound(resourceType: String, name: String) -> RPCError {
        var info = Google_Rpc_ResourceInfo()
        info.resourceType = "library.googleapis.com/" + resourceType
        info.resourceName = name
        info.description_p = "\(resourceType.lowercased()) not found"
        return RichStatus.error(code: .notFound, message: "\(name) does not exist", details: [info])
    }
}

extension LibraryStore.ShelfEntry {
    /// The shelf with its output-only book count filled in.
    var withCount: Library_V1_Shelf {
        var shelf = self.shelf
        shelf.bookCount = Int32(self.books.count)
        return shelf
    }
}
