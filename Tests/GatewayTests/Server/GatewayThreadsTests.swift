import Gateway
import Testing

@Suite("Gateway: its own event-loop threads")
struct GatewayThreadsTests {
    @Test("with threads set, the gateway serves on a group of its own and shuts it down after")
    func ownGroup() async throws {
        for _ in 0..<2 {  // a second gateway starts cleanly after the first one's group is gone
            try await TestGateway.withDemo(configure: { $0.threads = 1 }) { gateway, _ in
                let reply = try await gateway.get("/v1/echo/threads")
                #expect(reply.status == 200, "\(reply.text)")
                #expect(reply.text.contains(#""message":"threads""#))
            }
        }
    }
}
