import Foundation
import Testing

/// Paths and scratch directories for the console tests.
enum ConsoleFixtures {
    /// The repository's `public/` directory (the console page), found from this file's location.
    static var repositoryPublicDirectory: String {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // Console
            .deletingLastPathComponent()  // GatewayTests
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // the repository
            .appendingPathComponent("public")
            .path
    }

    /// The repository's root, whose `Package.swift` the traversal tests try to reach.
    static var repositoryRoot: String {
        URL(fileURLWithPath: repositoryPublicDirectory).deletingLastPathComponent().path
    }

    /// Runs `body` with a fresh scratch directory holding `public/` (returned) and a `secret.txt` beside it,
    /// removed afterwards. `layout` creates the public directory's content.
    static func withScratchPublicDirectory<T>(
        _ layout: (_ publicDirectory: String, _ scratch: String) throws -> Void,
        _ body: (_ publicDirectory: String) async throws -> T
    ) async throws -> T {
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("portico-console-\(UUID().uuidString)").path
        let publicDirectory = scratch + "/public"
        try FileManager.default.createDirectory(atPath: publicDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try write("the secret outside the public directory", to: scratch + "/secret.txt")
        try layout(publicDirectory, scratch)
        return try await body(publicDirectory)
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func port(of baseURL: String) throws -> Int {
        try #require(baseURL.split(separator: ":").last.flatMap { Int($0) })
    }
}
