import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

@Suite("REST: status codes and error bodies")
struct RESTErrorTests {
    /// The standard gRPC -> HTTP table.
    static let statusTable: [(grpc: Int, http: Int)] = [
        (1, 499), (2, 500), (3, 400), (4, 504), (5, 404), (6, 409), (7, 403), (8, 429), (9, 400), (10, 409),
        (11, 400), (12, 501), (13, 500), (14, 503), (15, 500), (16, 401),
    ]

    @Test("every gRPC code from the backend maps to its HTTP status, with a google.rpc.Status body")
    func everyStatus() async throws {
        try await TestGateway.withDemo { gateway, _ in
            for (grpc, http) in Self.statusTable {
                let reply = try await gateway.post(
                    "/v1/echo:fail",
                    #"{"code": \#(grpc), "message": "failure \#(grpc) ünïcode 100%", "omitDetails": true}"#)
                #expect(reply.status == http, "code \(grpc): \(reply.text)")
                #expect(reply.header("content-type") == "application/json")
                let status = try reply.json()
                #expect(status["code"] as? Int == grpc)
                #expect(status["message"] as? String == "failure \(grpc) ünïcode 100%")
                #expect((status["details"] as? [Any])?.isEmpty == true)
            }
        }
    }

    @Test("grpc-status-details-bin becomes typed details; an unknown detail type does not break the body")
    func details() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.post(
                "/v1/echo:fail",
                #"{"code": "INVALID_ARGUMENT", "message": "bad book", "invalidFields": ["title"], "reason": "BOOK_INVALID", "retryDelay": "2s", "includeUnknownDetail": true}"#
            )
            #expect(reply.status == 400)
            let status = try reply.json()
            let details = try #require(status["details"] as? [[String: Any]])
            let types = details.compactMap { $0["@type"] as? String }
            #expect(types.contains("type.googleapis.com/google.rpc.BadRequest"), "\(reply.text)")
            #expect(types.contains("type.googleapis.com/google.rpc.ErrorInfo"))
            #expect(types.contains("type.googleapis.com/google.rpc.RetryInfo"))
            let badRequest = try #require(details.first { ($0["@type"] as? String)?.hasSuffix("BadRequest") == true })
            let violations = try #require(badRequest["fieldViolations"] as? [[String: Any]])
            #expect(violations.first?["field"] as? String == "title")
            let retry = try #require(details.first { ($0["@type"] as? String)?.hasSuffix("RetryInfo") == true })
            #expect(retry["retryDelay"] as? String == "2s")
            // The unknown type is kept raw rather than failing the response.
            let unknown = try #require(details.first { !(($0["@type"] as? String) ?? "").contains("google.rpc") })
            #expect(unknown["value"] is String)
        }
    }

    @Test("the gateway's own errors are JSON statuses too: 404, 405 with Allow, 415, 413")
    func gatewayErrors() async throws {
        try await TestGateway.withDemo(configure: { $0.limits.maxRequestBodyBytes = 1024 }) { gateway, _ in
            let missing = try await gateway.get("/v2/nothing")
            #expect(missing.status == 404)
            #expect(try missing.json()["code"] as? Int == 5)

            let wrongMethod = try await gateway.send(.PUT, "/v1/shelves/1/books/1", body: "{}")
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("allow") == "DELETE, GET, PATCH")
            #expect(try wrongMethod.json()["message"] as? String != nil)

            let xml = try await gateway.send(
                .POST, "/v1/echo", body: "<a/>", headers: [("content-type", "application/xml")])
            #expect(xml.status == 415)
            #expect(try xml.json()["code"] as? Int == 3)

            let large = try await gateway.post("/v1/echo", #"{"message": "\#(String(repeating: "x", count: 2000))"}"#)
            #expect(large.status == 413)
            #expect(try large.json()["code"] as? Int == 8)
        }
    }

    @Test("a backend that is down is a 503 UNAVAILABLE")
    func backendDown() async throws {
        var configuration = GatewayConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0))
        configuration.defaultBackend = HostAndPort(host: "127.0.0.1", port: 1)
        try await TestGateway.with(configuration: configuration) { gateway in
            let reply = try await gateway.get("/v1/echo/hi")
            #expect(reply.status == 503, "\(reply.text)")
            #expect(try reply.json()["code"] as? Int == 14)
        }
    }

    @Test(
        "invalid percent-escapes (sent raw: HTTP clients refuse to) are a 400",
        arguments: [
            "/v1/echo/h%ZZi", "/v1/echo/hi?tags=%ZZ", "/v1/echo/hi?tags=%4", "/v1/echo/%FF%FE",
        ])
    func invalidEscapes(path: String) async throws {
        try await TestGateway.withDemo { gateway, _ in
            let port = try #require(Int(gateway.baseURL.split(separator: ":").last ?? ""))
            let (status, body) = try await RawHTTP.get(port: port, path: path)
            #expect(status == 400, "\(body)")
            #expect(body.contains(#""code":3"#), "\(body)")
            #expect(try await gateway.get("/v1/echo/still-here").status == 200)
        }
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        let name: String
        let method: HTTPMethod
        let path: String
        var body: String? = nil
        var headers: [(String, String)] = []
        let status: Int
        let fragment: String
        var testDescription: String { self.name }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(
            name: "malformed JSON", method: .POST, path: "/v1/echo", body: #"{"message": "hi""#, status: 400,
            fragment: ""),
        BadRequest(
            name: "trailing comma", method: .POST, path: "/v1/echo", body: #"{"message": "hi",}"#, status: 400,
            fragment: ""),
        BadRequest(
            name: "wrong type", method: .POST, path: "/v1/echo", body: #"{"repeat": "many"}"#, status: 400,
            fragment: "repeat"),
        BadRequest(
            name: "int32 overflow", method: .POST, path: "/v1/echo", body: #"{"repeat": 2147483648}"#, status: 400,
            fragment: "repeat"),
        BadRequest(
            name: "unknown field", method: .POST, path: "/v1/echo", body: #"{"nope": 1}"#, status: 400, fragment: "nope"
        ),
        BadRequest(
            name: "bad base64", method: .POST, path: "/v1/echo", body: #"{"payload": "!!!"}"#, status: 400,
            fragment: "payload"),
        BadRequest(
            name: "bad enum name", method: .POST, path: "/v1/echo", body: #"{"mood": "ANGRY"}"#, status: 400,
            fragment: "mood"),
        BadRequest(
            name: "two oneof members", method: .POST, path: "/v1/echo",
            body: #"{"textChoice": "a", "numberChoice": 1}"#, status: 400, fragment: ""),
        BadRequest(
            name: "deep nesting", method: .POST, path: "/v1/echo",
            body: #"{"value": "# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}",
            status: 400, fragment: ""),
        BadRequest(
            name: "unknown query parameter", method: .GET, path: "/v1/echo/hi?nope=1", status: 400, fragment: "nope"),
        BadRequest(
            name: "query parameter given twice", method: .GET, path: "/v1/echo/hi?repeat=1&repeat=2", status: 400,
            fragment: "more than once"),
        BadRequest(
            name: "query parameter bound by the path", method: .GET, path: "/v1/echo/hi?message=x", status: 400,
            fragment: "path"),
        BadRequest(
            name: "map field in the query", method: .GET, path: "/v1/echo/hi?labels=x", status: 400, fragment: "map"),
        BadRequest(
            name: "bad int in the query", method: .GET, path: "/v1/echo/hi?repeat=abc", status: 400, fragment: "repeat"),
        BadRequest(
            name: "bad grpc-timeout", method: .GET, path: "/v1/echo/hi", headers: [("grpc-timeout", "soon")],
            status: 400, fragment: "grpc-timeout"),
        BadRequest(
            name: "bad X-Server-Timeout", method: .GET, path: "/v1/echo/hi", headers: [("x-server-timeout", "-1")],
            status: 400, fragment: "X-Server-Timeout"),
        BadRequest(
            name: "unsupported content type", method: .POST, path: "/v1/echo", body: "a=b",
            headers: [("content-type", "application/x-www-form-urlencoded")], status: 415, fragment: "content type"),
    ]

    @Test(
        "a JSON body is taken under application/json, any +json type, or no content type; others get 415",
        arguments: [
            ("application/json", 200), ("Application/JSON; charset=utf-8", 200), ("application/merge-patch+json", 200),
            (nil, 200), ("application/jsonx", 415), ("application/json-seq", 415), ("text/plain", 415),
            ("+jso", 415),
        ] as [(String?, Int)])
    func jsonContentTypes(contentType: String?, status: Int) async throws {
        try await TestGateway.withDemo { gateway, _ in
            let body = #"{"message": "a"}"#
            let reply =
                if let contentType {
                    try await gateway.send(.POST, "/v1/echo", body: body, headers: [("content-type", contentType)])
                } else {
                    try await gateway.send(.POST, "/v1/echo", bytes: Array(body.utf8))  // (sends no content type)
                }
            #expect(reply.status == status, "\(reply.text)")
        }
    }

    @Test("bad input gets the right 4xx JSON error, and the gateway keeps serving", arguments: badRequests)
    func badInput(bad: BadRequest) async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.send(bad.method, bad.path, body: bad.body, headers: bad.headers)
            #expect(reply.status == bad.status, "\(reply.text)")
            let status = try reply.json()
            let message = try #require(status["message"] as? String)
            #expect(bad.fragment.isEmpty || message.contains(bad.fragment), "\(message)")
            #expect(status["code"] as? Int == 3)
            #expect(try await gateway.get("/v1/echo/still-here").status == 200)
        }
    }
}
