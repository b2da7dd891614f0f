import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import Testing

@testable import Gateway

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
#if canImport(SwiftOverlayShims)
    // Declares `timespec` once another file of the target imports Foundation.
    import SwiftOverlayShims
#endif

/// CPU cost per unary call. Prints figures, asserts only that calls succeed. Run with
/// `PORTICO_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing --filter UpstreamBenchmark`
/// (`-enable-testing` because the test target uses `@testable import`).
@Suite("UpstreamBenchmark", .serialized, .enabled(if: ProcessInfoEnvironment.benchmarkEnabled))
struct UpstreamBenchmarkTests {
    static let warmup = 2_000
    static let iterations = 20_000
    static let rounds = 7
    static let iterationsPerRound = 5_000
    static let payload = ByteBuffer(bytes: Array(repeating: 0x5A, count: 100))

    @Test("client CPU per unary call, callers on the connection's event loop", arguments: [1, 16])
    func isolatedClientCost(concurrency: Int) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withUpstreamTestServer(eventLoopGroup: serverGroup) { target, _ in
            try await withUpstreamPool(eventLoopGroup: clientGroup) { pool in
                let loop = clientGroup.next()
                let driver = EventLoopDriver(eventLoop: loop)
                let request = UpstreamRequest(
                    target: target,
                    path: UpstreamTestService.path("Echo"),
                    message: Self.payload
                )
                #expect(
                    await driver.run(pool: pool, request: request, iterations: Self.warmup, concurrency: concurrency)
                        == Self.warmup
                )

                // Rounds, so that the minimum filters out time lost to other processes on a busy machine.
                var rounds: [(client: Double, process: Double, wall: Double)] = []
                for _ in 0..<Self.rounds {
                    let threadBefore = try await loop.submit { CPUTime.thread() }.get()
                    let processBefore = CPUTime.process()
                    let clock = ContinuousClock()
                    let start = clock.now
                    let succeeded = await driver.run(
                        pool: pool,
                        request: request,
                        iterations: Self.iterationsPerRound,
                        concurrency: concurrency
                    )
                    let wall = clock.now - start
                    let threadAfter = try await loop.submit { CPUTime.thread() }.get()
                    let processAfter = CPUTime.process()
                    #expect(succeeded == Self.iterationsPerRound)
                    let perCall = { (seconds: Double) in seconds / Double(Self.iterationsPerRound) * 1e6 }
                    let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                    rounds.append(
                        (
                            perCall(threadAfter - threadBefore),
                            perCall(processAfter - processBefore),
                            perCall(wallSeconds)
                        )
                    )
                }
                let byTotal = rounds.sorted { $0.client < $1.client }
                let best = byTotal[0]
                let median = byTotal[byTotal.count / 2]
                print(
                    """
                    [UpstreamBenchmark] Portico client, \(concurrency) concurrent caller(s) on the client event loop, \
                    \(Self.rounds) rounds of \(Self.iterationsPerRound) unary calls (100-byte echo). Client thread CPU \
                    per call (user + system): best round \(Self.format(best.client)) us, median round \
                    \(Self.format(median.client)) us. Whole process (client + \
                    grpc-swift server) in the best round \(Self.format(best.process)) us/call, wall \(Self.format(best.wall)) us/call
                    """
                )
            }
        }
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }

    @Test("process CPU per unary call: Portico client vs grpc-swift-2 client, same server", arguments: [1, 16])
    func comparedWithGRPCSwift(concurrency: Int) async throws {
        let serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        try await withUpstreamTestServer(eventLoopGroup: serverGroup) { target, _ in
            // Portico client, callers on the global executor.
            let portico = try await withUpstreamPool(eventLoopGroup: clientGroup) { pool in
                let request = UpstreamRequest(
                    target: target,
                    path: UpstreamTestService.path("Echo"),
                    message: Self.payload
                )
                let call: @Sendable () async -> Bool = { await pool.unary(request).status.isOK }
                return await Self.measure(concurrency: concurrency, call)
            }

            // grpc-swift-2 client.
            let transport = try HTTP2ClientTransport.Posix(
                target: .ipv4(address: target.host, port: target.port),
                transportSecurity: .plaintext,
                eventLoopGroup: clientGroup
            )
            let grpcSwift = try await withGRPCClient(transport: transport) { client in
                let descriptor = MethodDescriptor(fullyQualifiedService: UpstreamTestService.service, method: "Echo")
                let message = Array(Self.payload.readableBytesView)
                let call: @Sendable () async -> Bool = {
                    let reply = try? await client.unary(
                        request: ClientRequest(message: message),
                        descriptor: descriptor,
                        serializer: BytesSerializer(),
                        deserializer: BytesDeserializer(),
                        options: .defaults
                    ) { response in try response.message }
                    return reply?.count == message.count
                }
                return await Self.measure(concurrency: concurrency, call)
            }

            print(
                """
                [UpstreamBenchmark] concurrency \(concurrency), \(Self.iterations) unary calls (100-byte echo), \
                whole-process CPU (client + same grpc-swift server): Portico client \(Self.format(portico.cpu)) us/call \
                (wall \(Self.format(portico.wall)) us/call); grpc-swift-2 client \(Self.format(grpcSwift.cpu)) us/call \
                (wall \(Self.format(grpcSwift.wall)) us/call); difference \(Self.format(grpcSwift.cpu - portico.cpu)) us/call
                """
            )
        }
        try await clientGroup.shutdownGracefully()
        try await serverGroup.shutdownGracefully()
    }

    /// Runs `warmup` then `iterations` calls over `concurrency` workers; returns process CPU and wall time per call.
    static func measure(
        concurrency: Int,
        _ call: @escaping @Sendable () async -> Bool
    ) async -> (cpu: Double, wall: Double) {
        func run(_ total: Int) async -> Int {
            await withTaskGroup(of: Int.self) { group in
                for worker in 0..<concurrency {
                    let share = total / concurrency + (worker < total % concurrency ? 1 : 0)
                    group.addTask {
                        var succeeded = 0
                        for _ in 0..<share where await call() { succeeded += 1 }
                        return succeeded
                    }
                }
                return await group.reduce(0, +)
            }
        }
        _ = await run(Self.warmup)
        let before = CPUTime.process()
        let clock = ContinuousClock()
        let start = clock.now
        let succeeded = await run(Self.iterations)
        let wall = clock.now - start
        let after = CPUTime.process()
        #expect(succeeded == Self.iterations)
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        return ((after - before) / Double(Self.iterations) * 1e6, wallSeconds / Double(Self.iterations) * 1e6)
    }

    static func format(_ value: Double) -> String {
        String(Int((value * 10).rounded())).withDecimal
    }
}

