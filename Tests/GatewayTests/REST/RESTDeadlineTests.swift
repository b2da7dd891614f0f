import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

@Suite("REST: deadlines and cancellation")
struct RESTDeadlineTests {
    @Test(
        "the backend sees the client's deadline, clamped to the maximum",
        arguments: [
            ("grpc-timeout", "3S", 3.0), ("x-server-timeout", "2.5", 2.5), ("grpc-timeout", "1H", 10.0),
        ])
    func deadlinePropagates(header: String, value: String, expected: Double) async throws {
        try await TestGateway.withDemo(configure: { $0.deadlines.maxTimeout = .seconds(10) }) { gateway, _ in
            // A first call opens the upstream connection: on the cold first run after a build, with every suite
            // starting at once, that alone has taken longer than the 2.5 s case's deadline (seen twice).
            _ = try await gateway.post("/v1/echo:sleep", #"{"duration": "0s"}"#)
            let reply = try await gateway.post("/v1/echo:sleep", #"{"duration": "0s"}"#, headers: [(header, value)])
            #expect(reply.status == 200, "\(reply.text)")
            let response = try reply.json()
            #expect(response["deadlineSet"] as? Bool == true)
            let remaining = try #require((response["deadlineRemaining"] as? String)?.dropLast())
            let seconds = try #require(Double(remaining))
            #expect(seconds <= expected && seconds > expected - 1, "\(seconds)")
        }
    }

    @Test("a call without a deadline gets the default one")
    func defaultDeadline() async throws {
        try await TestGateway.withDemo(configure: { $0.deadlines.defaultTimeout = .seconds(7) }) { gateway, _ in
            let response = try await gateway.post("/v1/echo:sleep", #"{"duration": "0s"}"#).json()
            let seconds = try #require(Double((response["deadlineRemaining"] as? String)?.dropLast() ?? ""))
            #expect(seconds <= 7 && seconds > 6)
        }
    }

    @Test("an expired deadline is a 504 within the deadline plus a small margin; the backend is cancelled")
    func deadlineExpires() async throws {
        try await TestGateway.withDemo { gateway, demo in
            let start = ContinuousClock.now
            let reply = try await gateway.post(
                "/v1/echo:sleep", #"{"duration": "5s"}"#, headers: [("x-server-timeout", "0.3")])
            let elapsed = ContinuousClock.now - start
            #expect(reply.status == 504, "\(reply.text)")
            #expect(try reply.json()["code"] as? Int == 4)
            #expect(elapsed < .seconds(3), "\(elapsed)")  // 0.3 s asked; generous for a loaded 2-core machine
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
        }
    }

    @Test("a client that disconnects cancels a unary call upstream")
    func unaryDisconnect() async throws {
        try await TestGateway.withDemo(configure: TestGateway.farDeadline) { gateway, demo in
            let client = Task {
                try await gateway.send(.POST, "/v1/echo:sleep", body: #"{"duration": "300s"}"#, timeout: .seconds(60))
            }
            // Disconnect only once the backend is really working on the call.
            #expect(await demo.echo.events.waitForSleepStarted())
            client.cancel()
            await #expect(throws: (any Error).self) { try await client.value }
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
        }
    }

    @Test("a client that disconnects from a stream cancels it upstream")
    func streamDisconnect() async throws {
        try await TestGateway.withDemo(configure: TestGateway.farDeadline) { gateway, demo in
            let (firstChunk, signal) = AsyncStream<Void>.makeStream()
            let reader = Task {
                let request = HTTPClientRequest(url: gateway.baseURL + "/v1/echo/x:expand?count=100&interval=1s")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                for try await _ in response.body { signal.yield() }
            }
            // Disconnect once the stream is flowing.
            var chunks = firstChunk.makeAsyncIterator()
            _ = await chunks.next()
            reader.cancel()
            await #expect(throws: (any Error).self) { try await reader.value }
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
        }
    }
}
