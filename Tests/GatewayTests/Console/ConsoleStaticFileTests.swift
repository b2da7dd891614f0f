import Foundation
import NIOHTTP1
import Testing

@testable import Gateway

@Suite("Console: the page's static files")
struct ConsoleStaticFileTests {
    static func withRepositoryConsole<T: Sendable>(_ body: (TestGateway) async throws -> T) async throws -> T {
        try await TestGateway.withDemo(configure: { $0.publicDirectory = ConsoleFixtures.repositoryPublicDirectory }) {
            gateway, _ in try await body(gateway)
        }
    }

    @Test(
        "serves the page's files with their content types, an ETag and no-cache",
        arguments: [
            ("/", "text/html; charset=utf-8", "<title>Portico console</title>"),
            ("/index.html", "text/html; charset=utf-8", "<title>Portico console</title>"),
            ("/console.css", "text/css; charset=utf-8", "--accent"),
            ("/console.js", "text/javascript; charset=utf-8", "/_portico/api/services"),
            ("/console.js?v=2", "text/javascript; charset=utf-8", "GrpcWebParser"),
        ]
    )
    func pageFiles(path: String, contentType: String, excerpt: String) async throws {
        try await Self.withRepositoryConsole { gateway in
            let reply = try await gateway.get(path)
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == contentType)
            #expect(reply.header("cache-control") == "no-cache")
            #expect(reply.header("x-content-type-options") == "nosniff")
            #expect(reply.header("etag")?.hasPrefix("W/\"") == true)
            #expect(reply.header("content-length") == String(reply.body.count))
            #expect(reply.text.contains(excerpt))
        }
    }

    @Test("a matching If-None-Match gets 304 without a body; HEAD gets the headers only")
    func conditionalAndHead() async throws {
        try await Self.withRepositoryConsole { gateway in
            let first = try await gateway.get("/console.css")
            let tag = try #require(first.header("etag"))
            let again = try await gateway.get("/console.css", headers: [("if-none-match", "\"other\", \(tag)")])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("etag") == tag)
            let stale = try await gateway.get("/console.css", headers: [("if-none-match", "W/\"stale\"")])
            #expect(stale.status == 200)

            let head = try await gateway.send(.HEAD, "/console.css")
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.header("content-length") == String(first.body.count))
            #expect(head.header("content-type") == "text/css; charset=utf-8")
        }
    }

    @Test("the catalog endpoint answers JSON with an ETag, and 304 when it has not changed")
    func catalogEndpoint() async throws {
        try await Self.withRepositoryConsole { gateway in
            let reply = try await gateway.get("/_portico/api/services")
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            #expect(reply.header("cache-control") == "no-cache")
            let services = try #require(try reply.json()["services"] as? [[String: Any]])
            #expect(services.count == 2)
            let tag = try #require(reply.header("etag"))
            #expect(try await gateway.get("/_portico/api/services", headers: [("if-none-match", tag)]).status == 304)
        }
    }

    @Test(
        "paths that try to leave the public directory are 404 and never show the file",
        arguments: [
            "/../Package.swift",
            "/%2e%2e/Package.swift",
            "/%2E%2E/Package.swift",
            "/public/../x",
            "/public/../Package.swift",
            "/index.html/../../Package.swift",
            "/index.html/%2e%2e/%2e%2e/Package.swift",
            "/console.js/..%2f..%2fPackage.swift",
            "/index.html%2f..%2f..%2fPackage.swift",
            "//Package.swift",
            "/%2fetc/passwd",
            "/index.html/./../../Package.swift",
            "/index.html%00.js",
            "/index.html\\..\\..\\Package.swift",
        ]
    )
    func traversal(path: String) async throws {
        try await Self.withRepositoryConsole { gateway in
            let (status, body) = try await RawHTTP.get(port: try ConsoleFixtures.port(of: gateway.baseURL), path: path)
            #expect(status == 404 || status == 400, "\(path): \(status)")
            #expect(!body.contains("swift-tools-version"))
            #expect(!body.contains("root:"))
        }
    }

    @Test("404s for missing files are google.rpc.Status JSON")
    func missingFile() async throws {
        try await ConsoleFixtures.withScratchPublicDirectory({ publicDirectory, _ in
            try FileManager.default.createDirectory(
                atPath: publicDirectory + "/assets", withIntermediateDirectories: true)
        }) { publicDirectory in
            try await TestGateway.withDemo(configure: { $0.publicDirectory = publicDirectory }) { gateway, _ in
                for path in ["/", "/assets/missing.js", "/assets/"] {
                    let reply = try await gateway.get(path)
                    #expect(reply.status == 404, "\(path)")
                    #expect(reply.header("content-type") == "application/json")
                    let status = try reply.json()
                    #expect(status["code"] as? Int == 5)
                    #expect((status["message"] as? String)?.contains(path) == true)
                }
            }
        }
    }

    @Test("symbolic links may point inside the directory, never outside; only regular files are served")
    func symlinksAndFileKinds() async throws {
        try await ConsoleFixtures.withScratchPublicDirectory({ publicDirectory, scratch in
            let files = FileManager.default
            try ConsoleFixtures.write("<p>home</p>", to: publicDirectory + "/index.html")
            try ConsoleFixtures.write("inner text", to: publicDirectory + "/inner.txt")
            try files.createDirectory(atPath: publicDirectory + "/docs", withIntermediateDirectories: true)
            try ConsoleFixtures.write("<p>docs</p>", to: publicDirectory + "/docs/index.html")
            try files.createDirectory(atPath: publicDirectory + "/empty", withIntermediateDirectories: true)
            try files.createSymbolicLink(atPath: publicDirectory + "/alias.txt", withDestinationPath: "inner.txt")
            try files.createSymbolicLink(
                atPath: publicDirectory + "/escape.txt", withDestinationPath: scratch + "/secret.txt")
            try files.createSymbolicLink(
                atPath: publicDirectory + "/relative.txt", withDestinationPath: "../secret.txt")
            try files.createSymbolicLink(atPath: publicDirectory + "/outside", withDestinationPath: scratch)
            // A sibling whose name starts with the public directory's name is still outside it.
            try files.createDirectory(atPath: scratch + "/public2", withIntermediateDirectories: true)
            try ConsoleFixtures.write("sibling secret", to: scratch + "/public2/secret.txt")
            try files.createSymbolicLink(
                atPath: publicDirectory + "/sibling", withDestinationPath: scratch + "/public2")
            try ConsoleFixtures.write("hidden", to: publicDirectory + "/.env")
        }) { publicDirectory in
            try await TestGateway.withDemo(configure: { $0.publicDirectory = publicDirectory }) { gateway, _ in
                #expect(try await gateway.get("/").text == "<p>home</p>")
                #expect(try await gateway.get("/docs/").text == "<p>docs</p>")
                #expect(try await gateway.get("/inner.txt").header("content-type") == "text/plain; charset=utf-8")
                let alias = try await gateway.get("/alias.txt")
                #expect(alias.status == 200)
                #expect(alias.text == "inner text")
                for path in [
                    "/escape.txt", "/relative.txt", "/outside/secret.txt", "/sibling/secret.txt", "/empty",
                    "/docs", "/.env", "/%2eenv",
                ] {
                    let reply = try await gateway.get(path)
                    #expect(reply.status == 404, "\(path): \(reply.status) \(reply.text)")
                    #expect(!reply.text.contains("the secret outside"), "\(path)")
                    #expect(!reply.text.contains("sibling secret"), "\(path)")
                }
            }
        }
    }

    @Test("a file larger than one read chunk arrives whole, with its length")
    func largeFile() async throws {
        // 300 KiB of a repeating pattern: several chunks of Hummingbird's file reader.
        let bytes = (0..<(300 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
        try await ConsoleFixtures.withScratchPublicDirectory({ publicDirectory, _ in
            try Data(bytes).write(to: URL(fileURLWithPath: publicDirectory + "/blob.bin"))
        }) { publicDirectory in
            try await TestGateway.withDemo(configure: { $0.publicDirectory = publicDirectory }) { gateway, _ in
                let reply = try await gateway.get("/blob.bin")
                #expect(reply.status == 200)
                #expect(reply.header("content-type") == "application/octet-stream")
                #expect(reply.header("content-length") == String(bytes.count))
                #expect(reply.body == bytes)
            }
        }
    }

    @Test(
        "request paths decode once into safe segments",
        arguments: [
            ("/", ["index.html"] as [String]?),
            ("/console.js", ["console.js"]),
            ("/docs/", ["docs", "index.html"]),
            ("/a%20b/c.txt", ["a b", "c.txt"]),
            ("/%252e%252e/x", ["%2e%2e", "x"]),
            ("/caf%C3%A9.txt", ["café.txt"]),
            ("/..", nil),
            ("/.", nil),
            ("/a/../b", nil),
            ("/%2e%2e/x", nil),
            ("/%2E./x", nil),
            ("/.hidden", nil),
            ("//etc/passwd", nil),
            ("/a//b", nil),
            ("/a%2fb", nil),
            ("/a%5cb", nil),
            ("/a\\b", nil),
            ("/a%00b", nil),
            ("/a%zz", nil),
            ("/a%2", nil),
            ("/%ff", nil),
            ("relative", nil),
            ("", nil),
        ]
    )
    func pathSegments(path: String, expected: [String]?) {
        #expect(StaticFilePath.segments(of: path[...]) == expected)
    }

    @Test("If-None-Match uses the weak comparison and accepts lists and *")
    func entityTagMatching() {
        #expect(ConsoleHandler.matches("W/\"1-2\"", tag: "W/\"1-2\""))
        #expect(ConsoleHandler.matches("\"1-2\"", tag: "W/\"1-2\""))
        #expect(ConsoleHandler.matches(" \"a\" ,  W/\"1-2\" ", tag: "W/\"1-2\""))
        #expect(ConsoleHandler.matches("*", tag: "\"x\""))
        #expect(!ConsoleHandler.matches("\"1-3\"", tag: "W/\"1-2\""))
        #expect(!ConsoleHandler.matches(nil, tag: "\"x\""))
        #expect(!ConsoleHandler.matches("", tag: "\"x\""))
    }

    @Test(
        "content types come from the extension, case-insensitively",
        arguments: [
            ("index.html", "text/html; charset=utf-8"),
            ("APP.JS", "text/javascript; charset=utf-8"),
            ("style.css", "text/css; charset=utf-8"),
            ("logo.svg", "image/svg+xml"),
            ("data.json", "application/json"),
            ("README", "application/octet-stream"),
            (".profile", "application/octet-stream"),
            ("archive.tar.unknown", "application/octet-stream"),
        ]
    )
    func contentTypes(fileName: String, expected: String) {
        #expect(StaticFileContentType.of(fileName: fileName) == expected)
    }
}
