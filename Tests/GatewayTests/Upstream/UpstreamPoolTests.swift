import NIOCore
import NIOHPACK
import NIOPosix
import Testing
import Transcoding

@testable import Gateway

/// End-to-end: the pool against a real grpc-swift-2 server on 127.0.0.1.
@Suite("UpstreamPool against a grpc-swift server", .serialized)
struct UpstreamPoolTests {
    static func request(
        _ target: UpstreamTarget,
        _ method: String,
        _ message: [UInt8] = [],
        metadata: HPACKHeaders = [:],
        timeout: Duration? = nil
    ) -> UpstreamRequest {
        UpstreamRequest(
            target: target,
            path: UpstreamTestService.path(method),
            metadata: metadata,
            timeout: timeout,
            message: ByteBuffer(bytes: message)
        )
    }

    static func streamSpec(count: Int, size: Int) -> [UInt8] {
        [UInt8(count >> 24 & 0xFF), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)]
            + [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }

    /// Reads a call to the end.
    static func collect(
        _ call: UpstreamCall
    ) async -> (metadata: HPACKHeaders?, messages: [ByteBuffer], status: UpstreamStatus?) {
        var metadata: HPACKHeaders?
        var messages: [ByteBuffer] = []
        var status: UpstreamStatus?
        for await event in call {
            switch event {
            case .initialMetadata(let headers): metadata = headers
            case .message(let message): messages.append(message)
            case .status(let final): status = final
            }
        }
        return (metadata, messages, status)
    }

    @Test("unary echo")
    func unaryEcho() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let response = await pool.unary(Self.request(target, "Echo", [1, 2, 3, 4]))
                #expect(response.status.code == .ok, "\(response.status)")
                #expect(response.message == ByteBuffer(bytes: [1, 2, 3, 4]))
                let metadata = try #require(response.initialMetadata)
                #expect(metadata.first(name: "content-type")?.hasPrefix("application/grpc") == true)
                #expect(metadata.first(name: ":status") == "200")  // as received; forwarders skip it
                #expect(response.status.origin == .upstream)

