import Foundation
import Gateway
import NIOHTTP1
import Testing

@Suite("Console: REST routes still win over the console")
struct ConsoleRoutingTests {
    @Test("REST calls, unary and streaming, work with the repository's console configured")
    func restWithConsole() async throws {
        try await TestGateway.withDemo(configure: { $0.publicDirectory = ConsoleFixtures.repositoryPublicDirectory }) {
            gateway, _ in
            let book = try await gateway.get("/v1/shelves/1/books/1")
            #expect(book.status == 200, "\(book.text)")
            #expect(book.header("content-type") == "application/json")
            #expect(try book.json()["name"] as? String == "shelves/1/books/1")

            let stream = try await gateway.get(
                "/v1/echo/hi:expand?count=3", headers: [("accept", "application/x-ndjson")])
            #expect(stream.status == 200)
            #expect(stream.text.split(separator: "\n").count == 3)

            let created = try await gateway.post("/v1/shelves/1/books", #"{"title": "Dune"}"#)
            #expect(created.status == 200, "\(created.text)")

            // Not a console request (not GET/HEAD): REST answers it, with its own 404.
            let post = try await gateway.post("/", "{}")
            #expect(post.status == 404)
            #expect((try post.json()["message"] as? String)?.hasPrefix("no route for POST /") == true)
            // A path outside the public directory's entries goes straight to REST.
            let unknown = try await gateway.get("/v2/nothing")
            #expect(unknown.status == 404)
            #expect((try unknown.json()["message"] as? String)?.hasPrefix("no route for GET /v2/nothing") == true)
        }
    }

    @Test("a public entry named like a route prefix serves only paths that no route matches")
    func routePrefixInPublicDirectory() async throws {
        try await ConsoleFixtures.withScratchPublicDirectory({ publicDirectory, _ in
            try FileManager.default.createDirectory(atPath: publicDirectory + "/v1", withIntermediateDirectories: true)
            try ConsoleFixtures.write("shadow", to: publicDirectory + "/v1/shelves")
            try ConsoleFixtures.write("static notes", to: publicDirectory + "/v1/notes.txt")
        }) { publicDirectory in
            try await TestGateway.withDemo(configure: { $0.publicDirectory = publicDirectory }) { gateway, _ in
                let shelves = try await gateway.get("/v1/shelves")
                #expect(shelves.status == 200)
                #expect(shelves.header("content-type") == "application/json")
                #expect(try shelves.json()["shelves"] is [Any])

                let notes = try await gateway.get("/v1/notes.txt")
                #expect(notes.status == 200)
                #expect(notes.text == "static notes")

                // A route's path with the wrong method stays REST's 405, not a file lookup.
                let wrongMethod = try await gateway.send(.DELETE, "/v1/shelves")
                #expect(wrongMethod.status == 405)
            }
        }
    }

    @Test("without a public directory there is no page and no catalog")
    func consoleOff() async throws {
        try await TestGateway.withDemo { gateway, _ in
            for path in ["/", "/index.html", "/_portico/api/services"] {
                let reply = try await gateway.get(path)
                #expect(reply.status == 404, "\(path)")
                #expect((try reply.json()["message"] as? String)?.hasPrefix("no route for GET") == true)
            }
        }
    }

    @Test("a missing public directory still serves the catalog, and 404s for files")
    func missingDirectory() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("portico-missing-\(UUID())").path
        try await TestGateway.withDemo(configure: { $0.publicDirectory = missing }) { gateway, _ in
            #expect(try await gateway.get("/_portico/api/services").status == 200)
            let page = try await gateway.get("/")
            #expect(page.status == 404)
            #expect(try page.json()["code"] as? Int == 5)
        }
    }
}
