import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import Logging
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

/// A gateway on a free loopback port in front of a backend, for the duration of a test.
struct TestGateway: Sendable {
    let baseURL: String

    /// Runs `body` with a gateway (demo descriptors) in front of a fresh in-process demo backend.
    static func withDemo<T: Sendable>(
        configure: (inout GatewayConfiguration) -> Void = { _ in },
        _ body: (TestGateway, DemoBackend) async throws -> T
    ) async throws -> T {
        let demo = DemoBackend()
        return try await demo.withRunningServer { address in
            var configuration = GatewayConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0))
            configuration.defaultBackend = HostAndPort(host: address.host, port: address.port)
            configure(&configuration)
            return try await Self.with(configuration: configuration) { gateway in try await body(gateway, demo) }
        }
    }

    /// For the tests of clients that go away: a default deadline that cannot end the call while the test waits
    /// for the cancellation (the demo records both alike), so that a deadline is never mistaken for it.
    static func farDeadline(_ configuration: inout GatewayConfiguration) {
        configuration.deadlines.defaultTimeout = .seconds(300)
    }

    /// Runs `body` with a gateway serving the demo descriptors with `configuration` (its backend is up to you).
    static func with<T: Sendable>(
        configuration: GatewayConfiguration,
        descriptorSets: [[UInt8]] = [DemoDescriptorSet.bytes],
        _ body: (TestGateway) async throws -> T
    ) async throws -> T {
        let pool = try DescriptorPool(fileDescriptorSets: descriptorSets)
        let (addresses, continuation) = AsyncStream<HostAndPort>.makeStream()
        var logger = Logger(label: "portico.test")
        logger.logLevel = .warning
        let gateway = try Gateway(pool: pool, configuration: configuration, logger: logger) { address in
            continuation.yield(address)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await gateway.run() }
            var iterator = addresses.makeAsyncIterator()
            guard let address = await iterator.next() else { throw CancellationError() }
            defer { group.cancelAll() }
            return try await body(TestGateway(baseURL: "http://127.0.0.1:\(address.port)"))
        }
    }

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]

        var text: String { String(decoding: self.body, as: UTF8.self) }
        func header(_ name: String) -> String? { self.headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        /// The body parsed as a JSON object (fails the test when it is not one).
        func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
            let object = try JSONSerialization.jsonObject(with: Data(self.body))
            return try #require(
                object as? [String: Any], "not a JSON object: \(self.text)", sourceLocation: sourceLocation)
        }
    }

    func send(
        _ method: HTTPMethod,
        _ path: String,
        body: String? = nil,
        bytes: [UInt8]? = nil,
        headers: [(String, String)] = [],
        timeout: TimeAmount = .seconds(10)
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            if !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
                request.headers.add(name: "content-type", value: "application/json")
            }
            request.body = .bytes(ByteBuffer(string: body))
        } else if let bytes {
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let collected = try await response.body.collect(upTo: 64 << 20)
        return Reply(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(buffer: collected)
        )
    }

    func get(_ path: String, headers: [(String, String)] = []) async throws -> Reply {
        try await self.send(.GET, path, headers: headers)
    }

    func post(_ path: String, _ body: String, headers: [(String, String)] = []) async throws -> Reply {
        try await self.send(.POST, path, body: body, headers: headers)
    }
}
