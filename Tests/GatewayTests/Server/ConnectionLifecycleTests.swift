import DemoService
import Foundation
import Gateway
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing
import Transcoding

/// When the gateway closes client connections, on both listeners: after the idle timeout, and on graceful
/// shutdown once the calls in flight are answered; never in the middle of a call.
@Suite(
    "Client connections: idle timeout and graceful shutdown",
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/curl"))
)
struct ConnectionLifecycleTests {
    static let protocols: [ListenerProtocol] = [.http1, .h2c]

    /// curl's arguments for a call to the demo's Sleep over `listener`; it prints the status code last.
    static func sleepCall(_ listener: ListenerProtocol, port: Int, seconds: Double, maxTime: Int = 10) -> [String] {
        (listener == .h2c ? ["--http2-prior-knowledge"] : []) + [
            "-s", "--max-time", "\(maxTime)", "-w", "\n%{http_code}", "-X", "POST", "-H",
            "content-type: application/json",
            "-d", #"{"duration": "\#(seconds)s"}"#, "http://127.0.0.1:\(port)/v1/echo:sleep",
        ]
    }

    /// The raw client below never answers the GOAWAY's PING: on HTTP/2 it is the grace period that closes it.
    @Test(
        "an idle connection is closed after the idle timeout, even from a client that never answers",
        arguments: protocols)
    func idleConnectionClosed(listener: ListenerProtocol) async throws {
        try await TestGateway.withDemo(configure: {
            $0.listenerProtocol = listener
            $0.limits.idleConnectionTimeout = .milliseconds(300)
            $0.limits.gracePeriod = .milliseconds(300)
        }) { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            var request = ByteBuffer()
            if listener == .h2c {  // the connection preface and an empty SETTINGS frame
                request.writeString("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
                HTTP2Tests.appendFrame(type: 0x4, flags: 0, stream: 0, payload: [], to: &request)
            } else {
                request.writeString("GET /v1/echo/x HTTP/1.1\r\nHost: x\r\n\r\n")
            }
            let start = NIODeadline.now()  // before the connection exists: the idle timer cannot start earlier
            let channel = try await RawHTTP.connect(port: port, sending: request)
            // The gateway closes the connection; if it has not after 10 s, the test does (and fails). Times are
            // taken on the event loop: a busy test run may resume this task late, never the loop.
            let closedAt = Mutex<NIODeadline?>(nil)
            channel.closeFuture.whenComplete { _ in closedAt.withLock { $0 = .now() } }
            let forcedByTest = Mutex(false)
            let forced = channel.eventLoop.scheduleTask(in: .seconds(10)) {
                forcedByTest.withLock { $0 = true }
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            #expect(!forcedByTest.withLock { $0 }, "the gateway kept an idle \(listener) connection open")
            forced.cancel()
            let open = try #require(closedAt.withLock { $0 }) - start
            #expect(open >= .milliseconds(250), "closed after \(open), before the idle timeout")
        }
    }

    @Test("an HTTP/1.1 request whose body stops arriving is cut after the idle timeout")
    func stalledRequestBodyClosed() async throws {
        try await TestGateway.withDemo(configure: { $0.limits.idleConnectionTimeout = .milliseconds(300) }) {
            gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            // A head that announces 100 bytes of body, then 2 of them, then nothing.
            let head =
                "POST /v1/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\""
            let channel = try await RawHTTP.connect(port: port, sending: ByteBuffer(string: head))
            let forcedByTest = Mutex(false)
            let forced = channel.eventLoop.scheduleTask(in: .seconds(10)) {
                forcedByTest.withLock { $0 = true }
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            forced.cancel()
            #expect(!forcedByTest.withLock { $0 }, "the gateway waited 10 s for a body that never came")
        }
    }

    @Test("a call that lasts longer than the idle timeout is answered", arguments: protocols)
    func busyConnectionKept(listener: ListenerProtocol) async throws {
        try await TestGateway.withDemo(configure: {
            $0.listenerProtocol = listener
            $0.limits.idleConnectionTimeout = .milliseconds(200)
        }) { gateway, _ in
            let port = try #require(URL(string: gateway.baseURL)?.port)
            let curl = try await CurlProcess.run(Self.sleepCall(listener, port: port, seconds: 1))
            #expect(curl.status == 0)
            #expect(curl.output.hasSuffix("\n200"), "\(curl.output)")
        }
    }

    /// Runs `body` with a gateway in a service group (so that it can be shut down gracefully) in front of a demo
    /// backend; returns once the gateway has stopped.
    static func withShutdownableGateway(
        configure: (inout GatewayConfiguration) -> Void,
        _ body: (_ port: Int, _ group: ServiceGroup, _ demo: DemoBackend) async throws -> Void
    ) async throws {
        let demo = DemoBackend()
        try await demo.withRunningServer { backend in
            var configuration = GatewayConfiguration(listen: HostAndPort(host: "127.0.0.1", port: 0))
            configuration.defaultBackend = HostAndPort(host: backend.host, port: backend.port)
            configure(&configuration)
            let (addresses, listening) = AsyncStream<HostAndPort>.makeStream()
            var logger = Logger(label: "portico.test")
            logger.logLevel = .warning
            let gateway = try Gateway(
                pool: try DescriptorPool(fileDescriptorSets: [DemoDescriptorSet.bytes]),
                configuration: configuration, logger: logger
            ) { listening.yield($0) }
            let group = ServiceGroup(services: [gateway], gracefulShutdownSignals: [], logger: logger)
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                var iterator = addresses.makeAsyncIterator()
                let address = try #require(await iterator.next())
                try await body(address.port, group, demo)
                try await tasks.next()  // the gateway has stopped
            }
        }
    }

    @Test("a graceful shutdown lets a call in flight finish, then closes the connection", arguments: protocols)
    func gracefulShutdown(listener: ListenerProtocol) async throws {
        try await Self.withShutdownableGateway(configure: { $0.listenerProtocol = listener }) { port, group, demo in
            let call = Task { try await CurlProcess.run(Self.sleepCall(listener, port: port, seconds: 0.5)) }
            #expect(await demo.echo.events.waitForSleepStarted())
            await group.triggerGracefulShutdown()
            let curl = try await call.value
            #expect(curl.status == 0)
            #expect(curl.output.hasSuffix("\n200"), "\(curl.output)")
            #expect(demo.echo.events.events.contains { $0.kind == .sleepFinished })
        }
    }

    @Test("on shutdown, an HTTP/2 call that outlasts the grace period is cut, and cancelled upstream")
    func gracePeriodCutsLongCalls() async throws {
        try await Self.withShutdownableGateway(configure: {
            $0.listenerProtocol = .h2c
            $0.limits.gracePeriod = .milliseconds(300)
            TestGateway.farDeadline(&$0)
        }) { port, group, demo in
            // Without the grace period the call would run its 30 s and be answered (curl exits 0).
            // curl must not be the one to give up: --max-time 60.
            let call = Task { try await CurlProcess.run(Self.sleepCall(.h2c, port: port, seconds: 30, maxTime: 60)) }
            #expect(await demo.echo.events.waitForSleepStarted())
            await group.triggerGracefulShutdown()
            let curl = try await call.value
            #expect(curl.status != 0 && curl.status != 28, "curl exit \(curl.status): \(curl.output)")
            #expect(await demo.echo.events.waitForCancellations(atLeast: 1))
        }
    }
}