extension String {
    /// "123" as tenths -> "12.3".
    fileprivate var withDecimal: String {
        let negative = self.hasPrefix("-")
        var digits = negative ? String(self.dropFirst()) : self
        while digits.count < 2 { digits = "0" + digits }
        return (negative ? "-" : "") + digits.dropLast() + "." + digits.suffix(1)
    }
}

/// Whether benchmarks were asked for.
enum ProcessInfoEnvironment {
    static var benchmarkEnabled: Bool {
        getenv("PORTICO_BENCHMARK").map { String(cString: $0) == "1" } ?? false
    }
}

/// CPU time consumed, in seconds (user + system).
enum CPUTime {
    /// The calling thread's CPU time.
    static func thread() -> Double {
        self.clock(CLOCK_THREAD_CPUTIME_ID)
    }

    /// The whole process's CPU time.
    static func process() -> Double {
        self.clock(CLOCK_PROCESS_CPUTIME_ID)
    }

    private static func clock(_ id: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(id, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Runs calls with every continuation on one event loop, so that thread's CPU time is the client's cost.
actor EventLoopDriver {
    let eventLoop: any EventLoop

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        self.eventLoop.executor.asUnownedSerialExecutor()
    }

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// `iterations` calls spread over `concurrency` workers, each looping on this actor (the event loop).
    func run(pool: UpstreamPool, request: UpstreamRequest, iterations: Int, concurrency: Int) async -> Int {
        await withTaskGroup(of: Int.self) { group in
            for worker in 0..<concurrency {
                let share = iterations / concurrency + (worker < iterations % concurrency ? 1 : 0)
                group.addTask { await self.loop(pool: pool, request: request, iterations: share) }
            }
            var total = 0
            while let succeeded = await group.next() { total += succeeded }
            return total
        }
    }

    private func loop(pool: UpstreamPool, request: UpstreamRequest, iterations: Int) async -> Int {
        var succeeded = 0
        for _ in 0..<iterations {
            let response = await pool.unary(request)
            if response.status.isOK { succeeded += 1 }
        }
        return succeeded
    }
}
