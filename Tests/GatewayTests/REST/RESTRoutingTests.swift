import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

@Suite("REST: routes, bindings and responses against the demo backend")
struct RESTRoutingTests {
    @Test("GET with a path variable binds it and prints the response as JSON")
    func getBook() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get("/v1/shelves/1/books/1")
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.header("content-type") == "application/json")
            let book = try reply.json()
            #expect(book["name"] as? String == "shelves/1/books/1")
            #expect(book["title"] is String)
        }
    }

    @Test("POST with body: \"book\", then GET, PATCH with an update mask from the query, DELETE")
    func bookLifecycle() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let created = try await gateway.post(
                "/v1/shelves/1/books",
                #"{"title": "Dune", "author": "Frank Herbert", "pageCount": 412, "tags": ["sf"]}"#)
            #expect(created.status == 200, "\(created.text)")
            let name = try #require(try created.json()["name"] as? String)
            #expect(name.hasPrefix("shelves/1/books/"))

            let fetched = try await gateway.get("/v1/\(name)")
            #expect(try fetched.json()["pageCount"] as? Int == 412)

            let patched = try await gateway.send(
                .PATCH, "/v1/\(name)?update_mask=title", body: #"{"title": "Dune Messiah", "author": "ignored"}"#)
            #expect(patched.status == 200, "\(patched.text)")
            let book = try patched.json()
            #expect(book["title"] as? String == "Dune Messiah")
            #expect(book["author"] as? String == "Frank Herbert")

            let deleted = try await gateway.send(.DELETE, "/v1/\(name)")
            #expect(deleted.status == 200)
            #expect(deleted.text == "{}")
            #expect(try await gateway.get("/v1/\(name)").status == 404)
        }
    }

    @Test("a custom verb routes to its own method")
    func customVerb() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.post("/v1/shelves/3/books/2:publish", #"{"note": "now"}"#)
            #expect(reply.status == 200, "\(reply.text)")
            #expect(try reply.json()["name"] as? String == "shelves/3/books/2")
        }
    }

    @Test("query parameters bind scalars, repeated fields and nested messages")
    func queryParameters() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo/hi?repeat=2&tags=a&tags=b%20c&nested.label=x&nested.value=7&mood=HAPPY&bigNumber=9007199254740993&delay=1.5s&maybe_count=3"
            )
            #expect(reply.status == 200, "\(reply.text)")
            let request = try #require(try reply.json()["request"] as? [String: Any])
            #expect(request["message"] as? String == "hi")
            #expect(request["repeat"] as? Int == 2)
            #expect(request["tags"] as? [String] == ["a", "b c"])
            #expect((request["nested"] as? [String: Any])?["value"] as? Int == 7)
            #expect(request["mood"] as? String == "HAPPY")
            #expect(request["bigNumber"] as? String == "9007199254740993")
            #expect(request["delay"] as? String == "1.500s")
            #expect(request["maybeCount"] as? Int == 3)
        }
    }

    @Test("POST with body: \"*\" takes every field from the JSON body")
    func wholeBody() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.post(
                "/v1/echo",
                #"{"message": "hi", "labels": {"k": "v"}, "extra": {"a": [1, "two", null]}, "payload": "AAEC", "at": "2024-01-02T03:04:05.500Z"}"#
            )
            #expect(reply.status == 200, "\(reply.text)")
            let request = try #require(try reply.json()["request"] as? [String: Any])
            #expect(request["labels"] as? [String: String] == ["k": "v"])
            #expect(request["payload"] as? String == "AAEC")
            #expect(request["at"] as? String == "2024-01-02T03:04:05.500Z")
            #expect(((request["extra"] as? [String: Any])?["a"] as? [Any])?.count == 3)
        }
    }

    @Test("request headers become metadata; hop-by-hop and reserved ones do not")
    func requestMetadata() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo:headers",
                headers: [
                    ("authorization", "Bearer t0ken"), ("x-team", "books"), ("connection", "keep-alive"),
                    ("grpc-foo", "no"),
                ]
            )
            #expect(reply.status == 200, "\(reply.text)")
            let metadata = try #require(try reply.json()["metadata"] as? [String: String])
            #expect(metadata["authorization"] == "Bearer t0ken")
            #expect(metadata["x-team"] == "books")
            #expect(metadata["connection"] == nil)
            #expect(metadata["grpc-foo"] == nil)
            // Initial metadata and trailers come back under their prefixes.
            #expect(reply.header("grpc-metadata-x-demo-initial") == "yes")
            #expect(reply.header("grpc-trailer-x-demo-trailing") == "yes")
        }
    }

    @Test("an allow-list limits the forwarded headers")
    func headerAllowList() async throws {
        try await TestGateway.withDemo(configure: { $0.metadata.forwardedRequestHeaders = ["x-team"] }) { gateway, _ in
            let reply = try await gateway.get("/v1/echo:headers", headers: [("x-team", "a"), ("x-other", "b")])
            let metadata = try #require(try reply.json()["metadata"] as? [String: String])
            #expect(metadata["x-team"] == "a")
            #expect(metadata["x-other"] == nil)
        }
    }

    @Test("google.api.HttpBody: an upload's raw bytes and content type reach the backend; a download comes back raw")
    func httpBody() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let payload = Array("hello, raw world\n".utf8)
            let upload = try await gateway.send(
                .POST, "/v1/files/notes.txt", bytes: payload, headers: [("content-type", "text/plain")])
            #expect(upload.status == 200, "\(upload.text)")
            let uploaded = try upload.json()
            #expect(uploaded["size"] as? String == "\(payload.count)")
            #expect(uploaded["contentType"] as? String == "text/plain")

            let download = try await gateway.get("/v1/files/notes.txt")
            #expect(download.status == 200)
            #expect(download.body == payload)
            #expect(download.header("content-type")?.hasPrefix("text/plain") == true)
        }
    }

    @Test("JSON output options: proto names, enums as numbers, unpopulated fields, indentation")
    func outputOptions() async throws {
        try await TestGateway.withDemo(configure: {
            $0.jsonOutput.useProtoFieldNames = true
            $0.jsonOutput.enumsAsIntegers = true
            $0.jsonOutput.emitUnpopulatedFields = true
            $0.jsonOutput.indent = 2
        }) { gateway, _ in
            let reply = try await gateway.get("/v1/echo/hi?mood=SAD")
            #expect(reply.text.contains("\n  "))
            let request = try #require(try reply.json()["request"] as? [String: Any])
            #expect(request["mood"] as? Int == 2)
            #expect(request["big_number"] as? String == "0")
            #expect(request["tags"] as? [String] == [])
        }
    }
}
