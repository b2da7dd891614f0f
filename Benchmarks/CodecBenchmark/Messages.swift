import Foundation
import SwiftProtobuf

// The codec rows' inputs: a book, a shelf of five books, and a library of shelves (about 1 MB of JSON at 800 shelves).

func makeBook(_ index: Int) -> Portico_Test_V1_Book {
    var book = Portico_Test_V1_Book()
    book.name = "shelves/\(index / 10)/books/\(index)"
    book.title = "The Left Hand of Darkness, vol. \(index)"
    book.author = "Ursula K. Le Guin"
    book.pageCount = Int32(200 + index % 300)
    book.inPrint = index % 3 != 0
    book.rating = 3.5 + Double(index % 7) / 4
    book.published = Google_Protobuf_Timestamp(seconds: -37_000_000 + Int64(index) * 86_400, nanos: 0)
    return book
}

func makeShelf(_ index: Int) -> Portico_Test_V1_Shelf {
    var shelf = Portico_Test_V1_Shelf()
    shelf.name = "shelves/\(index)"
    shelf.theme = "Science fiction \u{2014} the classics"
    shelf.books = (0..<5).map { makeBook(index * 5 + $0) }
    shelf.labels = ["floor": "2", "section": "B\(index % 9)", "curator": "Ada", "lang": "en"]
    shelf.counts = (0..<10).map { Int64($0) * 1_234_567 + Int64(index) }
    shelf.retention = Google_Protobuf_Duration(seconds: 86_400 * 30, nanos: 500_000_000)
    shelf.color = .blue
    shelf.checksum = Data((0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ index) })
    return shelf
}

func makeLibrary(shelves: Int) -> Portico_Test_V1_Library {
    var library = Portico_Test_V1_Library()
    library.shelves = (0..<shelves).map(makeShelf)
    return library
}
