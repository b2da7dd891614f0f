import HTTPTypes
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Testing

@testable import Gateway

@Suite("HTTP1ServerCodec: request heads as NIOHTTPTypesHTTP1 converts them")
struct HTTP1ServerCodecTests {
    @Test(
        "the same request as the library's conversion",
        arguments: [
            (HTTPMethod.GET, "/v1/echo/hello"), (.POST, "/bench.v1.Echo/Echo"), (.GET, "/v1/a?b=1&c=%20"),
            (.GET, "/"), (.GET, "//double/slash"), (.GET, "/v1/%E2%82%AC?x=y#frag"), (.DELETE, "/v1/things/1"),
            (.RAW(value: "PURGE"), "/cache"), (.GET, "http://example.com/v1/a?b=1"), (.GET, "http://example.com"),
            (.OPTIONS, "*"), (.CONNECT, "example.com:443"),
        ] as [(HTTPMethod, String)])
    func matchesLibrary(method: HTTPMethod, uri: String) throws {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "gateway.example:8080")
        headers.add(name: "Cookie", value: "a=1")
        headers.add(name: "Cookie", value: "b=2")
        headers.add(name: "X-Custom", value: "v")
        let head = HTTPRequestHead(version: .http1_1, method: method, uri: uri, headers: headers)
        let ours = try HTTP1ServerCodec.request(head)
        let library = try HTTPRequest(head, secure: false, splitCookie: false)
        #expect(ours == library)
        #expect(ours.headerFields == library.headerFields)
    }

    @Test("a method HTTPTypes cannot hold is refused, as the library refuses it")
    func invalidMethod() {
        let head = HTTPRequestHead(version: .http1_1, method: .RAW(value: "BAD METHOD"), uri: "/a", headers: [:])
        #expect(throws: (any Error).self) { try HTTP1ServerCodec.request(head) }
        #expect(throws: (any Error).self) { try HTTPRequest(head, secure: false, splitCookie: false) }
    }

    @Test("a head with no Host has no authority")
    func noHost() throws {
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a", headers: [:])
        let request = try HTTP1ServerCodec.request(head)
        #expect(request.authority == nil && request.path == "/a" && request.scheme == "http")
    }
}
