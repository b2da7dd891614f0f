import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

/// The gateway in front of a Python `grpcio` backend (interop/python_backend.py): a real HTTP/2 gRPC peer
/// that nobody here wrote the transport of. `.ci/run` starts it and sets `PORTICO_PYTHON_BACKEND=HOST:PORT`;
/// without that variable these tests are skipped.
@Suite(
    "Interop: REST through Portico to a Python grpcio backend",
    .enabled(if: ProcessInfo.processInfo.environment["PORTICO_PYTHON_BACKEND"] != nil)
)
struct PythonBackendTests {
    static func withGateway<T: Sendable>(_ body: (TestGateway) async throws -> T) async throws -> T {
        let address = try #require(
            ProcessInfo.processInfo.environment["PORTICO_PYTHON_BACKEND"].flatMap(HostAndPort.init(parsing:)))
        var configuration = GatewayConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0))
        configuration.defaultBackend = address
        return try await TestGateway.with(configuration: configuration, body)
    }

    @Test("unary GET and POST")
    func unary() async throws {
        try await Self.withGateway { gateway in
            let get = try await gateway.get("/v1/echo/from-swift?repeat=1")
            #expect(get.status == 200, "\(get.text)")
            #expect(try get.json()["message"] as? String == "from-swift")
            let post = try await gateway.post("/v1/echo", #"{"message": "posted", "labels": {"a": "b"}}"#)
            #expect(post.status == 200, "\(post.text)")
            #expect((try post.json()["request"] as? [String: Any])?["labels"] as? [String: String] == ["a": "b"])
        }
    }

    @Test("server streaming with a mid-stream error")
    func streaming() async throws {
        try await Self.withGateway { gateway in
            let reply = try await gateway.get(
                "/v1/echo/py:expand?count=4&failAfter=2&failCode=ABORTED&failMessage=stop",
                headers: [("accept", "application/x-ndjson")])
            let lines = reply.text.split(separator: "\n")
            #expect(lines.count == 3, "\(reply.text)")
            #expect(lines.last?.contains(#""code":10"#) == true)
        }
    }

    @Test("errors with google.rpc details")
    func details() async throws {
        try await Self.withGateway { gateway in
            let reply = try await gateway.post(
                "/v1/echo:fail", #"{"code": "FAILED_PRECONDITION", "message": "not yet", "invalidFields": ["x"]}"#)
            #expect(reply.status == 400, "\(reply.text)")
            let status = try reply.json()
            #expect(status["code"] as? Int == 9)
            let details = try #require(status["details"] as? [[String: Any]])
            #expect(
                details.contains { ($0["@type"] as? String)?.hasSuffix("google.rpc.BadRequest") == true },
                "\(reply.text)")
        }
    }

    @Test("deadlines reach the backend and expire as 504")
    func deadline() async throws {
        try await Self.withGateway { gateway in
            let reply = try await gateway.post(
                "/v1/echo:sleep", #"{"duration": "0s"}"#, headers: [("grpc-timeout", "2S")])
            #expect(try reply.json()["deadlineSet"] as? Bool == true)
            let expired = try await gateway.post(
                "/v1/echo:sleep", #"{"duration": "3s"}"#, headers: [("x-server-timeout", "0.2")])
            #expect(expired.status == 504, "\(expired.text)")
        }
    }

    @Test("metadata in and out")
    func metadata() async throws {
        try await Self.withGateway { gateway in
            let reply = try await gateway.get("/v1/echo:headers", headers: [("x-team", "py")])
            #expect((try reply.json()["metadata"] as? [String: String])?["x-team"] == "py", "\(reply.text)")
            #expect(reply.header("grpc-metadata-x-demo-initial") == "yes")
            #expect(reply.header("grpc-trailer-x-demo-trailing") == "yes")
        }
    }
}
