import SwiftProtobuf
import Testing

@testable import Transcoding

@Suite("Transcoder smoke")
struct TranscoderSmokeTests {
    @Test("a simple message round-trips")
    func simple() throws {
        let json =
            #"{"name":"shelves/1/books/2","title":"Dune","pageCount":412,"inPrint":true,"rating":4.5,"published":"1965-08-01T00:00:00Z"}"#
        let type = TranscoderFixtures.descriptor(of: Portico_Test_V1_Book.self)
        let binary = try JSONToProtobuf().transcode(json, as: type)
        let book = try Portico_Test_V1_Book(serializedBytes: binary)
        #expect(book.title == "Dune")
        #expect(book.pageCount == 412)
        let back = try ProtobufToJSON().transcode(try book.serializedBytes(), as: type)
        #expect(back == json)
    }
}
