import DemoService
import Gateway
import Testing
import Transcoding

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

    @Test("zero threads is refused with a clear error, not a crash")
    func zeroThreads() async throws {
        var configuration = GatewayConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0))
        configuration.threads = 0
        let gateway = try Gateway(
            pool: try DescriptorPool(fileDescriptorSet: DemoDescriptorSet.bytes), configuration: configuration)
        await #expect {
            try await gateway.run()
        } throws: { error in
            (error as? GatewayError)?.message == "threads must be at least 1, got 0"
        }
    }
}