                // An empty message is a valid message.
                let empty = await pool.unary(Self.request(target, "Echo", []))
                #expect(empty.status.code == .ok)
                #expect(empty.message?.readableBytes == 0)
            }
        }
    }

    @Test("server streaming: many messages in order, then OK", arguments: [(1000, 100), (64, 256 * 1024)])
    func serverStreaming(count: Int, size: Int) async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let call = pool.call(Self.request(target, "Stream", Self.streamSpec(count: count, size: size)))
                let (metadata, messages, status) = await Self.collect(call)
                #expect(metadata != nil)
                #expect(status?.code == .ok, "\(String(describing: status))")
                #expect(messages.count == count)
                for (index, message) in messages.enumerated() {
                    let expected = ByteBuffer(repeating: UInt8(truncatingIfNeeded: index), count: size)
                    #expect(message == expected, "message \(index)")
                    if message != expected { break }
                }
            }
        }
    }

    @Test("nextIfArrived takes every part that has arrived, in order, without waiting, and nil when none has")
    func partsThatHaveArrived() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let call = pool.call(Self.request(target, "Stream", Self.streamSpec(count: 5, size: 8)))
                #expect(await Self.eventually { call.stream.hasStatus })
                var parts: [String] = []
                while let event = call.nextIfArrived() {
                    switch event {
                    case .initialMetadata: parts.append("metadata")
                    case .message(let message): parts.append("message \(message.readableBytes)")
                    case .status(let status): parts.append("status \(status.code)")
                    }
                }
                #expect(parts == ["metadata"] + Array(repeating: "message 8", count: 5) + ["status OK"])
                #expect(call.nextIfArrived() == nil)
                #expect(await call.next() == nil, "the call has ended")
            }
        }
    }

    @Test("a slow reader of a stream is not overrun: the stream pauses and resumes")
    func slowReader() async throws {
        try await withUpstreamTestServer { target, _ in
            let configuration = UpstreamPool.Configuration.defaults {
                $0.http2.targetStreamWindowSize = 64 * 1024
            }
            try await withUpstreamPool(configuration: configuration) { pool in
                let call = pool.call(Self.request(target, "Stream", Self.streamSpec(count: 200, size: 16 * 1024)))
                var received = 0
                var status: UpstreamStatus?
                for await event in call {
                    switch event {
                    case .message(let message):
                        #expect(message == ByteBuffer(repeating: UInt8(truncatingIfNeeded: received), count: 16 * 1024))
                        received += 1
                        if received % 20 == 0 { try await Task.sleep(for: .milliseconds(20)) }
                    case .status(let final): status = final
                    case .initialMetadata: break
                    }
                }
                #expect(received == 200)
                #expect(status?.code == .ok)
            }
        }
    }

    @Test("a 4 MiB message each way")
    func largeMessage() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let payload = (0..<(4 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let response = await pool.unary(Self.request(target, "Echo", payload))
                #expect(response.status.code == .ok, "\(response.status)")
                #expect(response.message.map { Array($0.readableBytesView) } == payload)
            }
        }
    }

    @Test("a response above the receive limit fails with RESOURCE_EXHAUSTED")
    func receiveLimit() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool(configuration: .defaults { $0.maximumReceiveMessageSize = 1000 }) { pool in
                let response = await pool.unary(Self.request(target, "Echo", Array(repeating: 1, count: 1001)))
                #expect(response.status.code == .resourceExhausted)
                #expect(response.status.origin == .local)
                // The connection is still usable.
                let next = await pool.unary(Self.request(target, "Echo", [1]))
                #expect(next.status.code == .ok)
            }
        }
    }

    @Test("client streaming in one body: payloads or pre-framed bytes")
    func clientStreaming() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let parts: [[UInt8]] = [[1, 2], [], [3], Array(repeating: 9, count: 20_000)]
                var request = Self.request(target, "Collect")
                request.body = .messages(parts.map { ByteBuffer(bytes: $0) })
                let response = await pool.unary(request)
                #expect(response.status.code == .ok, "\(response.status)")
                #expect(response.message.map { Array($0.readableBytesView) } == parts.flatMap { $0 })

                request.body = .framed(ByteBuffer(bytes: UpstreamMessageDeframerTests.framed(parts)))
                let framed = await pool.unary(request)
                #expect(framed.message.map { Array($0.readableBytesView) } == parts.flatMap { $0 })
            }
        }
    }

    @Test("an error status after a message carries code, message and details")
    func errorStatusWithDetails() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let (metadata, messages, status) = await Self.collect(
                    pool.call(Self.request(target, "FailAfterMessage"))
                )
                #expect(metadata != nil)
                #expect(messages == [ByteBuffer(bytes: [1, 2, 3])])
                let final = try #require(status)
                #expect(final.code == .failedPrecondition)
                #expect(final.message == "after one message")
                #expect(final.details == UpstreamTestService.detailsBytes)
                #expect(final.trailers.first(name: "grpc-status") == "9")
                #expect(final.origin == .upstream)
            }
        }
    }

    @Test("a trailers-only error: no initial metadata, status from the single header block")
    func trailersOnly() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let response = await pool.unary(Self.request(target, "FailImmediately"))
                #expect(response.initialMetadata == nil)
                #expect(response.message == nil)
                #expect(response.status.code == .notFound)
                #expect(response.status.message == "no such thing: ü 100%")
                #expect(response.status.details == UpstreamTestService.detailsBytes)
                #expect(response.status.trailers.first(name: "x-failed") == "yes")
                #expect(!response.status.trailers.contains(name: ":status"))

                let events = await Self.collect(pool.call(Self.request(target, "FailImmediately")))
                #expect(events.metadata == nil && events.messages.isEmpty)
                #expect(events.status?.code == .notFound)
            }
        }
    }

    @Test("an unknown method is UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let response = await pool.unary(Self.request(target, "NoSuchMethod"))
                #expect(response.status.code == .unimplemented)
            }
        }
    }

    @Test("custom initial and trailing metadata round trip, text and binary")
    func metadataRoundTrip() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool { pool in
                let binary: [UInt8] = [0, 1, 2, 250, 255]
                let metadata: HPACKHeaders = ["x-echo": "hello", "x-echo-bin": "AAEC+v8="]
                let response = await pool.unary(Self.request(target, "Echo", [5], metadata: metadata))
                #expect(response.status.code == .ok)
                #expect(response.initialMetadata?.first(name: "x-initial") == "hello")
                #expect(response.status.trailers.first(name: "x-trailing") == "hello")
                let trailingBinary = try #require(response.status.trailers.first(name: "x-trailing-bin"))
                #expect(Base64.decode(trailingBinary) == binary)
            }
        }
    }

    @Test("deadline: RST_STREAM and DEADLINE_EXCEEDED on time; the server saw grpc-timeout")
    func deadlineExceeded() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool { pool in
                let clock = ContinuousClock()
                let start = clock.now
                let response = await pool.unary(Self.request(target, "Sleep", timeout: .seconds(1)))
                let elapsed = clock.now - start
                #expect(response.status.code == .deadlineExceeded, "\(response.status)")
                #expect(response.status.origin == .local)
                #expect(elapsed >= .milliseconds(990))
                // Well before the handler's 30 s sleep ends; loose, as a busy test run may resume this task late.
                #expect(elapsed < .seconds(10), "took \(elapsed)")
                #expect(probe.timeoutHeaders == ["1000000u"], "server handler calls: \(probe.calls)")
                #expect(await probe.wait { $0.cancelledHandlers == 1 })
            }
        }
    }

    @Test("a timeout repeated on one connection (sent HPACK-indexed) reaches the server the same each time")
    func repeatedTimeouts() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool { pool in
                let timeouts: [Duration] = [.seconds(2), .seconds(2), .seconds(2), .seconds(3), .seconds(2)]
                for timeout in timeouts {
                    let response = await pool.unary(Self.request(target, "Echo", [1], timeout: timeout))
                    #expect(response.status.code == .ok, "\(response.status)")
                }
                #expect(probe.timeoutHeaders == ["2000000u", "2000000u", "2000000u", "3000000u", "2000000u"])
                #expect(pool.connectionCount(to: target) == 1)
            }
        }
    }

    @Test("one timer serves a connection's deadlines: a sooner deadline moves it, a call ending early leaves it")
    func deadlinesShareOneTimer() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool { pool in
                let clock = ContinuousClock()
                let start = clock.now
                async let long = pool.unary(Self.request(target, "Sleep", timeout: .seconds(4)))
                #expect(await probe.wait { $0.calls == 1 })
                // Due sooner, so the timer moves to it; it ends first, and the timer then finds nothing due.
                let quick = await pool.unary(Self.request(target, "Echo", [1], timeout: .milliseconds(300)))
                #expect(quick.status.code == .ok, "\(quick.status)")
                let shortStart = clock.now
                let short = await pool.unary(Self.request(target, "Sleep", timeout: .seconds(1)))
                let shortElapsed = clock.now - shortStart
                #expect(short.status.code == .deadlineExceeded, "\(short.status)")
                #expect(shortElapsed >= .milliseconds(990))
                #expect(shortElapsed < .seconds(3), "took \(shortElapsed)")
                #expect(pool.connectionCount(to: target) == 1)
                #expect(probe.cancelledHandlers <= 1)  // the long call still runs
                let longResponse = await long
                #expect(longResponse.status.code == .deadlineExceeded, "\(longResponse.status)")
                #expect(clock.now - start >= .milliseconds(3990))
                #expect(await probe.wait { $0.cancelledHandlers == 2 })
            }
        }
    }

    @Test("cancelling the waiting task resets the stream; the server handler is cancelled")
    func taskCancellation() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool { pool in
                let task = Task { await pool.unary(Self.request(target, "Sleep")) }
                #expect(await probe.wait { $0.calls == 1 })
                task.cancel()
                let response = await task.value
                #expect(response.status.code == .cancelled)
                #expect(await probe.wait { $0.cancelledHandlers == 1 })
            }
        }
    }

    @Test("cancelling or dropping a streaming call mid-stream resets it")
    func streamCancellation() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool { pool in
                let call = pool.call(Self.request(target, "StreamThenSleep"))
                guard case .initialMetadata = await call.next() else {
                    Issue.record("expected initial metadata")
                    return
                }
                guard case .message = await call.next() else {
                    Issue.record("expected a message")
                    return
                }
                call.cancel()
                guard case .status(let status) = await call.next() else {
                    Issue.record("expected the status")
                    return
                }
                #expect(status.code == .cancelled)
                #expect(await call.next().map { _ in true } == nil)
                #expect(await probe.wait { $0.cancelledHandlers == 1 })

                // Dropping the last reference cancels too.
                do {
                    let dropped = pool.call(Self.request(target, "StreamThenSleep"))
                    _ = await dropped.next()
                }
                #expect(await probe.wait { $0.cancelledHandlers == 2 })
            }
        }
    }

    @Test("200 concurrent calls multiplex over a few connections")
    func concurrentCalls() async throws {
        try await withUpstreamTestServer(maximumConcurrentStreams: 16) { target, _ in
            let configuration = UpstreamPool.Configuration.defaults { $0.maximumConnectionsPerTarget = 3 }
            try await withUpstreamPool(configuration: configuration) { pool in
                let results = await withTaskGroup(of: Bool.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let payload = [UInt8(index & 0xFF), UInt8(index >> 8)]
                            let response = await pool.unary(Self.request(target, "Echo", payload))
                            return response.status.code == .ok && response.message == ByteBuffer(bytes: payload)
                        }
                    }
                    return await group.reduce(into: [Bool]()) { $0.append($1) }
                }
                #expect(results.count == 200)
                #expect(results.allSatisfy { $0 })
                let connections = pool.connectionCount(to: target)
                #expect((2...3).contains(connections), "\(connections) connections")
            }
        }
    }

    @Test("a target that refuses connections fails fast with UNAVAILABLE, then backs off")
    func backendDown() async throws {
        let port = try await Self.unusedPort()
        let target = UpstreamTarget(host: "127.0.0.1", port: port)
        try await withUpstreamPool { pool in
            let clock = ContinuousClock()
            let start = clock.now
            let first = await pool.unary(Self.request(target, "Echo", [1]))
            #expect(first.status.code == .unavailable)
            #expect(first.status.message.contains("connecting to 127.0.0.1:\(port) failed"), "\(first.status)")
            #expect(clock.now - start < .seconds(1))

            let second = await pool.unary(Self.request(target, "Echo", [1]))
            #expect(second.status.code == .unavailable)
            #expect(second.status.message.contains("next connection attempt"), "\(second.status)")
        }
    }

    @Test("the backend restarts on the same port: the pool recovers")
    func backendRestart() async throws {
        let probe = ServerProbe()
        let port = try await withUpstreamTestServer(probe: probe) { target, _ in target.port }
        let target = UpstreamTarget(host: "127.0.0.1", port: port)
        try await withUpstreamPool { pool in
            // First life of the server.
            try await withUpstreamTestServer(port: port, probe: probe) { target, _ in
                let response = await pool.unary(Self.request(target, "Echo", [1]))
                #expect(response.status.code == .ok)
            }
            // Down.
            let down = await pool.unary(Self.request(target, "Echo", [2]))
            #expect(down.status.code == .unavailable, "\(down.status)")
            // Second life: calls succeed again once the backoff has passed.
            try await withUpstreamTestServer(port: port, probe: probe) { target, _ in
                let clock = ContinuousClock()
                let end = clock.now + .seconds(5)
                var status = await pool.unary(Self.request(target, "Echo", [3])).status
                while status.code != .ok, clock.now < end {
                    try await Task.sleep(for: .milliseconds(20))
                    status = await pool.unary(Self.request(target, "Echo", [3])).status
                }
                #expect(status.code == .ok, "\(status)")
            }
        }
    }

    @Test("cancelling the pool's run() closes connections: running calls fail, new calls are refused")
    func forcedShutdown() async throws {
        try await withUpstreamTestServer { target, probe in
            let pool = UpstreamPool()
            let runner = Task { try await pool.run() }
            let running = Task { await pool.unary(Self.request(target, "Sleep")) }
            #expect(await probe.wait { $0.calls == 1 })
            runner.cancel()
            try await runner.value
            let response = await running.value
            #expect(response.status.code == .unavailable, "\(response.status)")
            let refused = await pool.unary(Self.request(target, "Echo", [1]))
            #expect(refused.status.code == .unavailable)
            #expect(refused.status.message.contains("shut down"))
        }
    }

    @Test("a non-positive timeout fails without sending")
    func nonPositiveTimeout() async throws {
        try await withUpstreamPool { pool in
            let target = UpstreamTarget(host: "127.0.0.1", port: 1)
            let response = await pool.unary(Self.request(target, "Echo", timeout: .zero))
            #expect(response.status.code == .deadlineExceeded)
            #expect(pool.connectionCount(to: target) == 0)
        }
    }

    @Test("an idle connection closes after the idle timeout; the next call reconnects")
    func idleTimeout() async throws {
        try await withUpstreamTestServer { target, _ in
            try await withUpstreamPool(configuration: .defaults { $0.idleTimeout = .milliseconds(200) }) { pool in
                #expect(await pool.unary(Self.request(target, "Echo", [1])).status.code == .ok)
                #expect(pool.connectionCount(to: target) == 1)
                #expect(await Self.eventually { pool.connectionCount(to: target) == 0 })
                #expect(await pool.unary(Self.request(target, "Echo", [2])).status.code == .ok)
            }
        }
    }

    @Test("a connection with calls more often than the idle timeout stays open, however often its timer fires")
    func busyConnectionStaysOpen() async throws {
        try await withUpstreamTestServer { target, probe in
            try await withUpstreamPool(configuration: .defaults { $0.idleTimeout = .milliseconds(250) }) { pool in
                // Idle for 100 ms between calls for 1.2 s: the timer set after the first call fires several times
                // while the connection is busy or has been idle for less than the timeout.
                for index in 0..<12 {
                    #expect(await pool.unary(Self.request(target, "Echo", [UInt8(index)])).status.code == .ok)
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(probe.peers.count == 1, "\(probe.peers)")
                #expect(await Self.eventually { pool.connectionCount(to: target) == 0 })
                #expect(await pool.unary(Self.request(target, "Echo", [1])).status.code == .ok)
                #expect(probe.peers.count == 2, "\(probe.peers)")
            }
        }
    }

    @Test("keepalive: a peer that never acknowledges PINGs is dropped and its calls fail with UNAVAILABLE")
    func keepaliveTimeout() async throws {
        // Accepts TCP connections and never answers.
        let silent = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(silent.localAddress?.port)
        let configuration = UpstreamPool.Configuration.defaults {
            $0.keepalive = .init(interval: .milliseconds(100), timeout: .milliseconds(200))
        }
        try await withUpstreamPool(configuration: configuration) { pool in
            let target = UpstreamTarget(host: "127.0.0.1", port: port)
            let response = await pool.unary(Self.request(target, "Echo", [1], timeout: .seconds(10)))
            #expect(response.status.code == .unavailable, "\(response.status)")
            #expect(response.status.message.contains("keepalive"), "\(response.status)")
        }
        try await silent.close()
    }

    /// Polls `condition` for up to `timeout`: a bound for a cold, busy test run (the first run after a build has
    /// taken over 5 s to answer a first call), not a measure of speed.
    static func eventually(_ timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    /// A port nothing listens on: bound, read, released.
    static func unusedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }
}
