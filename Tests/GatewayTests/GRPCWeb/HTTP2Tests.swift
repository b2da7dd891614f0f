import DemoService
import Foundation
import Gateway
import SwiftProtobuf
import Testing
import Transcoding

/// The listener speaking HTTP/2 (h2c, prior knowledge), driven by curl, a client nobody here wrote.
@Suite(
    "HTTP/2: REST and gRPC-Web over h2c with curl",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
)
struct HTTP2Tests {
    /// Runs curl over HTTP/2 with prior knowledge; returns the response headers and body.
    static func curl(_ arguments: [String], input: [UInt8]? = nil) throws -> (headers: String, body: [UInt8]) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let headers = directory.appendingPathComponent("headers")
        let body = directory.appendingPathComponent("body")
        var arguments =
            ["-s", "--http2-prior-knowledge", "--max-time", "10", "-D", headers.path, "-o", body.path] + arguments
        if let input {
            let file = directory.appendingPathComponent("input")
            try Data(input).write(to: file)
            arguments += ["--data-binary", "@\(file.path)"]
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "curl exited with \(process.terminationStatus)")
        return (
            (try? String(contentsOf: headers, encoding: .utf8)) ?? "",
            [UInt8]((try? Data(contentsOf: body)) ?? Data())
        )
    }

    @Test("REST and gRPC-Web text over HTTP/2")
    func h2c() async throws {
        try await TestGateway.withDemo(configure: { $0.listenerProtocol = .h2c }) { gateway, _ in
            let rest = try Self.curl([gateway.baseURL + "/v1/echo/over-h2"])
            #expect(rest.headers.hasPrefix("HTTP/2 200"), "\(rest.headers)")
            #expect(String(decoding: rest.body, as: UTF8.self).contains(#""message":"over-h2""#))

            var request = Echo_V1_ExpandRequest()
            request.message = "h2"
            request.count = 3
            let frame = try GRPCWebFrameEncoder.message(try request.serializedBytes() as [UInt8])
            let web = try Self.curl(
                [
                    "-X", "POST", "-H", "content-type: application/grpc-web-text", "-H", "x-grpc-web: 1",
                    gateway.baseURL + "/echo.v1.EchoService/Expand",
                ],
                input: GRPCWebTextEncoder.encode(frame))
            #expect(web.headers.hasPrefix("HTTP/2 200"), "\(web.headers)")
            var decoded: [UInt8] = []
            var text = GRPCWebTextDecoder()
            try web.body.withUnsafeBytes { try text.decode($0, appendingTo: &decoded) }
            let frames = try decoded.withUnsafeBytes { try GRPCWebFrameDecoder.frames(in: $0) }
            #expect(frames.count == 4)
            guard case .trailers(let trailers) = frames.last else {
                Issue.record("no trailer frame")
                return
            }
            #expect(trailers.grpcStatus == 0)
        }
    }
}
