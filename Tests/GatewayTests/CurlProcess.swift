import Foundation

/// curl (or another client nobody here wrote, such as h2load), run without blocking the test's thread.
enum CurlProcess {
    struct Result: Sendable {
        let status: Int32
        /// What curl printed on standard output (`-w`, or a body not sent to a file).
        let output: String
    }

    static func run(_ arguments: [String], executable: String = "/usr/bin/curl") async throws -> Result {
        // Standard output goes to a file: a pipe that nobody reads while curl runs could fill and stall it.
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("curl-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: outputFile.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = output
        let status = try await withCheckedThrowingContinuation {
            (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let text = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        return Result(status: status, output: text)
    }
}
