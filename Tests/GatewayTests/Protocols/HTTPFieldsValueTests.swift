import HTTPTypes
import Testing

@testable import Gateway

@Suite("HTTPFields.value")
struct HTTPFieldsValueTests {
    @Test(
        "reads a field as the subscript does",
        arguments: [
            ([], nil),
            ([("content-type", "application/json")], "application/json"),
            (
                [("accept", "x"), ("content-type", "application/json; charset=utf-8")],
                "application/json; charset=utf-8"
            ),
            ([("content-type", "a"), ("accept", "x"), ("content-type", "b")], "a, b"),
        ] as [([(String, String)], String?)])
    func value(fields: [(String, String)], expected: String?) throws {
        var headers = HTTPFields()
        for (name, value) in fields {
            headers.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value))
        }
        #expect(headers.value(.contentType) == expected)
        #expect(headers.value(.contentType) == headers[.contentType])
    }

    @Test("joins cookies with a semicolon, like the subscript")
    func cookies() {
        let headers: HTTPFields = [.cookie: "a=1", .accept: "x", .cookie: "b=2"]
        #expect(headers.value(.cookie) == "a=1; b=2")
    }
}
