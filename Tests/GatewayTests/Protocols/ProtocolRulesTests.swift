import Gateway
import HTTPTypes
import Testing

@testable import Gateway

@Suite("Protocol rules: timeouts, addresses, content types, status mapping, CORS")
struct ProtocolRulesTests {
    @Test(
        "grpc-timeout values",
        arguments: [
            ("1H", Duration.seconds(3600)), ("2M", .seconds(120)), ("3S", .seconds(3)), ("500m", .milliseconds(500)),
            ("7u", .microseconds(7)), ("9n", .nanoseconds(9)), ("99999999S", .seconds(99_999_999)),
        ])
    func grpcTimeout(text: String, expected: Duration) {
        #expect(GRPCTimeout.parse(text) == expected)
    }

    @Test("invalid grpc-timeout values", arguments: ["", "S", "5", "5s", "-5S", "123456789S", "1.5S", "5 S"])
    func invalidGRPCTimeout(text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test(
        "X-Server-Timeout seconds",
        arguments: [("2.5", Duration.milliseconds(2500)), ("0", .zero), ("30", .seconds(30))])
    func serverTimeout(text: String, expected: Duration) {
        #expect(GRPCTimeout.parseSeconds(text) == expected)
    }

    @Test("invalid X-Server-Timeout values", arguments: ["", "-1", "nan", "inf", "1e12", "two"])
    func invalidServerTimeout(text: String) {
        #expect(GRPCTimeout.parseSeconds(text) == nil)
    }

    @Test(
        "HOST:PORT parsing",
        arguments: [
            ("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:9090", "::1", 9090), ("localhost:0", "localhost", 0),
        ])
    func hostAndPort(text: String, host: String, port: Int) throws {
        let parsed = try #require(HostAndPort(parsing: text))
        #expect(parsed.host == host && parsed.port == port)
        #expect(parsed.description == text)
    }

    @Test("invalid HOST:PORT", arguments: ["8080", ":8080", "host:", "host:65536", "host:-1", "host:x"])
    func invalidHostAndPort(text: String) {
        #expect(HostAndPort(parsing: text) == nil)
    }

    @Test(
        "gRPC-Web content types",
        arguments: [
            ("application/grpc-web", false, false), ("application/grpc-web+proto", false, false),
            ("application/grpc-web-text", true, false), ("Application/gRPC-Web-Text+proto; charset=x", true, false),
            ("application/grpc-web+json", false, true), ("application/grpc-web-text+json", true, true),
            // Not the exact values clients usually send, so read by the general parse.
            ("application/grpc-web+proto; charset=utf-8", false, false), ("Application/GRPC-Web", false, false),
            ("application/grpc-web-text ;x=y", true, false), ("application/grpc-web+json;charset=utf-8", false, true),
            ("APPLICATION/GRPC-WEB-TEXT+JSON", true, true),
        ])
    func grpcWebFormat(contentType: String, isText: Bool, isJSON: Bool) throws {
        let format = try #require(GRPCWebFormat(contentType: contentType))
        #expect(format.requestIsText == isText && format.responseIsText == isText && format.isJSON == isJSON)
    }

    @Test(
        "gRPC-Web Accept: text asks for a text answer, and never changes how the request is read",
        arguments: [
            ("application/grpc-web+proto", "application/grpc-web-text", false, true),
            ("application/grpc-web-text", "application/grpc-web-text", true, true),
            ("application/grpc-web+json", "application/grpc-web-text+json", false, true),
            ("application/grpc-web", "application/grpc-web", false, false),
            ("application/grpc-web-text", "*/*", true, true),
        ])
    func grpcWebAccept(contentType: String, accept: String, requestIsText: Bool, responseIsText: Bool) throws {
        let format = try #require(GRPCWebFormat(headers: [.contentType: contentType, .accept: accept]))
        #expect(format.requestIsText == requestIsText && format.responseIsText == responseIsText)
    }

    @Test(
        "not gRPC-Web",
        arguments: [
            "application/json", "application/grpc", "application/grpc-web+thrift", "text/plain",
            "application/grpc-webx",
            "application/grpc-web-textual", "application/grpc-web+protobuf", "application/grpc-we", "",
        ])
    func notGRPCWeb(contentType: String) {
        #expect(GRPCWebFormat(contentType: contentType) == nil)
    }

    @Test(
        "media types: parameters and blanks dropped, lower-cased",
        arguments: [
            ("application/json", "application/json"), ("Application/JSON; charset=utf-8", "application/json"),
            ("application/grpc-web+proto ;x=1", "application/grpc-web+proto"), (" text/plain\t", "text/plain"),
            ("", ""), (";charset=utf-8", ""),
        ])
    func mediaTypes(contentType: String, mediaType: String) {
        #expect(RequestMetadata.mediaType(contentType) == mediaType)
    }

    @Test(
        "a request target splits at its first question mark",
        arguments: [
            ("/v1/a", "/v1/a", nil), ("/v1/a?b=1", "/v1/a", "b=1"), ("/v1/a?", "/v1/a", ""),
            ("/v1/é?q=ü?x", "/v1/é", "q=ü?x"), ("?x", "", "x"),
        ] as [(String, String, String?)])
    func querySplit(target: String, path: String, query: String?) {
        let (splitPath, splitQuery) = RESTHandler.splitQuery(target)
        #expect(splitPath == path)
        #expect(splitQuery.map(String.init) == query)
    }

    @Test("gRPC status codes outside 0...16 do not exist")
    func statusCodes() {
        #expect(GRPCStatusCode(rawValue: 17) == nil && GRPCStatusCode(rawValue: -1) == nil)
        #expect(GRPCStatusCode(rawValue: 5)?.description == "NOT_FOUND")
    }

    @Test("CORS: * never goes with credentials; listed origins are echoed")
    func corsOrigins() {
        let open = CORSPolicy(allowedOrigins: ["*"], allowCredentials: true)
        #expect(open.allowOriginValue(for: "https://a.example") == nil)
        let listed = CORSPolicy(allowedOrigins: ["https://a.example"], allowCredentials: true)
        #expect(listed.allowOriginValue(for: "https://a.example") == "https://a.example")
        #expect(listed.allowOriginValue(for: "https://b.example") == nil)
        #expect(CORSPolicy.defaults.allowOriginValue(for: "https://any.example") == "*")
    }

    @Test("CORS: a preflight grants only allowed request headers")
    func corsPreflightHeaders() throws {
        var request = HTTPRequest(method: .options, scheme: "http", authority: "x", path: "/a")
        request.headerFields[.origin] = "https://a.example"
        request.headerFields[.accessControlRequestMethod] = "POST"
        request.headerFields[.accessControlRequestHeaders] = "Content-Type, X-Custom, Cookie"
        #expect(CORSPolicy.isPreflight(request))
        let headers = try #require(CORSPolicy.defaults.preflightHeaders(for: request))
        #expect(headers[.accessControlAllowHeaders] == "content-type, x-custom")
    }

    @Test(
        "which metadata names cross the gateway, each way",
        arguments: [
            ("authorization", true, true), ("x-custom", true, true), ("grpc", true, true), ("grpcx-a", true, true),
            ("grpc-timeout", false, false), ("grpc-status", false, false), ("grpc-", false, false),
            (":path", false, false), (":status", false, false), ("connection", false, false), ("te", false, false),
            ("date", true, false), ("server", true, false), ("content-length", false, false),
        ])
    func metadataNames(name: String, forwarded: Bool, returned: Bool) {
        #expect(MetadataPolicy.defaults.forwardsRequestHeader(name) == forwarded)
        #expect(MetadataPolicy.defaults.returnsMetadata(name) == returned)
    }

    @Test("header values with CR, LF or NUL are never forwarded")
    func unsafeValues() {
        #expect(MetadataPolicy.isSafeValue("Bearer abc"))
        for bad in ["a\r\nx-injected: 1", "a\nb", "a\u{0}b"] { #expect(!MetadataPolicy.isSafeValue(bad)) }
        let policy = MetadataPolicy.defaults
        #expect(policy.forwardsRequestHeader("authorization"))
        for name in ["connection", "te", "host", "grpc-timeout", ":path", "content-length"] {
            #expect(!policy.forwardsRequestHeader(name))
        }
    }
}
