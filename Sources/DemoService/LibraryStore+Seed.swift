import SwiftProtobuf

extension LibraryStore {
    /// Three shelves: fiction (4 books), science (2) and poetry (a published book and an unpublished draft).
    static var seedShelves: [ShelfEntry] {
        [
            ShelfEntry(
                shelf: shelf(1, theme: "Fiction", description: "Novels that changed how people see the world."),
                books: [
                    book(
                        "shelves/1/books/1", "The Left Hand of Darkness", "Ursula K. Le Guin", .scienceFiction,
                        pages: 304, price: 15.99, isbn: 9_780_441_478_125, tags: ["hugo", "nebula"],
                        published: -26_438_400, attributes: ["language": "en"], rating: 4.6
                    ),
                    book(
                        "shelves/1/books/2", "Cien años de soledad", "Gabriel García Márquez", .fiction,
                        pages: 417, price: 17.5, isbn: 9_780_060_883_287, tags: ["magical-realism"],
                        published: -81_820_800,
                        attributes: ["language": "es", "translated_title": "One Hundred Years of Solitude"],
                        rating: 4.5
                    ),
                    book(
                        "shelves/1/books/3", "Dune", "Frank Herbert", .scienceFiction,
                        pages: 617, price: 10.99, isbn: 9_780_441_172_719, tags: ["classic", "hugo"],
                        published: -139_449_600, attributes: ["language": "en"], rating: 4.3
                    ),
                    book(
                        "shelves/1/books/4", "Frankenstein", "Mary Shelley", .fiction,
                        pages: 166, price: 4.5, isbn: 9_780_486_282_114, tags: ["classic", "gothic"],
                        published: -4_796_668_800, attributes: [:], rating: nil
                    ),
                ],
                nextBookNumber: 5
            ),
            ShelfEntry(
                shelf: shelf(2, theme: "Science", description: "Popular science."),
                books: [
                    book(
                        "shelves/2/books/1", "A Brief History of Time", "Stephen Hawking", .science,
                        pages: 212, price: 18, isbn: 9_780_553_380_163, tags: ["cosmology"],
                        published: 575_856_000, attributes: ["language": "en"], rating: 4.2
                    ),
                    book(
                        "shelves/2/books/2", "The Selfish Gene", "Richard Dawkins", .science,
                        pages: 360, price: 14.25, isbn: 9_780_198_788_607, tags: ["biology", "evolution"],
                        published: 189_302_400, attributes: ["edition": "40th anniversary"], rating: nil
                    ),
                ],
                nextBookNumber: 3
            ),
            ShelfEntry(
                shelf: shelf(3, theme: "Poetry", description: "Verse, old and new; one draft awaits publishing."),
                books: [
                    book(
                        "shelves/3/books/1", "Leaves of Grass", "Walt Whitman", .poetry,
                        pages: 145, price: 9, isbn: 9_780_486_456_768, tags: ["classic"],
                        published: -3_613_161_600, attributes: ["language": "en"], rating: 4.1
                    ),
                    book(
                        "shelves/3/books/2", "Untitled Draft", "Anonymous", .poetry,
                        pages: 12, price: 0, isbn: 0, tags: ["draft"],
                        published: nil, attributes: [:], rating: nil
                    ),
                ],
                nextBookNumber: 3
            ),
        ]
    }

    private static func shelf(_ number: Int, theme: String, description: String) -> Library_V1_Shelf {
        var shelf = Library_V1_Shelf()
        shelf.name = "shelves/\(number)"
        shelf.theme = theme
        shelf.description_p = description
        return shelf
    }

    private static func book(
        _ name: String,
        _ title: String,
        _ author: String,
        _ genre: Library_V1_Genre,
        pages: Int32,
        price: Double,
        isbn: Int64,
        tags: [String],
        published: Int64?,
        attributes: [String: String],
        rating: Float?
    ) -> Library_V1_Book {
        var book = Library_V1_Book()
        book.name = name
        book.title = title
        book.author = author
        book.genre = genre
        book.pageCount = pages
        book.price = price
        book.isbn = isbn
        book.tags = tags
        if let published {
            book.published = Google_Protobuf_Timestamp(seconds: published)
        }
        book.attributes = attributes
        if let rating {
            book.rating = rating
        }
        return book
    }
}
