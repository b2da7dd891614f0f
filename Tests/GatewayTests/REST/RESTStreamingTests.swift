import AsyncHTTPClient
import DemoService
import Foundation
import Gateway
import NIOCore
import NIOHTTP1
import Testing
import Transcoding

@Suite("REST: server streaming as a JSON array, NDJSON and server-sent events")
struct RESTStreamingTests {
    @Test("a JSON array by default")
    func array() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get("/v1/echo/hi:expand?count=3")
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            let items = try #require(try JSONSerialization.jsonObject(with: Data(reply.body)) as? [[String: Any]])
            #expect(items.map { $0["index"] as? Int ?? 0 } == [0, 1, 2])
            #expect(items.allSatisfy { $0["message"] as? String == "hi" })
        }
    }

    @Test("an empty stream is []")
    func empty() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get("/v1/echo/hi:expand?count=0")
            #expect(reply.text == "[]")
        }
    }

    @Test("an error after messages ends the array with an error object")
    func arrayError() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo/hi:expand?count=5&failAfter=2&failCode=ABORTED&failMessage=boom")
            #expect(reply.status == 200)
            let items = try #require(
                try JSONSerialization.jsonObject(with: Data(reply.body)) as? [[String: Any]], "\(reply.text)")
            #expect(items.count == 3)
            let error = try #require(items.last?["error"] as? [String: Any])
            #expect(error["code"] as? Int == 10)
            #expect(error["message"] as? String == "boom")
        }
    }

    @Test("an error before the first message is a plain error response")
    func errorFirst() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo/hi:expand?count=5&failAfter=0&failCode=NOT_FOUND&failMessage=gone")
            #expect(reply.status == 404)
            #expect(try reply.json()["message"] as? String == "gone")
        }
    }

    @Test("NDJSON: one message per line, then the error line")
    func ndjson() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo/hi:expand?count=4&failAfter=3&failCode=INTERNAL&failMessage=late",
                headers: [("accept", "application/x-ndjson")])
            #expect(reply.header("content-type") == "application/x-ndjson")
            let lines = reply.text.split(separator: "\n")
            #expect(lines.count == 4, "\(reply.text)")
            let last = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
            #expect((last["error"] as? [String: Any])?["code"] as? Int == 13)
        }
    }

    @Test("server-sent events: data events, then an error event")
    func serverSentEvents() async throws {
        try await TestGateway.withDemo { gateway, _ in
            let reply = try await gateway.get(
                "/v1/echo/hi:expand?count=3&failAfter=2&failCode=UNAVAILABLE&failMessage=gone",
                headers: [("accept", "text/event-stream")])
            #expect(reply.header("content-type") == "text/event-stream")
            let events = reply.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.count == 3, "\(reply.text)")
            #expect(events[0].hasPrefix("data: {"))
            #expect(events[2].hasPrefix("event: error\ndata: {"))
            #expect(events[2].contains(#""code":14"#))
        }
    }

    @Test("messages are flushed as they arrive, not buffered until the end")
    func flushing() async throws {
        try await TestGateway.withDemo { gateway, _ in
            var request = HTTPClientRequest(url: gateway.baseURL + "/v1/echo/hi:expand?count=3&interval=0.4s")
            request.headers.add(name: "accept", value: "application/x-ndjson")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            var iterator = response.body.makeAsyncIterator()
            let first = try await iterator.next()
            let firstArrived = ContinuousClock.now
            #expect(first != nil)
            while try await iterator.next() != nil {}
            // The backend waits 0.4 s between messages: had the gateway buffered, everything would arrive at once.
            #expect(ContinuousClock.now - firstArrived >= .milliseconds(600))
        }
    }
}
